// `cpi run` composed: informers, the controller, the AWS gateway and pacer, leader election,
// metrics and probes, started together and stopped along one shutdown path (as controller-
// runtime's manager does). Nothing here decides how a resource converges: that is reconcile/.
import * as k8s from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ANNOTATIONS, PLURAL } from '../api/group.ts';
import type { CustomerProfilesIntegration, IntegrationStatus } from '../api/types.ts';
import { AwsGateway } from '../aws/gateway.ts';
import { Pacer } from '../aws/pacer.ts';
import { EventRecorder } from '../kube/events.ts';
import { KubeResourceWriter } from '../kube/resources.ts';
import { reuseConnections } from '../kube/connections.ts';
import { IntegrationReconciler, type ReconcilerDeps, type ReconcileResult, type Trigger } from '../reconcile/reconciler.ts';
import { DomainSnapshots } from '../reconcile/snapshots.ts';
import { metricsRoute, probeRoutes, startHttpServer, type RunningHttpServer } from '../runtime/http-server.ts';
import { ResilientInformer } from '../runtime/informer.ts';
import { integrationCollection } from '../kube/collections.ts';
import { namespaceCollection } from '../runtime/collections.ts';
import { Metrics, reconcileResultOf, type ReconcileResult as ResultLabel } from '../runtime/metrics.ts';
import { pacerMetrics } from '../runtime/pacer-metrics.ts';
import { ClaimIndex } from './claims.ts';
import { Controller, errorText, type ObjectCache } from './controller.ts';

export interface ManagerOptions {
  kubeConfig: k8s.KubeConfig;
  namespace?: string | undefined;
  region: string;
  concurrency: number;
  pollIntervalMs: number;
  putTps: number;
  readTps: number;
  tagTps: number;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  metricsAddr: string;
  healthAddr: string;
  shutdownTimeoutMs: number;
  /** Liveness: how long list/watch may fail with no success before /healthz fails. */
  watchUnhealthyAfterMs?: number;
  /** The package version, for cpi_build_info. */
  version?: string;
  log: Logger;
}

export class Manager {
  private readonly o: ManagerOptions;
  readonly identity = `${hostname()}_${randomBytes(4).toString('hex')}`;
  private readonly metrics: Metrics;
  private readonly stopping = new AbortController();
  private servers: RunningHttpServer[] = [];
  private credentialsOk: { ok: boolean; reason?: string; at: number } = { ok: false, reason: 'not checked yet', at: 0 };
  /** When readiness started failing after the first sync (logged once then, and once when it ends). */
  private notReadySince: number | undefined;

  constructor(opts: ManagerOptions) {
    this.o = opts;
    this.metrics = new Metrics({ version: opts.version });
  }

