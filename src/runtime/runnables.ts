// The parts of a running manager as runnables, as controller-runtime's manager has them: each
// starts, stops, and says whether it may run only on the leader. The group starts the others
// first, in the order they were added (each once the previous one is running: the caches have
// synced before anything reads them), then the leader-only ones once elected, and stops
// everything along ONE path, in reverse order, whatever ended the run: a stop request, lost
// leadership, or a runnable that failed.

/** Why the group stops. */
export type StopReason = 'shutdown' | 'leadership-lost' | 'failed';

export interface Runnable {
  /** For logs and errors. */
  readonly name: string;
  /** Started only while this replica leads (writers: the controller). */
  readonly needsLeader: boolean;
  /**
   * Resolves once it runs (a server listens, a cache has synced); the next one starts only then.
   * `signal` aborts when the group stops meanwhile (a start waiting for the API server gives up).
   * Rejecting, or calling `fail` later, stops the group.
   */
  start(signal: AbortSignal, fail: (error: unknown) => void): Promise<void>;
  /** Called once for every runnable whose start() was called, also when it did not finish. */
  stop(reason: StopReason): Promise<void>;
}

/** Leader election as the group sees it. */
export interface Leadership {
  /** Campaigns until this replica leads, then calls `elected` once with a signal that aborts when leadership is lost. */
  campaign(elected: (lost: AbortSignal) => void): void;
  /** Stops campaigning and gives leadership up; called after the leader-only runnables stopped. */
  release(reason: StopReason): Promise<void>;
}

export interface RunOutcome {
  reason: StopReason;
  /** Whether every runnable that does not need leadership had started (false: stopped during start-up). */
  started: boolean;
  /** What failed, when reason is 'failed'. */
  error?: unknown;
  /** Which runnable failed. */
  failed?: string;
  /** Runnables whose stop() threw (the others were stopped all the same). */
  stopErrors: Array<{ name: string; error: unknown }>;
}

export class RunnableGroup {
  readonly #runnables: Runnable[] = [];
  #ran = false;

  add(...runnables: Runnable[]): this {
    if (this.#ran) throw new Error('runnables: add() after run()');
    this.#runnables.push(...runnables);
    return this;
  }

  /**
   * Runs until `stop` aborts, leadership (if any) is lost, or a runnable fails; then stops every
   * runnable that was started, newest first, and resolves. Without `leadership` the leader-only
   * runnables start at once (this is the only replica). Call it once.
   */
  async run(stop: AbortSignal, leadership?: Leadership): Promise<RunOutcome> {
    if (this.#ran) throw new Error('runnables: run() was already called');
    this.#ran = true;
    // One controller ends the run, whichever comes first; its reason is the one that counts.
    const ending = new AbortController();
    let outcome: Omit<RunOutcome, 'started' | 'stopErrors'> | undefined;
    const end = (o: Omit<RunOutcome, 'started' | 'stopErrors'>) => {
      if (outcome) return;
      outcome = o;
      ending.abort();
    };
    const ended = new Promise<void>((resolve) => ending.signal.addEventListener('abort', () => resolve(), { once: true }));
    const onStop = () => end({ reason: 'shutdown' });
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });

    const started: Runnable[] = [];
    const startAll = async (runnables: Runnable[]) => {
      for (const r of runnables) {
        if (ending.signal.aborted) return false;
        started.push(r);
        const fail = (error: unknown) => end({ reason: 'failed', error, failed: r.name });
        const running = r.start(ending.signal, fail).then(
          () => true,
          (error: unknown) => {
            // A start that gave up because we are stopping is not a failure.
            if (!ending.signal.aborted) fail(error);
            return false;
          },
        );
        if (!(await Promise.race([running, ended.then(() => false)]))) return false;
      }
      return true;
    };

    const others = this.#runnables.filter((r) => !r.needsLeader);
    const leaderOnly = this.#runnables.filter((r) => r.needsLeader);
    const allStarted = await startAll(others);
    let campaigned = false;
    if (allStarted) {
      if (!leadership) await startAll(leaderOnly);
      else {
        campaigned = true;
        leadership.campaign((lost) => {
          const onLost = () => end({ reason: 'leadership-lost' });
          if (lost.aborted) return onLost();
          lost.addEventListener('abort', onLost, { once: true });
          void startAll(leaderOnly);
        });
      }
    }
    await ended;
    stop.removeEventListener('abort', onStop);
    const { reason } = outcome!;

    // The one shutdown path: newest first; the lease is given up once the leader-only ones stopped.
    const stopping = [...started].reverse();
    const stopErrors: RunOutcome['stopErrors'] = [];
    // A stop that throws must not keep the others from stopping.
    const stopOne = (r: Runnable) => r.stop(reason).catch((error: unknown) => void stopErrors.push({ name: r.name, error }));
    for (const r of stopping.filter((x) => x.needsLeader)) await stopOne(r);
    if (campaigned) await leadership!.release(reason).catch((error: unknown) => void stopErrors.push({ name: 'leadership', error }));
    for (const r of stopping.filter((x) => !x.needsLeader)) await stopOne(r);
    return { ...outcome!, started: allStarted, stopErrors };
  }
}
