// The soak: a user making random changes across many resources while everything that can go wrong
// does — injected throttling and 5xx from AWS, API server restarts, the leader SIGKILLed — and two
// controller replicas with leader election. Afterwards, with faults off, it waits for the system to
// settle and hands Kubernetes, AWS (the emulator's state and request log) and the replicas'
// leadership terms to the invariant checker.
import { join } from 'node:path';
import { rssBytes } from '../lib/measure.ts';
import * as k8s from '@kubernetes/client-node';
import type { CustomerProfilesIntegration } from '../../src/api/types.ts';
import { startController, startEmulator, type ControllerProcess, type EmulatorProcess } from '../../test/support/cpi.ts';
import { createNamespace, startPrivateCluster, type PrivateCluster as Cluster } from '../../test/support/cluster.ts';
import { sleep, waitFor } from '../../test/support/wait.ts';
import { Resources } from '../../test/support/resources.ts';
import { checkAll, type Check, type LeadershipInterval, type LeaseSample } from './invariants.ts';
import { seededRandom, Workload, type WorkloadCounts } from './workload.ts';

export interface SoakOptions {
  minutes: number;
  slots?: number;
  domains?: number;
  seed?: number;
  /** User actions per second during the chaos. */
  opsPerSecond?: number;
  /** How long the system may take to settle once the faults stop. */
  settleTimeoutMs?: number;
  /** Leader SIGKILLs during the chaos (default 2). 0 keeps one leader for the whole run: its RSS growth is then measured over the run. */
  leaderKills?: number;
  /** Extra environment of the controller replicas (npm run soak passes the Deployment's memory settings). */
  controllerEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface SoakReport {
  ok: boolean;
  options: Required<Omit<SoakOptions, 'log'>>;
  figures: {
    chaosSeconds: number;
    settleSeconds: number;
    workload: WorkloadCounts;
    awsCalls: Record<string, number>;
    /** Injected faults and all requests during the chaos (the settle phase runs without faults). */
    injectedThrottles: number;
    injected5xx: number;
    awsRequestsDuringChaos: number;
    awsRequests: number;
    apiServerRestarts: number;
    leaderKills: number;
    replicaStarts: number;
    leaseHolderChanges: number;
    liveResources: number;
    /** RSS of each replica alive both a quarter into the chaos (steady population) and at the end, after the settle. */
    rss: Array<{ identity: string; startMiB: number; endMiB: number; growthPct: number }>;
  };
  checks: Check[];
  events: Array<{ time: string; what: string }>;
}

const NAMESPACE = 'soak';
const LEASE = 'cpi-soak';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const flowUri = (name: string) => `arn:aws:appflow:${REGION}:${ACCOUNT}:flow/${name}`;

interface Replica {
  slot: string;
  procs: ControllerProcess[];
  current?: ControllerProcess;
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const o = {
    minutes: opts.minutes,
    slots: opts.slots ?? 200,
    domains: opts.domains ?? 5,
    seed: opts.seed ?? Date.now() % 1_000_000,
    opsPerSecond: opts.opsPerSecond ?? 4,
    settleTimeoutMs: opts.settleTimeoutMs ?? 600_000,
    leaderKills: opts.leaderKills ?? 2,
    controllerEnv: opts.controllerEnv ?? {},
  };
  const log = opts.log ?? (() => {});
  const events: SoakReport['events'] = [];
  const note = (what: string) => {
    events.push({ time: new Date().toISOString(), what });
    log(what);
  };
  const chaosMs = o.minutes * 60_000;
  const domains = Array.from({ length: o.domains }, (_, i) => `soak-${i}`);

