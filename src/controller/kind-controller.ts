// The parts of one managed kind in `cpi run`: its informer, claim index, status writer, Event
// recorder, reconciler and controller, and the two runnables that start them. manager.ts builds
// one per kind (integrations, domains, object types) around the shared AWS gateway and caches.
import * as k8s from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, VERSION, type KindNames } from '../api/group.ts';
import type { ManagedObject } from '../api/managed-object.ts';
import { EventRecorder } from '../kube/events.ts';
import { KubeResourceWriter } from '../kube/resources.ts';
import type { ManagedKind } from '../reconcile/kind.ts';
import { ManagedReconciler, type ManagedDeps } from '../reconcile/managed.ts';
import { customResourceCollection } from '../runtime/collections.ts';
import { keepOnly, ResilientInformer } from '../runtime/informer.ts';
import type { QueueMetrics } from '../runtime/queue.ts';
import type { Runnable } from '../runtime/runnables.ts';
import { ClaimIndex, type ClaimOf, type RoleOf } from './claims.ts';
import { Controller, errorText, type ObjectCache } from './controller.ts';
import { controllerRunnable, informer } from './runnables.ts';

/** What differs per kind in the wiring. */
export interface KindWiring<R extends ManagedObject, O, P> {
  /** The Kubernetes kind (Events name it) and its resource plural (watched, written). */
  names: Pick<KindNames, 'kind' | 'plural'>;
  kind: ManagedKind<R, O, P>;
  /** What a resource claims (two resources claiming the same AWS object: the older wins). */
  claimOf: ClaimOf<R>;
  /** Drift checks of one domain come due together (one read serves them); default spec.domainName. */
  domainOf?: (obj: R) => string;
  /** Dependencies (dependencies.ts): what it waits for, what must go before its delete. */
  waitsFor?: (obj: R) => string | undefined;
  deleteWaitsFor?: (obj: R) => string | undefined;
}

export interface SharedParts {
  kubeConfig: k8s.KubeConfig;
  /** Watch one namespace, or all. */
  namespace?: string | undefined;
  region: string;
  concurrency: number;
  pollIntervalMs: number;
  shutdownTimeoutMs: number;
  watchUnhealthyAfterMs: number;
  identity: string;
  log: Logger;
  account: ManagedDeps<ManagedObject>['account'];
  roleFor: ManagedDeps<ManagedObject>['roleFor'];
  roleOf: RoleOf;
  queueMetrics?: QueueMetrics | undefined;
  ended?: ManagedDeps<ManagedObject>['ended'];
  /** Without election this is the only replica that reconciles. */
  onControllerStart?: () => void;
}

export interface KindParts<R extends ManagedObject> {
  plural: string;
  informer: ResilientInformer<k8s.KubernetesObject>;
  cache: ObjectCache<R>;
  claims: ClaimIndex<R>;
  controller: Controller<R>;
  informerRunnable: Runnable;
  controllerRunnable: Runnable;
}

/** What reconcile, claims and Events read of a resource: the cache holds nothing else. */
export const cachedResource = keepOnly({
  metadata: ['uid', 'generation', 'creationTimestamp', 'deletionTimestamp', 'finalizers'],
  annotationPrefix: `${GROUP}/`,
  topLevel: ['spec', 'status'],
});

export function kindController<R extends ManagedObject, O, P>(w: KindWiring<R, O, P>, s: SharedParts): KindParts<R> {
  const log = s.log.child({ controller: w.names.plural });
  // The list is time-limited: client-node has no request timeout, and a silent API server must
  // not hang start-up forever.
  const inf = new ResilientInformer<k8s.KubernetesObject>({
    kubeConfig: s.kubeConfig,
    ...customResourceCollection<k8s.KubernetesObject>(s.kubeConfig, { group: GROUP, version: VERSION, plural: w.names.plural, namespace: s.namespace }),
    logger: s.log.child({ informer: w.names.plural }),
    unhealthyAfterMs: s.watchUnhealthyAfterMs,
    transform: cachedResource,
  });
  // Watched custom objects are plain JSON (timestamps are strings), whatever client-node's types say.
  const cache = inf as unknown as ObjectCache<R>;
  const claims = new ClaimIndex<R>(s.region, s.roleOf, w.claimOf);
  let controller!: Controller<R>;
  const writer = new KubeResourceWriter<R>(s.kubeConfig, { plural: w.names.plural, onWritten: (_before, written) => controller.recordWrite(written as R) });
  const events = new EventRecorder(s.kubeConfig, { instance: s.identity, kind: w.names.kind, onError: (err) => log.debug({ err: errorText(err) }, 'event not recorded') });
  const reconciler = new ManagedReconciler<R, O, P>(w.kind, {
    account: s.account,
    writer,
    events,
    defaultRegion: s.region,
    roleFor: s.roleFor,
    olderClaimant: (obj) => claims.olderClaimant(obj),
    waitsFor: w.waitsFor,
    deleteWaitsFor: w.deleteWaitsFor,
    pollIntervalMs: (obj) => controller.pollIntervalMs(obj),
    now: () => new Date(),
    log,
    ended: s.ended,
  });
  controller = new Controller<R>({
    informer: cache,
    reconciler,
    claims,
    domainOf: w.domainOf,
    concurrency: s.concurrency,
    pollIntervalMs: s.pollIntervalMs,
    log,
    queueMetrics: s.queueMetrics,
    drainTimeoutMs: s.shutdownTimeoutMs,
  });
  return {
    plural: w.names.plural,
    informer: inf,
    cache,
    claims,
    controller,
    informerRunnable: informer(w.names.plural, inf),
    controllerRunnable: controllerRunnable(controller, { name: `controller/${w.names.plural}`, drainTimeoutMs: s.shutdownTimeoutMs, onStart: s.onControllerStart }),
  };
}
