// The logger every SDK client gets: none at all. The SDK's info lines of inner STS clients print
// session tokens in clear (notes/aws-sdk.md §8), so no SDK client may log through ours.
export const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
