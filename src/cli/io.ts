// Where commands write, so tests can capture output without spawning a process.
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  /** How the user invoked us, for hints: `cpi` (default) or `kubectl cpi` (the plugin). */
  prog?: string;
}

/** The program name for hints and help: `kubectl cpi` under the plugin, else `cpi`. */
export const progOf = (io: CommandIO) => io.prog ?? 'cpi';

/** Help text written for `cpi plan ...` in the caller's form (`kubectl cpi plan ...` under the plugin). */
export function inProgForm(text: string, io: CommandIO): string {
  const prog = progOf(io);
  return prog === 'cpi' ? text : text.replace(/(^|[\s'`(|])cpi (?=[a-z-])/g, `$1${prog} `);
}

export function defaultIO(): CommandIO {
  return {
    out: (line) => process.stdout.write(line.endsWith('\n') ? line : `${line}\n`),
    err: (line) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`),
  };
}

/** An error meant for a person: printed without a stack trace. */
/** An error for people (message only, exit code): the one class every layer raises. */
export { UserError as CliError } from '../runtime/user-error.ts';
