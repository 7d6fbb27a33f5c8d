// What code deep inside a reconcile may know about the work it runs for, without being passed it:
// the flow (the controller's namespace) that fair scheduling shares out by, and the worker slot
// it holds. Carried by AsyncLocalStorage from runWorkers() into every await of the handler, so
// the AWS gateway learns both without a parameter on every reconciler function.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WorkContext {
  /** Who the work is for; fair queues take turns between flows. */
  readonly flow: string;
  /** Runs `wait` without holding a worker slot (see awayFromSlot). */
  away<T>(wait: () => Promise<T>): Promise<T>;
}

const storage = new AsyncLocalStorage<WorkContext>();

/** Runs `fn` (and everything it awaits) as work for `ctx`. */
export function runAsWork<T>(ctx: WorkContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The flow of the work running now; '' outside a worker (a CLI command, a probe). */
export function currentFlow(): string {
  return storage.getStore()?.flow ?? '';
}

/**
 * Runs `wait` (a wait for a quota token, or for a remote answer) with the caller's worker slot
 * given back, so another key can run meanwhile; the slot is the caller's again when it resolves.
 * Outside a worker it just runs `wait`.
 */
export function awayFromSlot<T>(wait: () => Promise<T>): Promise<T> {
  const ctx = storage.getStore();
  return ctx ? ctx.away(wait) : wait();
}
