// The logger every SDK client gets: none at all. The SDK's info lines of inner STS clients print
// session tokens in clear, so no SDK client may log through ours
// (docs/design.md#why-the-sdk-logger-is-silenced).
export const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
