// Leader election with a coordination.k8s.io/v1 Lease, following client-go's leaderelection
// (tryAcquireOrRenew / renew / release), in our words:
//
// - Every retry period (2 s, jittered while standing by) a candidate reads the Lease, creating it
//   if missing. Whenever the Lease changed since we last looked (new resourceVersion), we note OUR
//   OWN clock's time as observedTime. The holder's renewTime is never compared with our clock, so
//   clock skew between nodes cannot make a lease look expired.
// - A candidate takes the Lease only if it has no holder, or if it has not changed for
//   leaseDurationSeconds (15 s) since we observed it. It writes itself as holder with the
//   resourceVersion it read: of several candidates exactly one write succeeds (409 for the rest).
// - The leader renews every retry period (one replace with the last resourceVersion; on a conflict
//   it reads again). Leadership ends THE MOMENT either (a) renewDeadline (10 s) has passed since the
//   start of the last successful renewal, or (b) the Lease is seen held by someone else. The signal
//   given to onStartedLeading is aborted right then, by a timer, not when a hung call returns.
//   Why this is safe: others wait leaseDuration from when THEY saw our last renewal, which is
//   after we sent it; we stop renewDeadline after we sent it, 5 s earlier.
// - release() (clean shutdown, once guarded work has stopped) empties holderIdentity with
//   leaseDurationSeconds 1, so a standby takes over at its next retry instead of waiting 15 s.
// - Every Lease call has its own timeout, below the renew deadline.
//
// The rule itself is leader-decision.ts (pure); the Lease is read and written through
// leader-lease-store.ts. This module is imported only with --leader-elect.
import type * as k8s from '@kubernetes/client-node';
import { realClock, sleep, type Clock, type TimerHandle } from './clock.ts';
import { decide, type LeaderElectionRecord } from './leader-decision.ts';
import { kubeLeaseStore, LeaseConflictError, type LeaseSnapshot, type LeaseStore } from './leader-lease-store.ts';
import { describeKubeError, silentLogger, type Logger } from './log.ts';

/** The reason an onStartedLeading signal is aborted with. */
export class LeadershipEndedError extends Error {
  readonly reason: 'lost' | 'released';
  constructor(message: string, reason: 'lost' | 'released') {
    super(message);
    this.name = 'LeadershipEndedError';
    this.reason = reason;
  }
}

export interface LeaderCallbacks {
  /** This replica leads. `signal` aborts the moment leadership ends: stop writing then. */
  onStartedLeading(signal: AbortSignal): void;
  /** Leadership ended ('lost': deadline passed or lease taken; 'released': release()). */
  onStoppedLeading(reason: 'lost' | 'released'): void;
  /** The holder changed (also to this replica). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectorOptions {
  /** Required unless `store` is given. */
  kubeConfig?: k8s.KubeConfig;
  namespace: string;
  name: string;
  /** Unique per process (e.g. pod name + random suffix): two processes must never share it. */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Timeout of each Lease call. Default renewDeadline / 2, at most 5 s. */
  callTimeoutMs?: number;
  logger?: Logger;
  clock?: Clock;
  /** For tests: the Lease store (default: the Lease `namespace/name` in the API server). */
  store?: LeaseStore;
  rand?: () => number;
}

type Attempt = 'ok' | 'held' | 'error';

export class LeaderElector {
  readonly #id: string;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #store: LeaseStore;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #rand: () => number;
  #observed: { snapshot: LeaseSnapshot; time: number } | undefined;
  #reportedLeader: string | undefined;
  #leading: AbortController | undefined;
  #validUntil = -Infinity;
  #deadline: TimerHandle | undefined;
  #stop = new AbortController();
  #inflight: Promise<unknown> = Promise.resolve();
  #running: Promise<void> | undefined;
  #callbacks: LeaderCallbacks | undefined;

