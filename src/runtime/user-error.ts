// An error meant for people: the CLI prints its message alone (no stack) and exits with its code.
// It lives here, below every layer, so gitops/, kube/ and dev/ can raise one without importing
// the CLI.
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