  /** Runs until stop() (SIGTERM) or lost leadership; resolves with the process exit code. */
  async run(): Promise<number> {
    const { log } = this.o;
    // One connection pool for every client below (informers, writes, Events, the Lease).
    const kc = reuseConnections(this.o.kubeConfig);
    const ns = this.o.namespace;
    // Both lists are time-limited: client-node has no request timeout, and a silent API server
    // must not hang start-up forever.
    const rawInformer = new ResilientInformer<k8s.KubernetesObject>({
      kubeConfig: kc,
      ...integrationCollection(kc, ns),
      logger: log.child({ informer: PLURAL }),
      unhealthyAfterMs: this.o.watchUnhealthyAfterMs ?? 60_000,
      transform: dropManagedFields,
    });
    // Watched custom objects are plain JSON (timestamps are strings), whatever client-node's types say.
    const cache = rawInformer as unknown as ObjectCache<CustomerProfilesIntegration>;
    const informer = rawInformer;
    // Namespaces may name an IAM role to assume for their resources (cross-account, as ACK does).
    const namespaces = new ResilientInformer<k8s.V1Namespace>({
      kubeConfig: kc,
      ...namespaceCollection(kc),
      logger: log.child({ informer: 'namespaces' }),
      transform: dropManagedFields,
    });

    // Loaded only when asked for: local runs and tests without election never pay for it.
    const leader = this.o.leaderElect
      ? new (await import('../runtime/leader.ts')).LeaderElector({
          kubeConfig: kc,
          namespace: this.o.leaderElectionNamespace,
          name: this.o.leaderElectionId,
          identity: this.identity,
          leaseDurationMs: this.o.leaseDurationMs,
          renewDeadlineMs: this.o.renewDeadlineMs,
          retryPeriodMs: this.o.retryPeriodMs,
          logger: log.child({ component: 'leader-election' }),
        })
      : undefined;

    const pacer = new Pacer({ writeTps: this.o.putTps, readTps: this.o.readTps, tagTps: this.o.tagTps, metrics: pacerMetrics(this.metrics.registry) });
    const gateway = new AwsGateway({
      pacer,
      writeGate: leader ? () => { if (!leader.isLeader()) throw new Error('this replica is not the leader'); } : undefined,
      observe: (op, outcome, s) => this.metrics.observeAwsCall(op, outcome, s),
      userAgent: `cpi-controller/${this.identity}`,
      // A write that passed the leader gate must reach AWS before a standby can take over: the
      // standby waits leaseDuration after the last renewal, the gate allows renewDeadline after it.
      requestTimeoutMs: this.o.leaderElect ? Math.min(15_000, this.o.leaseDurationMs - this.o.renewDeadlineMs) : 15_000,
      signal: this.stopping.signal,
    });
    const claims = new ClaimIndex(this.o.region, (name) => namespaces.get(name)?.metadata?.annotations?.[ANNOTATIONS.roleArn] || undefined);
    let controller!: Controller;
    const writer = new KubeResourceWriter(kc, { onWritten: (_before, written) => controller.recordWrite(written) });
    const events = new EventRecorder(kc, { instance: this.identity, onError: (err) => log.debug({ err: errorText(err) }, 'event not recorded') });
    const snapshots = new DomainSnapshots(gateway, Math.min(30_000, this.o.pollIntervalMs / 4));
    const reconciler = new MeasuredReconciler((r, s) => this.metrics.observeReconcile(r, s), {
      gateway,
      snapshots,
      writer,
      events,
      defaultRegion: this.o.region,
      roleFor: (name) => {
        const ns = namespaces.get(name);
        return ns ? { known: true, roleArn: ns.metadata?.annotations?.[ANNOTATIONS.roleArn] || undefined } : { known: false };
      },
      olderClaimant: (obj) => claims.olderClaimant(obj),
      pollIntervalMs: (obj) => controller.pollIntervalMs(obj),
      now: () => new Date(),
      log,
    });
    controller = new Controller({
      informer: cache,
      reconciler,
      claims,
      concurrency: this.o.concurrency,
      pollIntervalMs: this.o.pollIntervalMs,
      log,
      queueMetrics: this.metrics.queueMetrics(),
      // Reconciles are counted by MeasuredReconciler, which sees how each one ended.
      drainTimeoutMs: this.o.shutdownTimeoutMs,
    });

    const [metricsServer, healthServer] = await Promise.all([
        startHttpServer({ addr: this.o.metricsAddr, routes: metricsRoute(this.metrics.registry) }),
        startHttpServer({
          addr: this.o.healthAddr,
          routes: probeRoutes({
            live: () => (informer.isHealthy() ? { ok: true } : { ok: false, reason: 'the watch on CustomerProfilesIntegrations keeps failing' }),
            ready: async () => {
              if (!informer.hasSynced()) return { ok: false, reason: 'informer not synced yet' };
              return this.checkCredentials(gateway, log);
            },
          }),
        }),
      ]);
    // A namespace that starts or stops naming a role: its resources move to other credentials now.
    const roleOf = (n: k8s.V1Namespace) => n.metadata?.annotations?.[ANNOTATIONS.roleArn] ?? '';
    const roles = new Map<string, string>();
    // A resource seen before its Namespace waited (roleFor: known false): its Namespace is here now.
    namespaces.on('add', (n) => {
      const name = n.metadata!.name!;
      roles.set(name, roleOf(n));
      for (const o of cache.list(name)) controller.queue.add(`${name}/${o.metadata.name}`);
    });
    namespaces.on('update', (n) => {
      const name = n.metadata!.name!;
      if (roles.get(name) === roleOf(n)) return;
      roles.set(name, roleOf(n));
      // Its resources' claims name another account now; peers of the old and new claims are looked at again.
      for (const o of cache.list(name)) {
        for (const peer of claims.upsert(o)) controller.queue.add(peer);
        controller.queue.add(`${name}/${o.metadata.name}`);
      }
    });
    this.servers = [metricsServer, healthServer].filter((s): s is RunningHttpServer => s !== undefined);
    const url = (s: RunningHttpServer | undefined) => (s ? `http://${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}` : 'disabled');
    log.info({ metrics: url(metricsServer), health: url(healthServer) }, 'serving metrics and probes');

    let restartsSeen = 0;
    const conditionsTimer = setInterval(() => {
      this.metrics.setResourceConditions(countConditions(cache.list()));
      snapshots.prune(); // a domain's expired snapshot would otherwise stay until its next poll
      const restarts = informer.status().restarts;
      for (; restartsSeen < restarts; restartsSeen++) this.metrics.informerRestarted();
      // Without a kubelet probing /readyz, this is what notices that readiness came back.
      if (this.notReadySince !== undefined) void this.checkCredentials(gateway, log);
    }, 15_000);
    conditionsTimer.unref();

    log.info({ identity: this.identity, namespace: ns ?? '(all)', region: this.o.region, leaderElect: this.o.leaderElect, version: this.o.version ?? 'unknown' }, 'starting');
    // A SIGTERM before the first sync must not wait for an API server that may never answer.
    const synced = Promise.all([namespaces.start(), informer.start()]).then(() => true);
    if (!(await Promise.race([synced, this.stopped().then(() => false)]))) {
      synced.catch(() => {});
      await Promise.all([informer.stop(), namespaces.stop()]);
      await Promise.all(this.servers.map((s) => s.close()));
      log.info({ exitCode: 0 }, 'stopped before the first sync');
      return 0;
    }
    this.metrics.setInformerSynced(true);
    void this.checkCredentials(gateway, log);

    let exitCode = 0;
    if (!leader) {
      this.metrics.setLeader(true); // the only replica that reconciles: the alert sum(cpi_leader) != 1 holds
      const running = controller.run();
      await this.stopped();
      await controller.stop(this.o.shutdownTimeoutMs);
      await running;
    } else {
      exitCode = await new Promise<number>((resolve) => {
        let running: Promise<void> | undefined;
        void leader.run({
          onStartedLeading: (signal) => {
            this.metrics.setLeader(true);
            log.info({ identity: this.identity }, 'became leader');
            running = controller.run();
            signal.addEventListener('abort', () => {
              if (this.stopping.signal.aborted) return;
              // Lost the lease: stop at once; the gateway already refuses writes. A fresh process
              // (the Deployment restarts us) rejoins as a clean standby.
              log.error({ identity: this.identity }, 'leadership lost: stopping');
              this.metrics.setLeader(false);
              void controller.stop(0).then(() => resolve(1));
            }, { once: true });
          },
          onStoppedLeading: () => this.metrics.setLeader(false),
          onNewLeader: (id) => log.info({ leader: id }, 'new leader'),
        });
        void this.stopped().then(async () => {
          await controller.stop(this.o.shutdownTimeoutMs);
          await running;
          await leader.release().catch((err: unknown) => log.warn({ err: errorText(err) }, 'lease release failed'));
          resolve(0);
        });
      });
    }

    clearInterval(conditionsTimer);
    await Promise.all([informer.stop(), namespaces.stop()]);
    await Promise.all(this.servers.map((s) => s.close()));
    gateway.destroy();
    log.info({ exitCode }, 'stopped');
    return exitCode;
  }