  const cluster: Cluster = await startPrivateCluster({ log });
  let emulator: EmulatorProcess | undefined;
  const replicas: Replica[] = [{ slot: 'a', procs: [] }, { slot: 'b', procs: [] }];
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];
  try {
    await createNamespace(cluster.admin, NAMESPACE);
    emulator = await startEmulator(
      ['--no-quotas', '--log-limit', '10000000', '--max-integrations-per-domain', '100000', '--account', ACCOUNT, '--region', REGION],
      { logFile: join(cluster.work, 'emulator.log'), keepLines: 200 },
    );
    for (const d of domains) await emulator.admin.createDomain(d);
    const em = emulator;

    // Two replicas, restarted like a Deployment would whenever one exits (killed, or gave up its lease).
    const controllerArgs = [
      '--namespace', NAMESPACE, '--leader-elect', '--leader-election-namespace', 'cpi-system', '--leader-election-id', LEASE,
      '--poll-interval', '30s', '--put-tps', '10', '--read-tps', '25', '--tag-tps', '25',
    ];
    const launch = async (r: Replica): Promise<void> => {
      for (let attempt = 1; !stopping; attempt++) {
        try {
          const p = await startController({
            kubeconfig: cluster.controllerKubeconfig, emulator: em, args: controllerArgs, env: o.controllerEnv,
            logFile: join(cluster.work, `controller-${r.slot}.log`), keepLines: 500, logLevel: 'info',
          });
          r.current = p;
          r.procs.push(p);
          note(`replica ${r.slot} started: ${p.identity} (pid ${p.pid})`);
          void p.exited.then((code) => {
            if (stopping) return;
            note(`replica ${r.slot} ${p.identity} exited (${code}); restarting`);
            setTimeout(() => void launch(r), 1000);
          });
          return;
        } catch (err) {
          note(`replica ${r.slot} failed to start (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}`);
          await sleep(1000);
        }
      }
    };
    await Promise.all(replicas.map(launch));

    // The Lease, sampled twice a second (failures while the API server is down are expected).
    const coordination = cluster.admin.makeApiClient(k8s.CoordinationV1Api);
    const lease: LeaseSample[] = [];
    let leaseChanges = 0;
    const sampleLease = async () => {
      try {
        const l = await coordination.readNamespacedLease({ name: LEASE, namespace: 'cpi-system' });
        const holder = l.spec?.holderIdentity || undefined;
        if (lease.length && lease[lease.length - 1]!.holder !== holder) leaseChanges++;
        lease.push({ time: Date.now(), holder });
      } catch {
        // API server down or no Lease yet
      }
    };
    timers.push(setInterval(() => void sampleLease(), 500));
    const leader = () => waitFor(async () => {
      const l = await coordination.readNamespacedLease({ name: LEASE, namespace: 'cpi-system' });
      const id = l.spec?.holderIdentity;
      return replicas.map((r) => r.current).find((p) => p && p.alive() && p.identity === id);
    }, { what: 'a live leader', timeoutMs: 60_000, intervalMs: 250 });
    await leader();

    // Faults: each second, 80% of the time 25% of calls are throttled, else 25% fail with 500:
    // on average 20% ThrottlingException and 5% InternalServerException on every operation.
    const random = seededRandom(o.seed);
    const faultRandom = seededRandom(o.seed ^ 0x5eed);
    const flipFaults = () => void em.admin.setFaults({ errorRates: { '*': { rate: 0.25, status: faultRandom() < 0.8 ? 429 : 500 } } }).catch(() => {});
    flipFaults();
    timers.push(setInterval(flipFaults, 1000));
    note(`faults on; seed ${o.seed}`);

    const user = new Resources(NAMESPACE, cluster.admin);
    const workload = new Workload(user, { slots: o.slots, domains, flowEvery: 5, flowUri, random });
    const chaosStart = Date.now();
    await workload.fill(8);
    note(`created ${workload.counts.creates} resources`);

    // The user keeps working through everything below.
    let userStopped = false;
    const userLoop = (async () => {
      let lastSettle = Date.now();
      while (!userStopped) {
        await workload.step();
        if (Date.now() - lastSettle > 5000) {
          lastSettle = Date.now();
          await workload.settleAll();
        }
        await sleep(1000 / o.opsPerSecond);
      }
    })();

    const at = async (fraction: number) => {
      const wait = chaosStart + fraction * chaosMs - Date.now();
      if (wait > 0) await sleep(wait);
    };
    let restarts = 0;
    let kills = 0;
    const restartApiServer = async (signal: NodeJS.Signals) => {
      note(`API server restart (${signal})`);
      await cluster.cp.restartApiServer({ signal });
      restarts++;
      note('API server back');
    };
    const killLeader = async () => {
      const p = await leader();
      note(`SIGKILL the leader ${p.identity} (pid ${p.pid})`);
      p.proc.kill('SIGKILL');
      await p.exited;
      kills++;
    };
    const rssStart = new Map<number, number>();
    await at(0.2);
    await restartApiServer('SIGTERM');
    await at(0.25);
    for (const r of replicas) if (r.current?.alive()) rssStart.set(r.current.pid, rssMiB(r.current.pid));
    await at(0.4);
    if (o.leaderKills >= 1) await killLeader();
    await at(0.6);
    await restartApiServer('SIGKILL');
    await at(0.8);
    if (o.leaderKills >= 2) await killLeader();
    await at(1);
    userStopped = true;
    await userLoop;
    const chaosEnd = Date.now();
    const chaosSeconds = (chaosEnd - chaosStart) / 1000;

    // Settle: faults off, every unknown user call resolved, then wait for Kubernetes to converge.
    clearInterval(timers.pop()!);
    await em.admin.clearFaults();
    note(`chaos over after ${chaosSeconds.toFixed(0)} s; faults off`);
    await waitFor(async () => (await workload.settleAll(), workload.unsettled() === 0), { what: 'every user call settled', timeoutMs: 60_000, intervalMs: 1000 });
    const settleStart = Date.now();
    let objects: CustomerProfilesIntegration[] = [];
    try {
      await waitFor(async () => {
        objects = await user.list();
        const done = objects.every((x) => !x.metadata.deletionTimestamp && isReady(x));
        return done ? objects : undefined;
      }, { what: 'every resource Ready and every deletion finished', timeoutMs: o.settleTimeoutMs, intervalMs: 2000 });
    } catch (err) {
      note((err as Error).message);
      objects = await user.list();
    }
    const settleSeconds = (Date.now() - settleStart) / 1000;
    note(`settled after ${settleSeconds.toFixed(1)} s: ${objects.length} resources`);

    const state = await em.admin.state();
    const requests = await em.admin.requests();

    const rss = replicas
      .map((r) => r.current)
      .filter((p): p is ControllerProcess => !!p && p.alive() && rssStart.has(p.pid))
      .map((p) => {
        const startMiB = rssStart.get(p.pid)!;
        const endMiB = rssMiB(p.pid);
        return { identity: p.identity, startMiB, endMiB, growthPct: Math.round(((endMiB - startMiB) / startMiB) * 1000) / 10 };
      });

    // Stop the standby first, then the leader, so the terms end in order.
    stopping = true;
    clearInterval(timers.pop()!);
    const current = replicas.map((r) => r.current).filter((p): p is ControllerProcess => !!p && p.alive());
    const holder = lease[lease.length - 1]?.holder;
    for (const p of [...current.filter((x) => x.identity !== holder), ...current.filter((x) => x.identity === holder)]) await p.stop('SIGTERM');
    const intervals = replicas.flatMap((r) => r.procs.flatMap(terms));

    const checks = checkAll({
      objects, incarnations: workload.incarnations, state, account: ACCOUNT, region: REGION, domains,
      requests, intervals, lease, flowUri, slackMs: 250,
    });
    const awsCalls: Record<string, number> = {};
    for (const r of requests) awsCalls[r.operation] = (awsCalls[r.operation] ?? 0) + 1;
    const duringChaos = requests.filter((r) => r.time <= chaosEnd);
    const injected = (type: string) => duringChaos.filter((r) => r.errorType === type).length;
    return {
      ok: checks.every((c) => c.ok),
      options: o,
      figures: {
        chaosSeconds, settleSeconds, workload: { ...workload.counts }, awsCalls,
        injectedThrottles: injected('ThrottlingException'), injected5xx: injected('InternalServerException'),
        awsRequestsDuringChaos: duringChaos.length, awsRequests: requests.length,
        apiServerRestarts: restarts, leaderKills: kills, replicaStarts: replicas.reduce((n, r) => n + r.procs.length, 0),
        leaseHolderChanges: leaseChanges, liveResources: objects.filter((x) => !x.metadata.deletionTimestamp).length,
        rss,
      },
      checks,
      events,
    };
  } finally {
    stopping = true;
    for (const t of timers) clearInterval(t);
    for (const r of replicas) await r.current?.stop('SIGKILL');
    await emulator?.stop();
    await cluster.stop();
  }
}

