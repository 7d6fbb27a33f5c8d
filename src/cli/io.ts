// Where commands write, so tests can capture output without spawning a process.
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
}

export function defaultIO(): CommandIO {
  return {
    out: (line) => process.stdout.write(line.endsWith('\n') ? line : `${line}\n`),
    err: (line) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`),
  };
}

/** An error meant for a person: printed without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
