// Time as a dependency: the runtime asks a Clock for "now" and for timers, so tests can drive
// queues, pacers and leases through minutes of simulated time in microseconds of real time.

/** An opaque timer handle; only the clock that made it can clear it. */
export type TimerHandle = { readonly __timer: unique symbol };

export interface Clock {
  /** Milliseconds on a monotonic time line (never jumps back when the wall clock is adjusted). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/**
 * The real clock. `now()` is `performance.timeOrigin + performance.now()`: epoch-like
 * milliseconds that are monotonic, so an NTP step cannot make a lease look expired early.
 */
export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)) as unknown as TimerHandle,
  clearTimeout: (handle) => {
    if (handle !== undefined) clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};

/** Resolves after `ms` on `clock`; rejects with the signal's reason when aborted first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to. Timers due at the same instant fire in the order they
 * were set, like Node's. Timers set by a firing timer for a time inside the advanced span fire
 * in the same advance.
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, FakeTimer>();

  constructor(start = 1_800_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.#timers.delete(handle as unknown as number);
  }

  /** Number of timers not yet fired or cleared (tests use it to prove nothing leaks). */
  pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing due timers synchronously in time order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (let t = this.#nextDue(end); t; t = this.#nextDue(end)) {
      this.#timers.delete(t.id);
      this.#now = t.at;
      t.fn();
    }
    this.#now = end;
  }

  /**
   * Like advance, but lets promise callbacks run after every timer, so async code that awaits
   * between timers (sleep loops, queue getters) keeps up with simulated time.
   */
  async tick(ms: number): Promise<void> {
    const end = this.#now + ms;
    await flush();
    for (let t = this.#nextDue(end); t; t = this.#nextDue(end)) {
      this.#timers.delete(t.id);
      this.#now = t.at;
      t.fn();
      await flush();
    }
    this.#now = end;
    await flush();
  }

  #nextDue(end: number): FakeTimer | undefined {
    let first: FakeTimer | undefined;
    for (const t of this.#timers.values()) {
      if (t.at <= end && (!first || t.at < first.at || (t.at === first.at && t.id < first.id))) first = t;
    }
    return first;
  }
}

/** Lets every queued promise callback run (a macrotask boundary drains the microtask queue). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