/** A process's resident memory in MiB (0 when it cannot be read: the process is gone). */
function rssMiB(pid: number): number {
  try {
    return Math.round((rssBytes(pid) / 2 ** 20) * 10) / 10;
  } catch {
    return 0;
  }
}

function isReady(o: CustomerProfilesIntegration): boolean {
  const r = o.status?.conditions?.find((c) => c.type === 'Ready');
  return r?.status === 'True' && r.observedGeneration === o.metadata.generation && o.status?.observedGeneration === o.metadata.generation;
}

/** A replica's leadership terms from its lifecycle lines; a term ends at lost, stopped or death. */
export function terms(p: ControllerProcess): LeadershipInterval[] {
  const out: LeadershipInterval[] = [];
  let open: LeadershipInterval | undefined;
  for (const e of p.lifecycle) {
    if (e.msg === 'became leader') open = { identity: p.identity, from: e.time, to: Infinity, end: 'running' };
    else if (open && (e.msg.startsWith('leadership lost') || e.msg === 'stopped')) {
      out.push({ ...open, to: e.time, end: e.msg.startsWith('leadership lost') ? 'lost' : 'stopped' });
      open = undefined;
    }
  }
  if (open) out.push({ ...open, to: p.exitedAt ?? Infinity, end: p.exitedAt ? 'killed' : 'running' });
  return out;
}
