import { describe, expect, it } from 'vitest';
import { RunnableGroup, type Leadership, type Runnable, type StopReason } from '../../../src/runtime/runnables.ts';

/** A runnable that records what happens to it; its start resolves only when told to, if asked. */
class FakeRunnable implements Runnable {
  readonly name: string;
  readonly needsLeader: boolean;
  readonly #journal: string[];
  startSignal: AbortSignal | undefined;
  fail: ((error: unknown) => void) | undefined;
  stopReason: StopReason | undefined;
  #ready: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } | undefined;
  #stopError: Error | undefined;

  constructor(journal: string[], name: string, opts: { needsLeader?: boolean; manualStart?: boolean; stopError?: Error } = {}) {
    this.#journal = journal;
    this.name = name;
    this.needsLeader = opts.needsLeader ?? false;
    if (opts.manualStart) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.#ready = { promise, resolve, reject };
    }
    this.#stopError = opts.stopError;
  }

  start(signal: AbortSignal, fail: (error: unknown) => void): Promise<void> {
    this.#journal.push(`start ${this.name}`);
    this.startSignal = signal;
    this.fail = fail;
    return this.#ready?.promise ?? Promise.resolve();
  }

  /** For a manualStart runnable: its start ends now. */
  ready(): void {
    this.#ready!.resolve();
  }

  rejectStart(error: Error): void {
    this.#ready!.reject(error);
  }

  async stop(reason: StopReason): Promise<void> {
    this.#journal.push(`stop ${this.name}`);
    this.stopReason = reason;
    if (this.#stopError) throw this.#stopError;
  }
}

