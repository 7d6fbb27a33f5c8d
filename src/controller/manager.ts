// `cpi run` composed: informers, the controller, the AWS gateway and pacer, leader election,
// metrics and probes, each a runnable (./runnables.ts) in one RunnableGroup that starts them and
// stops them along one shutdown path (as controller-runtime's manager does). Nothing here
// decides how a resource converges: that is reconcile/.
import * as k8s from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { DOMAIN_NAMES, GROUP, INTEGRATION_NAMES, OBJECT_TYPE_NAMES } from '../api/group.ts';
import type { CustomerProfilesDomain, CustomerProfilesObjectType } from '../api/types.ts';
import type { ManagedObject } from '../api/managed-object.ts';
import { AwsGateway } from '../aws/gateway.ts';
import { Pacer } from '../aws/pacer.ts';
import { reuseConnections } from '../kube/connections.ts';
import { namespaceRole } from '../kube/namespace-role.ts';
import { servedPlurals } from '../kube/served-kinds.ts';
import { domainKind } from '../reconcile/domain-kind.ts';
import { IntegrationKind } from '../reconcile/integration-kind.ts';
import { objectTypeKind } from '../reconcile/object-type-kind.ts';
import type { NamedPlan, Observed } from '../reconcile/named-object-kind.ts';
import type { DomainDescription, ObjectTypeDescription } from '../aws/types.ts';
import { DomainSnapshots } from '../reconcile/snapshots.ts';
import { namespaceCollection } from '../runtime/collections.ts';
import { metricsRoute, probeRoutes } from '../runtime/http-server.ts';
import { keepOnly, ResilientInformer } from '../runtime/informer.ts';
import type { LeaderElector, LeadershipEndedError } from '../runtime/leader.ts';
import { Metrics, reconcileResultOf } from '../runtime/metrics.ts';
import { pacerMetrics } from '../runtime/pacer-metrics.ts';
import { RunnableGroup, type Leadership } from '../runtime/runnables.ts';
import { domainClaim, integrationClaim, objectTypeClaim } from './claims.ts';
import { errorText } from './controller.ts';
import { domainDeleteWaitsFor, integrationWaitsFor, objectTypeDeleteWaitsFor, objectTypeWaitsFor, type KindCaches } from './dependencies.ts';
import { wireDependencies } from './dependency-events.ts';
import { kindController, type KindParts, type KindWiring, type SharedParts } from './kind-controller.ts';
import { httpServers, informer, roleWatcher, ticker } from './runnables.ts';

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
    const snapshots = new DomainSnapshots(gateway, Math.min(30_000, this.options.pollIntervalMs / 4));
    const shared: SharedParts = {
      kubeConfig: kc,
      namespace: this.options.namespace,
      region: this.options.region,
      concurrency: this.options.concurrency,
      pollIntervalMs: this.options.pollIntervalMs,
      shutdownTimeoutMs: this.options.shutdownTimeoutMs,
      watchUnhealthyAfterMs: this.options.watchUnhealthyAfterMs ?? 60_000,
      identity: this.identity,
      log,
      account: (t) => gateway.account(t),
      roleFor: (name) => {
        const ns = namespaces.get(name);
        return ns ? { known: true, roleArn: namespaceRole(ns) } : { known: false };
      },
      roleOf: (name) => namespaceRole(namespaces.get(name)),
      // Counted by how each reconcile ended (cpi_reconcile_total{result}): a scheduled drift check
      // is a success, a Stalled resource a requeue after an error; the controller alone sees only
      // "come back later" in both.
      ended: (result, stalled, seconds) => this.metrics.observeReconcile(reconcileResultOf(result, stalled, result === undefined), seconds),
      queueMetrics: this.metrics.queueMetrics(),
      // Without election this is the only replica that reconciles: the alert sum(cpi_leader) != 1 holds.
      onControllerStart: elector ? undefined : () => this.metrics.setLeader(true),
    };
    const kinds = await this.kinds(kc, gateway, snapshots, shared);
    const integrations = kinds[0]!;
    const informers = kinds.map((k) => k.informer);

    let restartsSeen = 0;
    const runnables = new RunnableGroup().add(
      httpServers(
        {
          metrics: { addr: this.options.metricsAddr, routes: metricsRoute(this.metrics.registry) },
          health: {
            addr: this.options.healthAddr,
            routes: probeRoutes({
              live: () => {
                const failing = kinds.filter((k) => !k.informer.isHealthy()).map((k) => k.plural);
                return failing.length === 0 ? { ok: true } : { ok: false, reason: `the watch on ${failing.join(', ')} keeps failing` };
              },
              ready: async () => {
                if (!informers.every((i) => i.hasSynced())) return { ok: false, reason: 'informer not synced yet' };
                return this.checkCredentials(gateway);
              },
            }),
          },
        },
        log,
      ),
      roleWatcher({ namespaces, kinds: kinds.map((k) => ({ cache: k.cache, claims: k.claims, queue: () => k.controller.queue })) }),
      informer('namespaces', namespaces),
      ...kinds.map((k) => k.informerRunnable),
      // Started once the caches have synced: from here on the counts and readiness mean something.
      ticker(
        'metrics-timer',
        15_000,
        () => {
          this.metrics.setInformerSynced(true);
          void this.checkCredentials(gateway);
        },
        () => {
          this.metrics.setResourceConditions(countConditions(kinds.flatMap((k) => k.cache.list())));
          snapshots.prune(); // a domain's expired snapshot would otherwise stay until its next poll
          const restarts = informers.reduce((n, i) => n + i.status().restarts, 0);
          for (; restartsSeen < restarts; restartsSeen++) this.metrics.informerRestarted();
          // Without a kubelet probing /readyz, this is what notices that readiness came back.
          if (this.notReadySince !== undefined) void this.checkCredentials(gateway);
        },
      ),
      ...kinds.map((k) => k.controllerRunnable),
    );
    return { runnables, leadership: elector && this.leadershipOf(elector), gateway };
  }

  /**
   * One controller per kind whose CRD the API server serves (the integration's always: it is the
   * CRD every install has). A kind whose CRD is missing is said once and not watched.
   */
  private async kinds(kc: k8s.KubeConfig, gateway: AwsGateway, snapshots: DomainSnapshots, shared: SharedParts): Promise<KindParts<ManagedObject>[]> {
    const served = await servedPlurals(kc);
    const { log } = this.options;
    // Unknown (discovery failed): watch every kind, as if all CRDs were installed.
    const serves = (plural: string) => !served || served.has(plural);
    const caches: KindCaches = { integrations: { list: (ns) => integrations.cache.list(ns) } };
    const waits = serves(DOMAIN_NAMES.plural) || serves(OBJECT_TYPE_NAMES.plural);
    const integrations = kindController(
      { names: INTEGRATION_NAMES, kind: new IntegrationKind(gateway, snapshots), claimOf: integrationClaim, waitsFor: waits ? (i) => integrationWaitsFor(caches, i) : undefined },
      shared,
    );
    /** A kind whose CRD may be missing (installed after the first release): said once, not watched. */
    const optional = <R extends ManagedObject, O, P>(w: KindWiring<R, O, P>): KindParts<R> | undefined => {
      if (serves(w.names.plural)) return kindController(w, shared);
      log.warn({ kind: w.names.kind }, `its CRD is not installed: not watched (install crds/ and restart to manage ${w.kind.noun}s)`);
      return undefined;
    };
    const domains = optional<CustomerProfilesDomain, Observed<DomainDescription>, NamedPlan>({ names: DOMAIN_NAMES, kind: domainKind(gateway), claimOf: domainClaim, deleteWaitsFor: (d) => domainDeleteWaitsFor(caches, d) });
    const objectTypes = optional<CustomerProfilesObjectType, Observed<ObjectTypeDescription>, NamedPlan>({
      names: OBJECT_TYPE_NAMES,
      kind: objectTypeKind(gateway),
      claimOf: objectTypeClaim,
      waitsFor: (t) => objectTypeWaitsFor(caches, t),
      deleteWaitsFor: (t) => objectTypeDeleteWaitsFor(caches, t),
    });
    caches.domains = domains?.cache;
    caches.objectTypes = objectTypes?.cache;
    const parts = [integrations, domains, objectTypes].filter((p) => p !== undefined) as unknown as KindParts<ManagedObject>[];
    wireDependencies(caches, { integrations, domains, objectTypes });
    return parts;
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

/** Of a Namespace, only our annotations (the role to assume). */
const cachedNamespace = keepOnly({ metadata: [], annotationPrefix: `${GROUP}/`, topLevel: [] });

function countConditions(objs: readonly ManagedObject[]) {
  const counts: Record<string, Record<string, number>> = {};
  for (const o of objs) {
    for (const type of ['Ready', 'Synced', 'Stalled']) {
      const status = o.status?.conditions?.find((c) => c.type === type)?.status ?? (type === 'Stalled' ? 'False' : 'Unknown');
      (counts[type] ??= {})[status] = ((counts[type] ??= {})[status] ?? 0) + 1;
    }
  }
  return counts;
}
