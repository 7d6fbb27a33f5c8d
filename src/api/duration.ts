// Go-style durations (`30s`, `10m`, `1h30m`, `500ms`), for flags and annotations alike. Pure, and
// free of the CLI: api/, reconcile/ and controller/ read annotations with it.

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export class DurationError extends Error {}

/** Milliseconds of a duration such as `30s`; throws DurationError naming `what` otherwise. */
export function parseDuration(text: string, what: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  if (!text || matched !== text.length) {
    throw new DurationError(`${what}: "${text}" is not a duration; use a number with a unit, e.g. 30s, 10m, 1h`);
  }
  return total;
}
