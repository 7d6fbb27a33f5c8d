// What the worker tests share: a queue on a fake clock (failures back off a fixed 7 s), and a wait
// that lets pending promises run until a condition holds.
import { FakeClock, flush } from '../../../src/runtime/clock.ts';
import { FixedRateLimiter } from '../../../src/runtime/backoff.ts';
import { WorkQueue } from '../../../src/runtime/queue.ts';

export function queueOnFakeClock(): { clock: FakeClock; queue: WorkQueue } {
  const clock = new FakeClock();
  const queue = new WorkQueue({ clock, rateLimiter: new FixedRateLimiter(7_000) });
  return { clock, queue };
}

/** Flushes the microtask and immediate queues until `cond` holds (2 s of real time at most). */
export async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await flush();
  }
}
