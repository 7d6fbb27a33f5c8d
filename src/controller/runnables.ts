// The parts of `cpi run` as runnables (runtime/runnables.ts): what each one starts and stops.
// manager.ts builds them and hands them to one RunnableGroup, in start order.
import type * as k8s from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ManagedObject } from '../api/managed-object.ts';
import type { ResilientInformer } from '../runtime/informer.ts';
import { startHttpServer, type HttpServerOptions, type RunningHttpServer } from '../runtime/http-server.ts';
import type { Runnable } from '../runtime/runnables.ts';
import type { Controller, ObjectCache } from './controller.ts';
import { namespaceRole } from '../kube/namespace-role.ts';

/** The metrics and probe servers, started together; an address of '0' disables one. */
export function httpServers(servers: { metrics: HttpServerOptions; health: HttpServerOptions }, log: Logger): Runnable {
  let running: RunningHttpServer[] = [];
  return {
    name: 'http-servers',
    needsLeader: false,
    async start() {
      const [metrics, health] = await Promise.all([startHttpServer(servers.metrics), startHttpServer(servers.health)]);
      running = [metrics, health].filter((s): s is RunningHttpServer => s !== undefined);
      const url = (s: RunningHttpServer | undefined) => (s ? `http://${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}` : 'disabled');
      log.info({ metrics: url(metrics), health: url(health) }, 'serving metrics and probes');
    },
    async stop() {
      await Promise.all(running.map((s) => s.close()));
    },
  };
}

/** An informer: started once it has synced (a stop before that gives up waiting). */
export function informer(name: string, inf: Pick<ResilientInformer<k8s.KubernetesObject>, 'start' | 'stop'>): Runnable {
  return {
    name: `informer/${name}`,
    needsLeader: false,
    start: () => inf.start(),
    stop: () => inf.stop(),
  };
}

/**
 * A namespace that starts or stops naming a role (customerprofiles.gitops.dev/role-arn): its
 * resources move to other credentials now, so they and their claims' peers are queued again.
 * Started before the namespace informer, so it sees every namespace's first add.
 */
export function roleWatcher(opts: {
  namespaces: Pick<ResilientInformer<k8s.V1Namespace>, 'on'>;
  /** Each kind's cache, claims and queue (a function: the controller is built after this). */
  kinds: Array<{
    cache: Pick<ObjectCache<ManagedObject>, 'list'>;
    claims: { upsert(obj: never): string[] };
    queue: () => Pick<Controller['queue'], 'add'>;
  }>;
}): Runnable {
  const roleOf = (n: k8s.V1Namespace) => namespaceRole(n) ?? '';
  const roles = new Map<string, string>();
  let watching = false;
  return {
    name: 'role-watcher',
    needsLeader: false,
    async start() {
      watching = true;
      // A resource seen before its Namespace waited (roleFor: known false): its Namespace is here now.
      opts.namespaces.on('add', (n) => {
        if (!watching) return;
        const name = n.metadata!.name!;
        roles.set(name, roleOf(n));
        for (const k of opts.kinds) for (const o of k.cache.list(name)) k.queue().add(`${name}/${o.metadata.name}`);
      });
      opts.namespaces.on('update', (n) => {
        if (!watching) return;
        const name = n.metadata!.name!;
        if (roles.get(name) === roleOf(n)) return;
        roles.set(name, roleOf(n));
        // Its resources' claims name another account now; peers of the old and new claims are looked at again.
        for (const k of opts.kinds) {
          for (const o of k.cache.list(name)) {
            for (const peer of k.claims.upsert(o as never)) k.queue().add(peer);
            k.queue().add(`${name}/${o.metadata.name}`);
          }
        }
      });
    },
    async stop() {
      // The informer has no way to remove a handler: this one just stops acting.
      watching = false;
    },
  };
}

/** Something done every `everyMs` while running (the metrics and conditions tick). */
export function ticker(name: string, everyMs: number, onStart: () => void, tick: () => void): Runnable {
  let timer: NodeJS.Timeout | undefined;
  return {
    name,
    needsLeader: false,
    async start() {
      onStart();
      timer = setInterval(tick, everyMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/**
 * The controller's workers: only on the leader. On lost leadership they stop at once (the gateway
 * already refuses writes); on shutdown in-flight reconciles get `drainTimeoutMs` to finish.
 */
export function controllerRunnable(controller: Pick<Controller<never>, 'run' | 'stop'>, opts: { name?: string; drainTimeoutMs: number; onStart?: (() => void) | undefined }): Runnable {
  let running: Promise<void> | undefined;
  return {
    name: opts.name ?? 'controller',
    needsLeader: true,
    async start(_signal, fail) {
      opts.onStart?.();
      running = controller.run();
      running.catch(fail);
    },
    async stop(reason) {
      await controller.stop(reason === 'leadership-lost' ? 0 : opts.drainTimeoutMs);
      await running?.catch(() => {});
    },
  };
}
