// The controller's real log output, as pino writes it (one JSON object per line), for tests
// that check what a person reading the logs would see.
import type { CpiProcess as Proc } from '../../support/cpi.ts';
import { waitFor } from '../../support/wait.ts';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** Every JSON line the process printed so far (other lines, such as a stack, are skipped). */
export function logLines(p: Proc): LogLine[] {
  const out: LogLine[] = [];
  for (const line of p.output) {
    if (!line.startsWith('{')) continue;
    try {
      const obj = JSON.parse(line) as LogLine;
      if (typeof obj.msg === 'string' && typeof obj.level === 'number') out.push(obj);
    } catch {
      // not a log line
    }
  }
  return out;
}

/** Lines whose fields include every field of `match` (msg included). */
export function logsMatching(p: Proc, match: Partial<LogLine>): LogLine[] {
  return logLines(p).filter((l) => Object.entries(match).every(([k, v]) => (v instanceof RegExp ? v.test(String(l[k])) : l[k] === v)));
}

/** Waits until a line matches; resolves with it. */
export function waitForLog(p: Proc, match: Partial<LogLine>, timeoutMs = 30_000): Promise<LogLine> {
  return waitFor(() => logsMatching(p, match)[0], { what: `a log line with ${JSON.stringify(match)}`, timeoutMs });
}
