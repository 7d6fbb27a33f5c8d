// Flag parsing shared by the commands: node's parseArgs plus durations and clear errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './io.ts';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<T extends FlagSpec>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message.replace(/\. To specify a positional.*$/s, '')} (see --help)`);
  }
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration such as `30s`, `10m`, `1h30m` or `500ms` into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  if (!text || matched !== text.length) {
    throw new CliError(`${flag}: "${text}" is not a duration; use a number with a unit, e.g. 30s, 10m, 1h`);
  }
  return total;
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
