import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/runtime/clock.ts';
import { decide, type LeaderElectionRecord } from '../../../src/runtime/leader-decision.ts';
import { LeaseConflictError, type LeaseSnapshot, type LeaseStore } from '../../../src/runtime/leader-lease-store.ts';
import { LeaderElector } from '../../../src/runtime/leader.ts';

const rec = (holderIdentity: string, extra: Partial<LeaderElectionRecord> = {}): LeaderElectionRecord => ({
  holderIdentity,
  leaseDurationSeconds: 15,
  leaseTransitions: 0,
  ...extra,
});

describe('decide', () => {
  const now = 1_000_000;
  it('creates a missing lease', () => expect(decide(undefined, 0, now, 'me')).toEqual({ action: 'create' }));
  it('renews its own lease', () => expect(decide(rec('me'), now, now, 'me')).toEqual({ action: 'renew' }));
  it('takes a released lease at once', () => expect(decide(rec(''), now, now, 'me')).toEqual({ action: 'acquire' }));
  it('waits while another holder’s lease has not expired on OUR clock', () =>
    expect(decide(rec('other'), now - 10_000, now, 'me')).toEqual({ action: 'wait', holder: 'other', expiresInMs: 5_000 }));
  it('takes over exactly when leaseDuration has passed since we observed the last change', () => {
    expect(decide(rec('other'), now - 15_000 + 1, now, 'me').action).toBe('wait');
    expect(decide(rec('other'), now - 15_000, now, 'me')).toEqual({ action: 'acquire' });
  });
  it('ignores the holder’s own timestamps (clock skew between nodes)', () => {
    const future = rec('other', { renewTime: '2999-01-01T00:00:00.000000Z', acquireTime: '2999-01-01T00:00:00.000000Z' });
    expect(decide(future, now - 16_000, now, 'me')).toEqual({ action: 'acquire' });
    const past = rec('other', { renewTime: '1999-01-01T00:00:00.000000Z' });
    expect(decide(past, now - 1_000, now, 'me').action).toBe('wait');
  });
  it('uses the lease duration written in the record', () =>
    expect(decide(rec('other', { leaseDurationSeconds: 1 }), now - 1_000, now, 'me')).toEqual({ action: 'acquire' }));
});

