// Flag parsing shared by the commands: node's parseArgs plus durations and clear errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DurationError, parseDuration as parseApiDuration } from '../api/duration.ts';
import { CliError } from './io.ts';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<T extends FlagSpec>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message.replace(/\. To specify a positional.*$/s, '')} (see --help)`);
  }
}

/** Parses a Go-style duration such as `30s`, `10m`, `1h30m` or `500ms` into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  try {
    return parseApiDuration(text, flag);
  } catch (err) {
    throw err instanceof DurationError ? new CliError(err.message) : err;
  }
}

export function parsePositiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag}: "${text}" must be a positive number`);
  return n;
}

export function parsePositiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${flag}: "${text}" must be a positive whole number`);
  return n;
}