/** Leader election under the test's control. */
class FakeLeadership implements Leadership {
  readonly #journal: string[];
  #elected: ((lost: AbortSignal) => void) | undefined;
  readonly lease = new AbortController();
  released: StopReason | undefined;
  constructor(journal: string[]) {
    this.#journal = journal;
  }
  campaign(elected: (lost: AbortSignal) => void): void {
    this.#journal.push('campaign');
    this.#elected = elected;
  }
  elect(): void {
    this.#journal.push('elected');
    this.#elected!(this.lease.signal);
  }
  async release(reason: StopReason): Promise<void> {
    this.#journal.push('release');
    this.released = reason;
  }
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

type Outcome = Awaited<ReturnType<RunnableGroup['run']>>;

/** One test's world: a journal the fakes write to, and a stop signal for the group. */
function stage() {
  const journal: string[] = [];
  const stop = new AbortController();
  return {
    journal,
    stop,
    runnable: (name: string, opts?: ConstructorParameters<typeof FakeRunnable>[2]) => new FakeRunnable(journal, name, opts),
    leadership: new FakeLeadership(journal),
    /** Runs a group of `parts` and lets it start what it can; `done` settles with its outcome. */
    async run(parts: Runnable[], leadership?: Leadership): Promise<{ done: Promise<Outcome> }> {
      const done = new RunnableGroup().add(...parts).run(stop.signal, leadership);
      await settle();
      return { done };
    },
  };
}

describe('RunnableGroup', () => {
  it('starts the others in order, each once the previous one runs, then the leader-only ones (no election)', async () => {
    const { journal, stop, runnable, run } = stage();
    const servers = runnable('servers');
    const cache = runnable('cache', { manualStart: true });
    const timer = runnable('timer');
    const controller = runnable('controller', { needsLeader: true });
    // The leader-only one is added first: it still starts last.
    const { done } = await run([controller, servers, cache, timer]);
    expect(journal).toEqual(['start servers', 'start cache']);
    cache.ready();
    await settle();
    expect(journal).toEqual(['start servers', 'start cache', 'start timer', 'start controller']);
    stop.abort();
    const outcome = await done;
    expect(outcome).toMatchObject({ reason: 'shutdown', started: true, stopErrors: [] });
  });

  it('starts the leader-only ones only once elected, and campaigns only once the others run', async () => {
    const { journal, stop, runnable, leadership, run } = stage();
    const cache = runnable('cache', { manualStart: true });
    const controller = runnable('controller', { needsLeader: true });
    const { done } = await run([cache, controller], leadership);
    expect(journal).toEqual(['start cache']);
    cache.ready();
    await settle();
    expect(journal).toEqual(['start cache', 'campaign']);
    leadership.elect();
    await settle();
    expect(journal).toEqual(['start cache', 'campaign', 'elected', 'start controller']);
    stop.abort();
    await done;
    expect(journal.slice(4)).toEqual(['stop controller', 'release', 'stop cache']);
    expect(leadership.released).toBe('shutdown');
  });

  it('one shutdown stops everything newest first, the lease given up between the leader-only ones and the rest', async () => {
    const { journal, stop, runnable, leadership, run } = stage();
    const parts = ['servers', 'watcher', 'cache', 'timer'].map((n) => runnable(n));
    const workers = runnable('workers', { needsLeader: true });
    const controller = runnable('controller', { needsLeader: true });
    const { done } = await run([...parts, workers, controller], leadership);
    leadership.elect();
    await settle();
    journal.length = 0;
    stop.abort();
    const outcome = await done;
    expect(journal).toEqual(['stop controller', 'stop workers', 'release', 'stop timer', 'stop cache', 'stop watcher', 'stop servers']);
    expect([...parts, workers, controller].map((p) => p.stopReason)).toEqual(Array(6).fill('shutdown'));
    expect(outcome).toEqual({ reason: 'shutdown', started: true, stopErrors: [] });
  });

  it('a standby that is stopped gives up campaigning and never starts the leader-only ones', async () => {
    const { journal, stop, runnable, leadership, run } = stage();
    const cache = runnable('cache');
    const controller = runnable('controller', { needsLeader: true });
    const { done } = await run([cache, controller], leadership);
    stop.abort();
    await done;
    // Elected just as it stops: too late, nothing starts.
    leadership.elect();
    await settle();
    expect(journal).toEqual(['start cache', 'campaign', 'release', 'stop cache', 'elected']);
  });

  it('a stop during start-up stops what is starting, starts nothing more, and says it had not started', async () => {
    const { journal, stop, runnable, leadership, run } = stage();
    const servers = runnable('servers');
    const cache = runnable('cache', { manualStart: true }); // an API server that never answers
    const timer = runnable('timer');
    const { done } = await run([servers, cache, timer], leadership);
    stop.abort();
    const outcome = await done;
    expect(cache.startSignal?.aborted).toBe(true);
    cache.rejectStart(new Error('informer stopped before it synced')); // what a stopped informer does: not a failure
    expect(journal).toEqual(['start servers', 'start cache', 'stop cache', 'stop servers']);
    expect(outcome).toEqual({ reason: 'shutdown', started: false, stopErrors: [] });
  });

  it('a runnable that fails to start stops the group; what started is stopped, the rest never starts', async () => {
    const { journal, stop, runnable, run } = stage();
    const servers = runnable('servers');
    const cache = runnable('cache', { manualStart: true });
    const controller = runnable('controller', { needsLeader: true });
    const { done } = await run([servers, cache, controller]);
    const boom = new Error('EADDRINUSE');
    cache.rejectStart(boom);
    const outcome = await done;
    expect(outcome).toMatchObject({ reason: 'failed', error: boom, failed: 'cache', started: false });
    expect(journal).toEqual(['start servers', 'start cache', 'stop cache', 'stop servers']);
    expect(servers.stopReason).toBe('failed');
    expect(stop.signal.aborted).toBe(false);
  });

  it('a runnable that fails while running stops the manager along the same path', async () => {
    const { journal, runnable, run } = stage();
    const cache = runnable('cache');
    const controller = runnable('controller', { needsLeader: true });
    const { done } = await run([cache, controller]);
    const crash = new Error('workers crashed');
    controller.fail!(crash);
    controller.fail!(new Error('a second report does not change the outcome'));
    const outcome = await done;
    expect(outcome).toMatchObject({ reason: 'failed', error: crash, failed: 'controller', started: true });
    expect(journal).toEqual(['start cache', 'start controller', 'stop controller', 'stop cache']);
  });

  it('lost leadership stops everything with that reason and does not give the lease up', async () => {
    const { journal, runnable, leadership, run } = stage();
    const cache = runnable('cache');
    const controller = runnable('controller', { needsLeader: true });
    const { done } = await run([cache, controller], leadership);
    leadership.elect();
    await settle();
    leadership.lease.abort();
    const outcome = await done;
    expect(outcome.reason).toBe('leadership-lost');
    expect(controller.stopReason).toBe('leadership-lost');
    // The group asks; the Leadership decides (the manager's skips releasing a lease it lost).
    expect(leadership.released).toBe('leadership-lost');
    expect(journal.slice(-3)).toEqual(['stop controller', 'release', 'stop cache']);
  });

  it('a stop that throws does not keep the others from stopping', async () => {
    const { journal, stop, runnable } = stage();
    const servers = runnable('servers');
    const broken = new Error('close failed');
    const cache = runnable('cache', { stopError: broken });
    stop.abort(); // stopped before run(): nothing starts
    expect(await new RunnableGroup().add(servers).run(stop.signal)).toEqual({ reason: 'shutdown', started: false, stopErrors: [] });
    expect(journal).toEqual([]);

    const stop2 = new AbortController();
    const done = new RunnableGroup().add(servers, cache).run(stop2.signal);
    await settle();
    stop2.abort();
    const outcome = await done;
    expect(journal).toEqual(['start servers', 'start cache', 'stop cache', 'stop servers']);
    expect(outcome.stopErrors).toEqual([{ name: 'cache', error: broken }]);
  });

  it('runs once', async () => {
    const group = new RunnableGroup();
    const stop = new AbortController();
    stop.abort();
    await group.run(stop.signal);
    await expect(group.run(stop.signal)).rejects.toThrow(/already/);
    expect(() => group.add(new FakeRunnable([], 'late'))).toThrow(/after run/);
  });
});
