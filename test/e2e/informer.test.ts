// The informer against a real kube-apiserver + etcd: the API server is stopped mid-watch and
// objects are created, updated and deleted while the informer is cut off; every change must
// still arrive and the cache must end up equal to the server's list.
//
// This file starts its own control plane: restarting a shared API server would break the other
// e2e files running at the same time.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../src/dev/control-plane.ts';
import { loadKubeConfig, retryTransient } from '../../src/dev/cluster-setup.ts';
import { realClock, type Clock, type TimerHandle } from '../../src/runtime/clock.ts';
import { customResourceCollection } from '../../src/runtime/collections.ts';
import { ResilientInformer } from '../../src/runtime/informer.ts';

const GROUP = 'informer.e2e.cpi.test';
const VERSION = 'v1';
const PLURAL = 'widgets';
const NS = 'informer-e2e';

type Widget = k8s.KubernetesObject & { spec?: { size?: number } };

/** The real clock, except that timers set while the gate is closed wait until it opens. */
class GatedClock implements Clock {
  #closed = false;
  #held: Array<() => void> = [];
  now = () => realClock.now();
  setTimeout(fn: () => void, ms: number): TimerHandle {
    if (!this.#closed) return realClock.setTimeout(fn, ms);
    const handle = { cancelled: false, inner: undefined as TimerHandle | undefined };
    this.#held.push(() => {
      if (!handle.cancelled) handle.inner = realClock.setTimeout(fn, ms);
    });
    return handle as unknown as TimerHandle;
  }
  clearTimeout(h: TimerHandle | undefined): void {
    const held = h as unknown as { cancelled?: boolean; inner?: TimerHandle } | undefined;
    if (held && typeof held === 'object' && 'cancelled' in held) {
      held.cancelled = true;
      realClock.clearTimeout(held.inner);
    } else realClock.clearTimeout(h);
  }
  close() {
    this.#closed = true;
  }
  open() {
    this.#closed = false;
    const held = this.#held;
    this.#held = [];
    for (const start of held) start();
  }
  heldTimers() {
    return this.#held.length;
  }
}

// What the informer logged, shown when a wait times out.
const journal: string[] = [];
const t0 = Date.now();
const note = (level: string) => (obj: object, msg?: string) =>
  void journal.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
const logger = { debug: note('debug'), info: note('info'), warn: note('warn'), error: note('error') };

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${journal.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let cp: ControlPlane;
let kc: k8s.KubeConfig;
let objects: k8s.CustomObjectsApi;

const widget = (name: string, size: number) => ({
  apiVersion: `${GROUP}/${VERSION}`,
  kind: 'Widget',
  metadata: { name, namespace: NS },
  spec: { size },
});

beforeAll(async () => {
  cp = await startControlPlane({ log: (line) => journal.push(`${((Date.now() - t0) / 1000).toFixed(1)}s control plane: ${line}`) });
  kc = loadKubeConfig(cp.kubeconfigPath);
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  await retryTransient('create CRD', () =>
    ext.createCustomResourceDefinition({
      body: {
        metadata: { name: `${PLURAL}.${GROUP}` },
        spec: {
          group: GROUP,
          scope: 'Namespaced',
          names: { plural: PLURAL, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
          versions: [
            {
              name: VERSION,
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
                },
              },
            },
          ],
        },
      },
    }),
  );
  await until('the CRD to be established', async () => {
    const crd = await ext.readCustomResourceDefinition({ name: `${PLURAL}.${GROUP}` });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
  });
  await retryTransient('create namespace', () => kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: NS } } }));
  objects = kc.makeApiClient(k8s.CustomObjectsApi);
}, 180_000);

afterAll(async () => {
  await cp?.stop();
});

const ref = { group: GROUP, version: VERSION, plural: PLURAL, namespace: NS };

describe('ResilientInformer against a real API server', () => {
  it('misses nothing across an API server restart and does not revive after stop()', async () => {
    for (const [name, size] of [['keep', 1], ['change', 1], ['remove', 1]] as const) {
      await retryTransient(`create ${name}`, () => objects.createNamespacedCustomObject({ ...ref, body: widget(name, size) }));
    }
    const clock = new GatedClock();
    const events: string[] = [];
    const informer = new ResilientInformer<Widget>({
      kubeConfig: kc,
      ...customResourceCollection<Widget>(kc, { group: GROUP, version: VERSION, plural: PLURAL }),
      clock,
      logger,
      unhealthyAfterMs: 1_000,
    });
    const record = (e: string) => {
      events.push(e);
      journal.push(`${((Date.now() - t0) / 1000).toFixed(1)}s event ${e}`);
    };
    informer.on('add', (o) => record(`add ${o.metadata?.name}`));
    informer.on('update', (o) => record(`update ${o.metadata?.name} ${o.spec?.size}`));
    informer.on('delete', (o) => record(`delete ${o.metadata?.name}`));
    informer.on('add', () => {
      throw new Error('a broken handler must not take the informer down');
    });

    await informer.start();
    expect(informer.hasSynced()).toBe(true);
    expect(informer.list().map((o) => o.metadata?.name).sort()).toEqual(['change', 'keep', 'remove']);
    await until('the watch to be open', () => informer.status().failures === 0 && events.length === 3);

    // A change while connected arrives through the watch.
    await objects.createNamespacedCustomObject({ ...ref, body: widget('live', 1) });
    await until('the live add', () => events.includes('add live'));

    // Cut the informer off: its restarts are held while the API server is down and back up.
    clock.close();
    journal.push('--- stopping the API server');
    await cp.stopApiServer({ signal: 'SIGTERM', graceMs: 3_000 });
    await until('the informer to notice', () => informer.status().failures > 0);
    await cp.startApiServer();
    const before = events.length;
    await retryTransient('create during outage', () => objects.createNamespacedCustomObject({ ...ref, body: widget('new', 2) }));
    await retryTransient('update during outage', () =>
      objects.patchNamespacedCustomObject({ ...ref, name: 'change', body: { spec: { size: 5 } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)),
    );
    await retryTransient('delete during outage', () => objects.deleteNamespacedCustomObject({ ...ref, name: 'remove' }));
    await new Promise((r) => setTimeout(r, 1_100));
    // The changes were made while the informer could not see them.
    expect(events.length).toBe(before);
    expect(clock.heldTimers()).toBeGreaterThan(0);
    expect(informer.isHealthy()).toBe(false); // failing for longer than unhealthyAfterMs

    journal.push('--- opening the gate');
    clock.open();
    await until('the missed changes', () => ['add new', 'update change 5', 'delete remove'].every((e) => events.includes(e)));
    await until('the watch to be healthy again', () => informer.isHealthy() && informer.status().failures === 0);
    expect(informer.status().restarts).toBeGreaterThan(0);

    const server = (await objects.listNamespacedCustomObject(ref)) as k8s.KubernetesListObject<Widget>;
    const cached = informer.list(NS).map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`).sort();
    expect(cached).toEqual(server.items.map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`).sort());

    // After the restart, live changes flow again.
    await objects.createNamespacedCustomObject({ ...ref, body: widget('after', 1) });
    await until('the add after recovery', () => events.includes('add after'));

    // stop(): no revival, no events.
    await informer.stop();
    const stoppedAt = events.length;
    await objects.createNamespacedCustomObject({ ...ref, body: widget('unseen', 1) });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(events.length).toBe(stoppedAt);
    expect(informer.get('unseen', NS)).toBeUndefined();
  });
});