/** One Lease in memory with the API server's compare-and-swap on resourceVersion. */
class MemoryLease {
  snapshot: LeaseSnapshot | undefined;
  writes: Array<{ at: number; record: LeaderElectionRecord }> = [];
  #rv = 100;
  readonly clock: FakeClock;
  constructor(clock: FakeClock) {
    this.clock = clock;
  }
  write(record: LeaderElectionRecord): LeaseSnapshot {
    this.snapshot = { record: { ...record }, resourceVersion: String(++this.#rv) };
    this.writes.push({ at: this.clock.now(), record: { ...record } });
    return structuredClone(this.snapshot);
  }
}

type Mode = 'ok' | 'fail' | 'hang';

/** A candidate's view of the shared Lease, with a switch to cut it off (fail or hang). */
function storeFor(lease: MemoryLease, mode: { value: Mode }): LeaseStore {
  const gate = async () => {
    await Promise.resolve();
    if (mode.value === 'fail') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    if (mode.value === 'hang') await new Promise(() => {});
  };
  return {
    async get() {
      await gate();
      return lease.snapshot && structuredClone(lease.snapshot);
    },
    async create(record) {
      await gate();
      if (lease.snapshot) throw new LeaseConflictError('exists');
      return lease.write(record);
    },
    async update(record, rv) {
      await gate();
      if (lease.snapshot?.resourceVersion !== rv) throw new LeaseConflictError('conflict');
      return lease.write(record);
    },
  };
}

interface Candidate {
  elector: LeaderElector;
  mode: { value: Mode };
  log: string[];
  signals: AbortSignal[];
  done: Promise<void>;
}

function candidate(id: string, lease: MemoryLease, clock: FakeClock, rand = () => 0.5): Candidate {
  const mode = { value: 'ok' as Mode };
  const log: string[] = [];
  const signals: AbortSignal[] = [];
  const elector = new LeaderElector({
    namespace: 'cpi-system',
    name: 'cpi-controller',
    identity: id,
    store: storeFor(lease, mode),
    clock,
    rand,
  });
  const done = elector.run({
    onStartedLeading: (signal) => {
      signals.push(signal);
      log.push(`start@${clock.now()}`);
      signal.addEventListener('abort', () => log.push(`abort@${clock.now()}`));
    },
    onStoppedLeading: (reason) => log.push(`stop:${reason}@${clock.now()}`),
    onNewLeader: (leader) => log.push(`leader:${leader}`),
  });
  return { elector, mode, log, signals, done };
}

const T0 = 1_800_000_000_000;

/** A fake clock at T0 and one Lease; `join` starts a candidate on them. */
function arena() {
  const clock = new FakeClock(T0);
  const lease = new MemoryLease(clock);
  return { clock, lease, join: (id: string) => candidate(id, lease, clock) };
}

/** An arena whose candidate a has taken the Lease (its first timers ran at T0). */
async function aLeads() {
  const world = arena();
  const a = world.join('a');
  await world.clock.tick(0);
  return { ...world, a };
}

describe('LeaderElector', () => {
  it('validates its timings', () => {
    const store = storeFor(new MemoryLease(new FakeClock()), { value: 'ok' });
    const base = { namespace: 'n', name: 'l', identity: 'a', store };
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(/longer than the renew deadline/);
    expect(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(/longer than the retry period/);
    expect(() => new LeaderElector({ ...base, identity: '' })).toThrow(/identity/);
    expect(() => new LeaderElector({ namespace: 'n', name: 'l', identity: 'a' })).toThrow(/kubeConfig or store/);
  });

  it('a lone candidate creates the Lease, leads and renews every retry period', async () => {
    const { clock, lease, a } = await aLeads();
    expect(a.elector.isLeader()).toBe(true);
    expect(a.log).toEqual(['leader:a', `start@${T0}`]);
    expect(lease.snapshot?.record).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    await clock.tick(10_000);
    expect(lease.writes.map((w) => w.at - T0)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000]);
    expect(lease.snapshot?.record.renewTime).toBe(new Date(T0 + 10_000).toISOString());
    expect(lease.snapshot?.record.acquireTime).toBe(new Date(T0).toISOString());
    expect(a.elector.isLeader()).toBe(true);
    await a.elector.release();
    await a.done;
  });

  it('writes a fractional lease duration rounded up to whole seconds', async () => {
    const clock = new FakeClock(T0);
    const lease = new MemoryLease(clock);
    const elector = new LeaderElector({
      namespace: 'n',
      name: 'l',
      identity: 'a',
      store: storeFor(lease, { value: 'ok' }),
      clock,
      leaseDurationMs: 2_500,
      renewDeadlineMs: 2_000,
      retryPeriodMs: 500,
    });
    void elector.run({ onStartedLeading: () => {}, onStoppedLeading: () => {} });
    await clock.tick(0);
    expect(lease.snapshot?.record.leaseDurationSeconds).toBe(3);
    await elector.release();
  });

  it('of two candidates exactly one leads, and it stays that way', async () => {
    const { clock, lease, join } = arena();
    const a = join('a');
    const b = join('b');
    for (let t = 0; t < 60; t++) {
      await clock.tick(1_000);
      expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    }
    expect(new Set(lease.writes.map((w) => w.record.holderIdentity)).size).toBe(1);
    await Promise.all([a.elector.release(), b.elector.release()]);
  });

  it('a leader that cannot renew stops at the renew deadline, before the standby takes over', async () => {
    const { clock, lease, a, join } = await aLeads();
    const b = join('b');
    await clock.tick(5_000);
    expect(a.elector.isLeader()).toBe(true);
    const lastRenew = lease.writes.at(-1)!.at; // a renewed at T0+4 s
    a.mode.value = 'fail'; // a is cut off from the API server (its process is alive)
    await clock.tick(30_000);
    // a gave up exactly renewDeadline (10 s) after the start of its last good renewal.
    expect(a.log).toContain(`abort@${lastRenew + 10_000}`);
    expect(a.log).toContain(`stop:lost@${lastRenew + 10_000}`);
    expect(a.signals[0]!.aborted).toBe(true);
    expect(a.elector.isLeader()).toBe(false);
    // b took over only once the lease had not changed for 15 s from its point of view.
    const takeover = lease.writes.find((w) => w.record.holderIdentity === 'b')!;
    expect(takeover.at).toBeGreaterThanOrEqual(lastRenew + 15_000);
    // b sees each renewal within one jittered standby retry (≤ 3.2 s here) and wakes right at expiry.
    expect(takeover.at).toBeLessThanOrEqual(lastRenew + 15_000 + 3_200 + 1);
    expect(takeover.record.leaseTransitions).toBe(1);
    expect(b.elector.isLeader()).toBe(true);
    expect(b.log).toContain(`start@${takeover.at}`);
    await a.done;
    await b.elector.release();
  });

  it('a hung renewal cannot keep leadership past the deadline', async () => {
    const { clock, a } = await aLeads();
    a.mode.value = 'hang';
    await clock.tick(9_999);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.signals[0]!.aborted).toBe(false);
    await clock.tick(1);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.signals[0]!.aborted).toBe(true);
    expect((a.signals[0]!.reason as Error).name).toBe('LeadershipEndedError');
  });

  it('isLeader() turns false at the deadline even if the timer has not run yet', async () => {
    const { clock, a } = await aLeads();
    a.mode.value = 'hang';
    // Move time without running timers (as when the event loop is blocked).
    const frozen = clock.now();
    (clock as unknown as { now: () => number }).now = () => frozen + 10_000;
    expect(a.elector.isLeader()).toBe(false);
  });

  it('a leader whose Lease is taken by someone else aborts at its next renewal', async () => {
    const { clock, lease, join } = arena();
    const a = join('a');
    await clock.tick(3_000); // renewed at 2 s
    lease.write(rec('intruder', { leaseTransitions: 7 }));
    await clock.tick(1_000); // a's renewal at 4 s meets the intruder
    expect(a.log).toContain(`abort@${T0 + 4_000}`);
    expect(a.log).toContain('leader:intruder');
    expect(a.elector.isLeader()).toBe(false);
    await a.done;
    expect(lease.snapshot?.record.holderIdentity).toBe('intruder');
  });

  it('release() aborts the signal, frees the Lease, and a standby takes over at once', async () => {
    const { clock, lease, a, join } = await aLeads();
    const b = join('b');
    await clock.tick(3_000);
    const releasedAt = clock.now();
    await a.elector.release();
    await a.done;
    expect(a.log).toContain(`abort@${releasedAt}`);
    expect(a.log).toContain(`stop:released@${releasedAt}`);
    expect(lease.snapshot?.record).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await clock.tick(5_000);
    const takeover = lease.writes.find((w) => w.record.holderIdentity === 'b')!;
    // b's next standby retry (2 s × (1 + 1.2 × 0.5) = 3.2 s at most), far below the 15 s lease.
    expect(takeover.at - releasedAt).toBeLessThanOrEqual(3_200);
    expect(b.elector.isLeader()).toBe(true);
    await b.elector.release();
  });

  it('release() while standing by ends run() without touching the Lease', async () => {
    const { clock, lease, a, join } = await aLeads();
    const b = join('b');
    await clock.tick(1_000);
    const writes = lease.writes.length;
    await b.elector.release();
    await b.done;
    expect(lease.writes.length).toBe(writes);
    expect(b.log).not.toContain('stop:released');
    expect(lease.snapshot?.record.holderIdentity).toBe('a');
    await a.elector.release();
    expect(clock.pendingTimers()).toBe(0);
  });
});