  /** Resolves once stop() was called, also when that happened before the call. */
  private stopped(): Promise<void> {
    const signal = this.stopping.signal;
    return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** SIGTERM: stop taking work, finish in-flight reconciles (bounded), release the lease. */
  stop(): void {
    this.stopping.abort(new Error('shutting down'));
  }

  private async checkCredentials(gateway: AwsGateway, log: Logger) {
    // Cached for 30 s: probes come every few seconds and STS is not free.
    if (Date.now() - this.credentialsOk.at < 30_000 && this.credentialsOk.ok) return this.credentialsOk;
    try {
      await gateway.checkCredentials({ region: this.o.region });
      this.credentialsOk = { ok: true, at: Date.now() };
    } catch (err) {
      this.credentialsOk = { ok: false, reason: `AWS credentials do not resolve: ${(err as Error).message}`, at: Date.now() };
    }
    this.logReadiness(this.credentialsOk, log);
    return this.credentialsOk;
  }

  /** Readiness failures in the log too, not only in /readyz: once when they start, once when they end. */
  private logReadiness(r: { ok: boolean; reason?: string }, log: Logger): void {
    if (!r.ok && this.notReadySince === undefined) {
      this.notReadySince = Date.now();
      log.warn({ reason: r.reason, region: this.o.region }, 'not ready');
    } else if (r.ok && this.notReadySince !== undefined) {
      log.info({ notReadyForSeconds: Math.round((Date.now() - this.notReadySince) / 1000) }, 'ready again');
      this.notReadySince = undefined;
    }
  }
}

/** managedFields is often the largest part of an object, and the controller never reads it. */
function dropManagedFields(obj: k8s.KubernetesObject): void {
  if (obj.metadata) delete obj.metadata.managedFields;
}

function countConditions(objs: readonly CustomerProfilesIntegration[]) {
  const counts: Record<string, Record<string, number>> = {};
  for (const o of objs) {
    for (const type of ['Ready', 'Synced', 'Stalled']) {
      const status = o.status?.conditions?.find((c) => c.type === type)?.status ?? (type === 'Stalled' ? 'False' : 'Unknown');
      (counts[type] ??= {})[status] = ((counts[type] ??= {})[status] ?? 0) + 1;
    }
  }
  return counts;
}

/**
 * The reconciler, counted by how each reconcile ended (cpi_reconcile_total{result}): a scheduled
 * drift check is a success, a Stalled resource a requeue after an error. The controller alone
 * sees only "come back later" in both.
 */
class MeasuredReconciler extends IntegrationReconciler {
  // JS private fields: no clash with the base class's own members.
  readonly #count: (result: ResultLabel, seconds: number) => void;
  /** The last status each reconcile wrote, by key (one reconcile per key at a time). */
  readonly #written: Map<string, IntegrationStatus>;

