// Two controller processes with leader election (issue 7 §1): one reconciles, the other stands by
// and takes over within the lease duration when the leader dies, and the emulator's request log
// shows no AWS write from a process that was not the leader at that moment.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, freshNamespace, waitFor } from './support/index.ts';
import { startController, startEmulator, type EmulatorProcess as Emulator, type CpiProcess as Proc } from '../support/cpi.ts';
import { Resources } from './harness/resources.ts';
import { WRITE_OPERATIONS as WRITES } from '../support/aws.ts';

const URI = (n: number) => `arn:aws:connect:us-east-1:123456789012:instance/10000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

interface Replica {
  proc: Proc;
  identity: string;
}

function logTimes(p: Proc, msg: string): number[] {
  return p.output
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => (JSON.parse(l) as { time: number }).time);
}

describe('leader election with two replicas', () => {
  let emulator: Emulator;
  let res: Resources;
  let a: Replica;
  let b: Replica;
  const leaseName = `cpi-e2e-${Date.now().toString(36)}`;
  const coordination = () => adminKubeConfig().makeApiClient(k8s.CoordinationV1Api);

  const start = async (ns: string): Promise<Replica> => {
    const proc = await startController({
      kubeconfig: inject('e2e').controllerKubeconfig, emulator, namespace: ns,
      args: ['--leader-elect', '--leader-election-namespace', 'cpi-system', '--leader-election-id', leaseName],
    });
    const line = await proc.waitForOutput(/"identity":"([^"]+)"/);
    return { proc, identity: line[1]! };
  };
  const holder = async () => (await coordination().readNamespacedLease({ name: leaseName, namespace: 'cpi-system' })).spec?.holderIdentity;

  beforeAll(async () => {
    const ns = await freshNamespace('leader');
    res = new Resources(ns);
    emulator = await startEmulator();
    await emulator.admin.createDomain('retail');
    a = await start(ns);
    b = await start(ns);
  });
  afterAll(async () => {
    await a?.proc.stop();
    await b?.proc.stop();
    await emulator?.stop();
  });

  it('lets exactly one replica reconcile', async () => {
    const leader = await waitFor(async () => (await holder()) || undefined, { what: 'a lease holder', timeoutMs: 20_000 });
    expect([a.identity, b.identity]).toContain(leader);
    for (let i = 0; i < 3; i++) await res.create(`r${i}`, { domainName: 'retail', uri: URI(i), objectTypeName: 'CTR' });
    for (let i = 0; i < 3; i++) await res.waitReady(`r${i}`);
    const writers = new Set((await emulator.admin.requests()).filter((r) => WRITES.has(r.operation)).map((r) => r.userAgent?.match(/cpi-controller\/(\S+)/)?.[1]));
    expect([...writers]).toEqual([leader]);
  });

  it('fails over to the standby within the lease duration when the leader is killed', async () => {
    const leaderId = await holder();
    const [leader, standby] = leaderId === a.identity ? [a, b] : [b, a];
    const killedAt = Date.now();
    await leader.proc.kill();
    await waitFor(async () => (await holder()) === standby.identity, { what: 'the standby to hold the lease', timeoutMs: 25_000, intervalMs: 200 });
    const tookOverAfterMs = Date.now() - killedAt;
    console.log(`failover: the standby held the lease ${(tookOverAfterMs / 1000).toFixed(1)} s after the leader was killed (lease duration 15 s)`);
    expect(tookOverAfterMs).toBeLessThan(15_000 + 2 * 2_000 + 1_000); // lease duration + up to one jittered retry period
    await res.create('after-failover', { domainName: 'retail', uri: URI(99), objectTypeName: 'CTR' });
    await res.waitReady('after-failover');

    // No AWS write from a replica outside its leadership.
    const becameLeader = logTimes(standby.proc, 'became leader');
    expect(becameLeader).toHaveLength(1);
    const log = await emulator.admin.requests();
    for (const r of log.filter((x) => WRITES.has(x.operation))) {
      const who = r.userAgent?.match(/cpi-controller\/(\S+)/)?.[1];
      if (who === standby.identity) expect(r.time).toBeGreaterThanOrEqual(becameLeader[0]!);
      else expect(who).toBe(leader.identity), expect(r.time).toBeLessThanOrEqual(killedAt);
    }
  });

  it('a leader that loses its lease stops writing at once and exits', async () => {
    const leaderId = await holder();
    const leader = leaderId === a.identity ? a : b;
    const lease = await coordination().readNamespacedLease({ name: leaseName, namespace: 'cpi-system' });
    // Someone else takes the lease (as a partitioned replica's successor would).
    lease.spec!.holderIdentity = 'intruder';
    lease.spec!.renewTime = new k8s.V1MicroTime(Date.now());
    await coordination().replaceNamespacedLease({ name: leaseName, namespace: 'cpi-system', body: lease });
    const code = await leader.proc.exited;
    expect(code).toBe(1);
    const lost = logTimes(leader.proc, 'leadership lost');
    expect(lost).toHaveLength(1);
    const late = (await emulator.admin.requests()).filter((r) => WRITES.has(r.operation) && r.userAgent?.includes(leader.identity) && r.time > lost[0]!);
    expect(late).toEqual([]);
  });
});
