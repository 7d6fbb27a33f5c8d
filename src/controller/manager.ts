// `cpi run` composed: informers, the controller, the AWS gateway and pacer, leader election,
// metrics and probes, each a runnable (./runnables.ts) in one RunnableGroup that starts them and
// stops them along one shutdown path (as controller-runtime's manager does). Nothing here
// decides how a resource converges: that is reconcile/.
import * as k8s from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { GROUP, PLURAL } from '../api/group.ts';
import type { CustomerProfilesIntegration, IntegrationStatus } from '../api/types.ts';
import { AwsGateway } from '../aws/gateway.ts';
import { Pacer } from '../aws/pacer.ts';
import { EventRecorder } from '../kube/events.ts';
import { KubeResourceWriter } from '../kube/resources.ts';
import { reuseConnections } from '../kube/connections.ts';
import { IntegrationReconciler } from '../reconcile/reconciler.ts';
import { DomainSnapshots } from '../reconcile/snapshots.ts';
import { metricsRoute, probeRoutes } from '../runtime/http-server.ts';
import { keepOnly, ResilientInformer } from '../runtime/informer.ts';
import { integrationCollection } from '../kube/collections.ts';
import { namespaceCollection } from '../runtime/collections.ts';
import { Metrics, reconcileResultOf } from '../runtime/metrics.ts';
import { pacerMetrics } from '../runtime/pacer-metrics.ts';
import type { LeaderElector, LeadershipEndedError } from '../runtime/leader.ts';
import { RunnableGroup, type Leadership } from '../runtime/runnables.ts';
import { ClaimIndex } from './claims.ts';
import { Controller, errorText, type ObjectCache } from './controller.ts';
import { controllerRunnable, httpServers, informer, roleWatcher, ticker } from './runnables.ts';
import { namespaceRole } from '../kube/namespace-role.ts';

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
  private readonly options: ManagerOptions;
  readonly identity = `${hostname()}_${randomBytes(4).toString('hex')}`;
  private readonly metrics: Metrics;
  private readonly stopping = new AbortController();
  private credentials: { ok: boolean; reason?: string; at: number } = { ok: false, reason: 'not checked yet', at: 0 };
  /** When readiness started failing after the first sync (logged once then, and once when it ends). */
  private notReadySince: number | undefined;

  constructor(options: ManagerOptions) {
    this.options = options;
    this.metrics = new Metrics({ version: options.version });
  }

  /**
   * Runs until stop() (SIGTERM), lost leadership or a part that fails, then stops every part along
   * one path; resolves with the process exit code (rejects with what failed).
   */
  async run(): Promise<number> {
    const { log } = this.options;
    const { runnables, leadership, gateway } = await this.assemble();
    log.info(
      { identity: this.identity, namespace: this.options.namespace ?? '(all)', region: this.options.region, leaderElect: this.options.leaderElect, version: this.options.version ?? 'unknown' },
      'starting',
    );
    const outcome = await runnables.run(this.stopping.signal, leadership);
    gateway.destroy();
    for (const { name, error } of outcome.stopErrors) log.warn({ runnable: name, err: errorText(error) }, 'did not stop cleanly');
    if (outcome.reason === 'failed') throw outcome.error;
    const exitCode = outcome.reason === 'leadership-lost' ? 1 : 0;
    // A SIGTERM before the first sync does not wait for an API server that may never answer.
    log.info({ exitCode }, outcome.started ? 'stopped' : 'stopped before the first sync');
    return exitCode;
  }

  /** SIGTERM: stop taking work, finish in-flight reconciles (bounded), release the lease. */
  stop(): void {
    this.stopping.abort(new Error('shutting down'));
  }

  /** Builds every part of `cpi run` and the runnables that start and stop them, in start order. */
  private async assemble(): Promise<{ runnables: RunnableGroup; leadership: Leadership | undefined; gateway: AwsGateway }> {
    const { log, leaderElect } = this.options;
    // One connection pool for every client below (informers, writes, Events, the Lease).
    const kc = reuseConnections(this.options.kubeConfig);
    // Both lists are time-limited: client-node has no request timeout, and a silent API server
    // must not hang start-up forever.
    const integrations = new ResilientInformer<k8s.KubernetesObject>({
      kubeConfig: kc,
      ...integrationCollection(kc, this.options.namespace),
      logger: log.child({ informer: PLURAL }),
      unhealthyAfterMs: this.options.watchUnhealthyAfterMs ?? 60_000,
      transform: cachedIntegration,
    });
    // Watched custom objects are plain JSON (timestamps are strings), whatever client-node's types say.
    const cache = integrations as unknown as ObjectCache<CustomerProfilesIntegration>;
    // Namespaces may name an IAM role to assume for their resources (cross-account, as ACK does).
    const namespaces = new ResilientInformer<k8s.V1Namespace>({
      kubeConfig: kc,
      ...namespaceCollection(kc),
      logger: log.child({ informer: 'namespaces' }),
      transform: cachedNamespace,
    });

    // Loaded only when asked for: local runs and tests without election never pay for it.
    const elector = leaderElect
      ? new (await import('../runtime/leader.ts')).LeaderElector({
          kubeConfig: kc,
          namespace: this.options.leaderElectionNamespace,
          name: this.options.leaderElectionId,
          identity: this.identity,
          leaseDurationMs: this.options.leaseDurationMs,
          renewDeadlineMs: this.options.renewDeadlineMs,
          retryPeriodMs: this.options.retryPeriodMs,
          logger: log.child({ component: 'leader-election' }),
        })
      : undefined;

    const pacer = new Pacer({ writeTps: this.options.putTps, readTps: this.options.readTps, tagTps: this.options.tagTps, metrics: pacerMetrics(this.metrics.registry) });
    const gateway = new AwsGateway({
      pacer,
      writeGate: elector ? () => { if (!elector.isLeader()) throw new Error('this replica is not the leader'); } : undefined,
      observe: (op, outcome, s) => this.metrics.observeAwsCall(op, outcome, s),
      userAgent: `cpi-controller/${this.identity}`,
      // A write that passed the leader gate must reach AWS before a standby can take over: the
      // standby waits leaseDuration after the last renewal, the gate allows renewDeadline after it.
      requestTimeoutMs: leaderElect ? Math.min(15_000, this.options.leaseDurationMs - this.options.renewDeadlineMs) : 15_000,
      signal: this.stopping.signal,
    });
    const claims = new ClaimIndex(this.options.region, (name) => namespaceRole(namespaces.get(name)));
    let controller!: Controller;
    const writer = new KubeResourceWriter<CustomerProfilesIntegration>(kc, { onWritten: (_before, written) => controller.recordWrite(written as CustomerProfilesIntegration) });
    const events = new EventRecorder(kc, { instance: this.identity, onError: (err) => log.debug({ err: errorText(err) }, 'event not recorded') });
    const snapshots = new DomainSnapshots(gateway, Math.min(30_000, this.options.pollIntervalMs / 4));
    const reconciler = new IntegrationReconciler({
      gateway,
      snapshots,
      writer,
      events,
      defaultRegion: this.options.region,
      roleFor: (name) => {
        const ns = namespaces.get(name);
        return ns ? { known: true, roleArn: namespaceRole(ns) } : { known: false };
      },
      olderClaimant: (obj) => claims.olderClaimant(obj),
      pollIntervalMs: (obj) => controller.pollIntervalMs(obj),
      now: () => new Date(),
      log,
      // Counted by how each reconcile ended (cpi_reconcile_total{result}): a scheduled drift check
      // is a success, a Stalled resource a requeue after an error; the controller alone sees only
      // "come back later" in both.
      ended: (result, stalled, seconds) => this.metrics.observeReconcile(reconcileResultOf(result, stalled, result === undefined), seconds),
    });
    controller = new Controller({
      informer: cache,
      reconciler,
      claims,
      domainOf: (o) => o.spec.domainName,
      concurrency: this.options.concurrency,
      pollIntervalMs: this.options.pollIntervalMs,
      log,
      queueMetrics: this.metrics.queueMetrics(),
      // Reconciles are counted by the reconciler (ended), which sees how each one ended.
      drainTimeoutMs: this.options.shutdownTimeoutMs,
    });

    let restartsSeen = 0;
    const runnables = new RunnableGroup().add(
      httpServers(
        {
          metrics: { addr: this.options.metricsAddr, routes: metricsRoute(this.metrics.registry) },
          health: {
            addr: this.options.healthAddr,
            routes: probeRoutes({
              live: () => (integrations.isHealthy() ? { ok: true } : { ok: false, reason: 'the watch on CustomerProfilesIntegrations keeps failing' }),
              ready: async () => {
                if (!integrations.hasSynced()) return { ok: false, reason: 'informer not synced yet' };
                return this.checkCredentials(gateway);
              },
            }),
          },
        },
        log,
      ),
      roleWatcher({ namespaces, cache, claims, queue: () => controller.queue }),
      informer('namespaces', namespaces),
      informer(PLURAL, integrations),
      // Started once the caches have synced: from here on the counts and readiness mean something.
      ticker(
        'metrics-timer',
        15_000,
        () => {
          this.metrics.setInformerSynced(true);
          void this.checkCredentials(gateway);
        },
        () => {
          this.metrics.setResourceConditions(countConditions(cache.list()));
          snapshots.prune(); // a domain's expired snapshot would otherwise stay until its next poll
          const restarts = integrations.status().restarts;
          for (; restartsSeen < restarts; restartsSeen++) this.metrics.informerRestarted();
          // Without a kubelet probing /readyz, this is what notices that readiness came back.
          if (this.notReadySince !== undefined) void this.checkCredentials(gateway);
        },
      ),
      controllerRunnable(controller, {
        drainTimeoutMs: this.options.shutdownTimeoutMs,
        // Without election this is the only replica that reconciles: the alert sum(cpi_leader) != 1 holds.
        onStart: elector ? undefined : () => this.metrics.setLeader(true),
      }),
    );
    return { runnables, leadership: elector && this.leadershipOf(elector), gateway };
  }

  /** The elector as the runnable group sees it, with the leader metric and log lines. */
  private leadershipOf(elector: LeaderElector): Leadership {
    const { log } = this.options;
    return {
      campaign: (elected) => {
        void elector.run({
          onStartedLeading: (lost) => {
            this.metrics.setLeader(true);
            log.info({ identity: this.identity }, 'became leader');
            lost.addEventListener('abort', () => {
              // Lost the lease: the group stops at once; the gateway already refuses writes. A fresh
              // process (the Deployment restarts us) rejoins as a clean standby.
              if ((lost.reason as LeadershipEndedError | undefined)?.reason === 'lost') log.error({ identity: this.identity }, 'leadership lost: stopping');
              this.metrics.setLeader(false);
            }, { once: true });
            elected(lost);
          },
          onStoppedLeading: () => this.metrics.setLeader(false),
          onNewLeader: (id) => log.info({ leader: id }, 'new leader'),
        });
      },
      release: async (reason) => {
        // A lost lease is no longer ours to give up.
        if (reason === 'leadership-lost') return;
        await elector.release().catch((err: unknown) => log.warn({ err: errorText(err) }, 'lease release failed'));
      },
    };
  }

  private async checkCredentials(gateway: AwsGateway) {
    // Cached for 30 s: probes come every few seconds and STS is not free.
    if (Date.now() - this.credentials.at < 30_000 && this.credentials.ok) return this.credentials;
    try {
      await gateway.checkCredentials({ region: this.options.region });
      this.credentials = { ok: true, at: Date.now() };
    } catch (err) {
      this.credentials = { ok: false, reason: `AWS credentials do not resolve: ${(err as Error).message}`, at: Date.now() };
    }
    this.logReadiness(this.credentials);
    return this.credentials;
  }

  /** Readiness failures in the log too, not only in /readyz: once when they start, once when they end. */
  private logReadiness(r: { ok: boolean; reason?: string }): void {
    const { log } = this.options;
    if (!r.ok && this.notReadySince === undefined) {
      this.notReadySince = Date.now();
      log.warn({ reason: r.reason, region: this.options.region }, 'not ready');
    } else if (r.ok && this.notReadySince !== undefined) {
      log.info({ notReadyForSeconds: Math.round((Date.now() - this.notReadySince) / 1000) }, 'ready again');
      this.notReadySince = undefined;
    }
  }
}

/** What reconcile, claims and Events read of a resource: the cache holds nothing else. */
const cachedIntegration = keepOnly({
  metadata: ['uid', 'generation', 'creationTimestamp', 'deletionTimestamp', 'finalizers'],
  annotationPrefix: `${GROUP}/`,
  topLevel: ['spec', 'status'],
});

/** Of a Namespace, only our annotations (the role to assume). */
const cachedNamespace = keepOnly({ metadata: [], annotationPrefix: `${GROUP}/`, topLevel: [] });

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