  constructor(count: (result: ResultLabel, seconds: number) => void, deps: ReconcilerDeps) {
    const written = new Map<string, IntegrationStatus>();
    // The reconciler may swap its object (after a finalizer write): watch what it writes instead.
    const writer: ReconcilerDeps['writer'] = {
      patchStatus: async (obj, status) => {
        await deps.writer.patchStatus(obj, status);
        written.set(`${obj.metadata.namespace}/${obj.metadata.name}`, status);
      },
      setFinalizers: (obj, finalizers) => deps.writer.setFinalizers(obj, finalizers),
    };
    super({ ...deps, writer });
    this.#count = count;
    this.#written = written;
  }

  override async reconcile(obj: CustomerProfilesIntegration, trigger: Trigger): Promise<ReconcileResult> {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    this.#written.delete(key);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let ended: ReconcileResult;
    try {
      ended = await super.reconcile(obj, trigger);
    } catch (err) {
      this.#written.delete(key);
      this.#count(reconcileResultOf(undefined, false, true), seconds());
      throw err;
    }
    // No status write means the stored one still holds (an unchanged Stalled stays Stalled).
    const status = this.#written.get(key) ?? obj.status;
    this.#written.delete(key);
    const stalled = !!status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True');
    this.#count(reconcileResultOf(ended, stalled), seconds());
    return ended;
  }
}
