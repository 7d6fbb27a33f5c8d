// Leader election against the real API server, with the controller's ServiceAccount (the RBAC of
// deploy/): candidates run as separate processes so "the leader dies" is a real SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../src/runtime/leader.ts';
import { adminKubeConfig, controllerKubeConfig, e2eContext, waitFor } from './support/index.ts';

const NAMESPACE = 'cpi-system'; // where deploy/ lets the controller manage Leases
// Short timings so the test is quick, long enough for a loaded 2-core machine.
const TIMINGS = { leaseDurationMs: 8_000, renewDeadlineMs: 6_000, retryPeriodMs: 1_000 };

let work: string;
let childScript: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cpi-leader-e2e-'));
  childScript = join(work, 'candidate.ts');
  // A candidate process: prints one JSON line per election event; SIGTERM releases the lease.
  writeFileSync(
    childScript,
    `
import { LeaderElector } from ${JSON.stringify(pathToFileURL(join(e2eContext().repoRoot, 'src/runtime/leader.ts')).href)};
import { loadKubeConfig } from ${JSON.stringify(pathToFileURL(join(e2eContext().repoRoot, 'src/dev/cluster-setup.ts')).href)};
const [kubeconfig, name, identity, timings] = process.argv.slice(2);
const say = (event, extra = {}) => process.stdout.write(JSON.stringify({ event, t: Date.now(), ...extra }) + '\\n');
const elector = new LeaderElector({ kubeConfig: loadKubeConfig(kubeconfig), namespace: ${JSON.stringify(NAMESPACE)}, name, identity, ...JSON.parse(timings) });
process.on('SIGTERM', async () => { await elector.release(); say('released'); process.exit(0); });
say('candidate');
await elector.run({
  onStartedLeading: (signal) => { say('started'); signal.addEventListener('abort', () => say('aborted')); },
  onStoppedLeading: (reason) => say('stopped', { reason }),
  onNewLeader: (id) => say('leader', { id }),
});
say('run-ended');
`,
  );
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

interface Candidate {
  id: string;
  child: ChildProcess;
  events: Array<{ event: string; t: number; reason?: string; id?: string }>;
  exited: Promise<number | null>;
  stderr: () => string;
}

function startCandidate(lease: string, id: string): Candidate {
  const child = spawn(process.execPath, [childScript, e2eContext().controllerKubeconfig, lease, id, JSON.stringify(TIMINGS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const events: Candidate['events'] = [];
  let buf = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      events.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { id, child, events, exited, stderr: () => err };
}

const has = (c: Candidate, event: string) => c.events.find((e) => e.event === event);
const leading = (c: Candidate) => !!has(c, 'started') && !has(c, 'aborted');

async function holder(lease: string): Promise<string | undefined> {
  const l = await adminKubeConfig().makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ name: lease, namespace: NAMESPACE });
  return l.spec?.holderIdentity || undefined;
}

describe('leader election on a real API server', () => {
  it('a leader whose Lease is taken over by someone else aborts its signal at the next renewal', async () => {
    const lease = `leader-e2e-${randomBytes(3).toString('hex')}`;
    const elector = new LeaderElector({ kubeConfig: controllerKubeConfig(), namespace: NAMESPACE, name: lease, identity: 'in-process', ...TIMINGS });
    let signal: AbortSignal | undefined;
    let abortedAt = 0;
    const run = elector.run({
      onStartedLeading: (s) => {
        signal = s;
        s.addEventListener('abort', () => (abortedAt = Date.now()));
      },
      onStoppedLeading: () => {},
    });
    await waitFor(() => signal && elector.isLeader(), { what: 'the in-process elector to lead', timeoutMs: 30_000 });

    // Someone else writes the Lease (as a rogue replica with a stale view would).
    const api = adminKubeConfig().makeApiClient(k8s.CoordinationV1Api);
    const current = await api.readNamespacedLease({ name: lease, namespace: NAMESPACE });
    current.spec!.holderIdentity = 'intruder';
    current.spec!.renewTime = new k8s.V1MicroTime();
    await api.replaceNamespacedLease({ name: lease, namespace: NAMESPACE, body: current });
    const replacedAt = Date.now();

    await waitFor(() => signal!.aborted, { what: 'the signal to abort', timeoutMs: 15_000 });
    expect(elector.isLeader()).toBe(false);
    // At its next renewal (one retry period), not after the renew deadline.
    expect(abortedAt - replacedAt).toBeLessThan(TIMINGS.renewDeadlineMs);
    await run;
    expect(await holder(lease)).toBe('intruder');
    await elector.release(); // not the holder: must leave the intruder's Lease alone
    expect(await holder(lease)).toBe('intruder');
  });

  it('exactly one of two processes leads; SIGKILL fails over once the lease expires; release hands over at once', async () => {
    const lease = `leader-e2e-${randomBytes(3).toString('hex')}`;
    const a = startCandidate(lease, 'replica-a');
    const b = startCandidate(lease, 'replica-b');
    const diag = () => `a: ${JSON.stringify(a.events)} ${a.stderr()}\nb: ${JSON.stringify(b.events)} ${b.stderr()}`;

    const first = await waitFor(() => (leading(a) ? a : leading(b) ? b : undefined), { what: `a leader (${diag()})`, timeoutMs: 30_000 });
    const standby = first === a ? b : a;
    // Two lease durations later: still exactly one leader, and the Lease names it.
    const deadline = Date.now() + 2 * TIMINGS.leaseDurationMs;
    while (Date.now() < deadline) {
      expect([leading(a), leading(b)].filter(Boolean), diag()).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(has(standby, 'started'), diag()).toBeUndefined();
    expect(await holder(lease)).toBe(first.id);

    // The leader dies without releasing: the standby takes over once the lease expires.
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;
    const took = await waitFor(() => has(standby, 'started'), { what: `the standby to take over (${diag()})`, timeoutMs: 30_000 });
    const failoverMs = took.t - killedAt;
    process.stderr.write(`[leader e2e] failover after SIGKILL: ${failoverMs} ms (lease ${TIMINGS.leaseDurationMs} ms)\n`);
    // It never takes over before the lease could have expired, and not much later than that:
    // the lease duration after its last observed renewal, plus one jittered standby retry.
    expect(failoverMs).toBeGreaterThanOrEqual(TIMINGS.leaseDurationMs - TIMINGS.retryPeriodMs * 2.2);
    expect(failoverMs).toBeLessThanOrEqual(TIMINGS.leaseDurationMs + TIMINGS.retryPeriodMs * 2.2 + 3_000);
    expect(await holder(lease)).toBe(standby.id);

    // A clean shutdown releases the lease: a new standby takes over long before it would expire.
    const c = startCandidate(lease, 'replica-c');
    await waitFor(() => c.events.some((e) => e.event === 'leader' && e.id === standby.id), { what: `c to see the leader (${diag()})`, timeoutMs: 30_000 });
    const releasedAt = Date.now();
    standby.child.kill('SIGTERM');
    expect(await standby.exited).toBe(0);
    expect(has(standby, 'aborted')).toBeDefined();
    expect(has(standby, 'stopped')?.reason).toBe('released');
    const cTook = await waitFor(() => has(c, 'started'), { what: 'c to take over after the release', timeoutMs: 30_000 });
    const handoverMs = cTook.t - releasedAt;
    process.stderr.write(`[leader e2e] hand-over after release: ${handoverMs} ms\n`);
    expect(handoverMs).toBeLessThan(TIMINGS.leaseDurationMs);
    expect(await holder(lease)).toBe('replica-c');
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(await holder(lease)).toBeUndefined(); // released: empty holder
  });
});
