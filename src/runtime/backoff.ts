// Per-key retry delays as small composable types, after client-go's workqueue rate limiters:
// a RateLimiter answers "how long before this key may run again?" and counts the answers
// until the key is forgotten (it succeeded).

export interface RateLimiter {
  /** The delay before `key` may be retried; each call counts as one more failure of it. */
  when(key: string): number;
  /** The key succeeded: its next failure starts again from the first delay. */
  forget(key: string): void;
  /** How many times `when` has been called for `key` since it was last forgotten. */
  numRequeues(key: string): number;
}

/**
 * `ms` spread uniformly over [ms·(1−factor), ms·(1+factor)). Spreading retries and polls keeps
 * hundreds of resources that failed (or were created) together from hitting AWS in lock-step.
 * `rand` returns a number in [0, 1), like Math.random.
 */
export function jitter(ms: number, factor: number, rand: () => number = Math.random): number {
  return ms * (1 - factor + 2 * factor * rand());
}

export interface ExponentialOptions {
  /** First delay. Default 1 s. */
  baseMs?: number;
  /** Ceiling of the delay, also after jitter. Default 5 min. */
  maxMs?: number;
  /** Jitter factor, see `jitter`. Default 0.1; 0 makes the delays exact. */
  jitterFactor?: number;
  rand?: () => number;
}

/**
 * base·2^failures, capped at max, jittered: 1 s, 2 s, 4 s … 5 min by default
 * (docs/design.md#the-work-queue-and-backoff).
 */
export class ItemExponentialRateLimiter implements RateLimiter {
  readonly #failures = new Map<string, number>();
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #jitterFactor: number;
  readonly #rand: () => number;

  constructor(opts: ExponentialOptions = {}) {
    this.#baseMs = opts.baseMs ?? 1_000;
    this.#maxMs = opts.maxMs ?? 300_000;
    this.#jitterFactor = opts.jitterFactor ?? 0.1;
    this.#rand = opts.rand ?? Math.random;
  }

  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    // 2^failures overflows to Infinity long after it passed max; min() handles that.
    const raw = Math.min(this.#maxMs, this.#baseMs * 2 ** failures);
    return Math.min(this.#maxMs, jitter(raw, this.#jitterFactor, this.#rand));
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}

/** A constant delay for every failure (for tests and for deliberately flat retries). */
export class FixedRateLimiter implements RateLimiter {
  readonly #counts = new Map<string, number>();
  readonly #delayMs: number;

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  when(key: string): number {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    return this.#delayMs;
  }

  forget(key: string): void {
    this.#counts.delete(key);
  }

  numRequeues(key: string): number {
    return this.#counts.get(key) ?? 0;
  }
}

/** The longest delay of several limiters; every limiter counts every failure. */
export class MaxOfRateLimiter implements RateLimiter {
  readonly #limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    if (limiters.length === 0) throw new Error('MaxOfRateLimiter needs at least one limiter');
    this.#limiters = limiters;
  }

  when(key: string): number {
    // Call every limiter (no short-circuit) so all of them count the failure.
    return Math.max(...this.#limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.#limiters) l.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(...this.#limiters.map((l) => l.numRequeues(key)));
  }
}

/** The controller's default: per-key exponential backoff from 1 s to 5 min with ±10 % jitter. */
export function defaultControllerRateLimiter(): RateLimiter {
  return new ItemExponentialRateLimiter({ baseMs: 1_000, maxMs: 300_000, jitterFactor: 0.1 });
}