  constructor(opts: LeaderElectorOptions) {
    this.#id = opts.identity;
    this.#leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (!opts.identity) throw new Error('leader election: identity must not be empty');
    if (!(this.#leaseDurationMs > this.#renewDeadlineMs)) throw new Error('leader election: the lease duration must be longer than the renew deadline');
    if (!(this.#renewDeadlineMs > this.#retryPeriodMs)) throw new Error('leader election: the renew deadline must be longer than the retry period');
    this.#log = opts.logger ?? silentLogger;
    this.#clock = opts.clock ?? realClock;
    this.#rand = opts.rand ?? Math.random;
    const callTimeoutMs = opts.callTimeoutMs ?? Math.min(5_000, this.#renewDeadlineMs / 2);
    if (opts.store) this.#store = opts.store;
    else if (opts.kubeConfig) this.#store = kubeLeaseStore(opts.kubeConfig, opts.namespace, opts.name, callTimeoutMs);
    else throw new Error('leader election: kubeConfig or store is required');
  }

  /** True only while this replica holds a lease it renewed less than renewDeadline ago. */
  isLeader(): boolean {
    return this.#leading !== undefined && this.#clock.now() < this.#validUntil;
  }

  /**
   * Campaigns until this replica leads, leads until leadership ends, then resolves. Also resolves
   * when release() is called while standing by. Call it once.
   */
  run(callbacks: LeaderCallbacks): Promise<void> {
    if (this.#running) throw new Error('leader election: run() was already called');
    this.#callbacks = callbacks;
    this.#running = this.#campaign(callbacks);
    return this.#running;
  }

  /**
   * Stops campaigning; if leading, aborts the leadership signal, then gives the Lease up so a
   * standby takes over at once. Call it after guarded work has stopped.
   */
  async release(): Promise<void> {
    this.#stop.abort();
    await this.#inflight.catch(() => {});
    this.#endLeadership('released');
    // Also when an acquisition completed just as release() was called: we hold it, give it back.
    if (this.#observed && this.#observed.snapshot.record.holderIdentity === this.#id) {
      const now = this.#clock.now();
      const at = new Date(now).toISOString();
      const record = { ...this.#observed.snapshot.record, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: at, renewTime: at };
      try {
        await this.#store.update(record, this.#observed.snapshot.resourceVersion);
        this.#log.info({ identity: this.#id }, 'released the lease');
      } catch (err) {
        // Someone else wrote it meanwhile (it is theirs now) or the API server is unreachable
        // (the lease then simply expires). Neither blocks shutdown.
        this.#log.warn({ identity: this.#id, error: describeKubeError(err) }, 'could not release the lease');
      }
    }
    await this.#running;
  }

  async #campaign(callbacks: LeaderCallbacks): Promise<void> {
    const stop = this.#stop.signal;
    // Stand by until we hold the Lease.
    for (;;) {
      if (stop.aborted) return;
      const started = this.#clock.now();
      const attempt = await this.#attempt();
      if (stop.aborted) return;
      if (attempt === 'ok') {
        this.#beginLeadership(started, callbacks);
        break;
      }
      // client-go jitters the standby's retries (factor 1.2) so candidates do not march in step.
      // We also wake up right when the holder's lease expires from our point of view, so a
      // takeover does not wait up to another 2.2 retry periods.
      let wait = this.#retryPeriodMs * (1 + 1.2 * this.#rand());
      const seen = this.#observed;
      if (attempt === 'held' && seen) {
        const d = decide(seen.snapshot.record, seen.time, this.#clock.now(), this.#id);
        if (d.action === 'wait') wait = Math.min(wait, d.expiresInMs + 1);
      }
      await sleep(this.#clock, wait, stop).catch(() => {});
    }
    // Lead: renew every retry period until leadership ends.
    const leading = this.#leading!;
    // One signal that wakes the renew loop when leadership ends or release() is called
    // (a long-lived AbortSignal.any per sleep would pile up dependents for days).
    const wake = new AbortController();
    const onEnd = () => wake.abort();
    leading.signal.addEventListener('abort', onEnd, { once: true });
    stop.addEventListener('abort', onEnd, { once: true });
    while (!leading.signal.aborted) {
      await sleep(this.#clock, this.#retryPeriodMs, wake.signal).catch(() => {});
      if (leading.signal.aborted || stop.aborted) break;
      const started = this.#clock.now();
      const attempt = await this.#attempt();
      if (leading.signal.aborted || stop.aborted) break;
      if (attempt === 'ok') this.#extend(started);
      else if (attempt === 'held') this.#lose(`the lease is now held by ${this.#observed?.snapshot.record.holderIdentity}`);
      else this.#log.debug({ identity: this.#id, validForMs: Math.round(this.#validUntil - this.#clock.now()) }, 'lease renewal failed; retrying');
    }
    stop.removeEventListener('abort', onEnd);
    // If release() stopped us, it ends the leadership itself (after the in-flight call).
  }

  /** One tryAcquireOrRenew, serialized with release(). */
  #attempt(): Promise<Attempt> {
    const p = this.#tryAcquireOrRenew();
    this.#inflight = p;
    return p;
  }

  async #tryAcquireOrRenew(): Promise<Attempt> {
    const now = this.#clock.now();
    const at = new Date(now).toISOString();
    // The Lease stores whole seconds; rounding up only makes standbys wait a little longer.
    const leaseDurationSeconds = Math.ceil(this.#leaseDurationMs / 1000);
    // Fast path for the leader: renew with the resourceVersion of our last write.
    if (this.#leading && this.#observed?.snapshot.record.holderIdentity === this.#id) {
      try {
        const record = { ...this.#observed.snapshot.record, renewTime: at, leaseDurationSeconds };
        this.#observe(await this.#store.update(record, this.#observed.snapshot.resourceVersion), now);
        return 'ok';
      } catch (err) {
        if (!(err instanceof LeaseConflictError)) return this.#failed(err);
        // Someone else wrote the Lease: read it and decide like a candidate.
      }
    }
    let snapshot: LeaseSnapshot | undefined;
    try {
      snapshot = await this.#store.get();
      if (!snapshot) {
        const record: LeaderElectionRecord = { holderIdentity: this.#id, leaseDurationSeconds, acquireTime: at, renewTime: at, leaseTransitions: 0 };
        this.#observe(await this.#store.create(record), now);
        return 'ok';
      }
    } catch (err) {
      return this.#failed(err);
    }
    if (this.#observed?.snapshot.resourceVersion !== snapshot.resourceVersion) this.#observe(snapshot, now);
    const decision = decide(snapshot.record, this.#observed!.time, now, this.#id);
    if (decision.action === 'wait') return 'held';
    const mine = decision.action === 'renew';
    const record: LeaderElectionRecord = {
      holderIdentity: this.#id,
      leaseDurationSeconds,
      acquireTime: mine ? snapshot.record.acquireTime : at,
      renewTime: at,
      leaseTransitions: mine ? snapshot.record.leaseTransitions : snapshot.record.leaseTransitions + 1,
    };
    try {
      this.#observe(await this.#store.update(record, snapshot.resourceVersion), now);
      return 'ok';
    } catch (err) {
      return this.#failed(err);
    }
  }

  #failed(err: unknown): Attempt {
    const level = err instanceof LeaseConflictError ? 'debug' : 'warn';
    this.#log[level]({ identity: this.#id, error: describeKubeError(err) }, 'lease call failed');
    return 'error';
  }

  #observe(snapshot: LeaseSnapshot, now: number): void {
    this.#observed = { snapshot, time: now };
    const holder = snapshot.record.holderIdentity;
    if (holder && holder !== this.#reportedLeader) {
      this.#reportedLeader = holder;
      this.#log.info({ identity: this.#id, leader: holder }, 'leader observed');
      try {
        this.#callbacks?.onNewLeader?.(holder);
      } catch (err) {
        this.#log.error({ err }, 'onNewLeader threw');
      }
    }
  }

  #beginLeadership(renewStartedAt: number, callbacks: LeaderCallbacks): void {
    this.#leading = new AbortController();
    this.#extend(renewStartedAt);
    this.#log.info({ identity: this.#id }, 'acquired the lease');
    try {
      callbacks.onStartedLeading(this.#leading.signal);
    } catch (err) {
      this.#log.error({ err }, 'onStartedLeading threw');
    }
  }

  /** A renewal that started at `startedAt` succeeded: leadership holds until startedAt + renewDeadline. */
  #extend(startedAt: number): void {
    if (!this.#leading) return;
    this.#validUntil = startedAt + this.#renewDeadlineMs;
    this.#clock.clearTimeout(this.#deadline);
    this.#deadline = this.#clock.setTimeout(
      () => this.#lose(`no successful renewal within the renew deadline (${this.#renewDeadlineMs} ms)`),
      this.#validUntil - this.#clock.now(),
    );
  }

  #lose(why: string): void {
    if (!this.#leading) return;
    this.#log.warn({ identity: this.#id, reason: why }, 'leadership lost');
    this.#endLeadership('lost', why);
  }

  #endLeadership(reason: 'lost' | 'released', why = 'released by this replica'): void {
    const leading = this.#leading;
    if (!leading) return;
    this.#leading = undefined;
    this.#validUntil = -Infinity;
    this.#clock.clearTimeout(this.#deadline);
    this.#deadline = undefined;
    leading.abort(new LeadershipEndedError(`leadership ${reason}: ${why}`, reason));
    try {
      this.#callbacks?.onStoppedLeading(reason);
    } catch (err) {
      this.#log.error({ err }, 'onStoppedLeading threw');
    }
  }
}
