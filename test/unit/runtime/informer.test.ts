// ResilientInformer's own logic (restart, stop, handler isolation, health) against a loopback
// HTTP server that speaks just enough list+watch. The real API server case, with a restart, is
// test/e2e/informer.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/runtime/clock.ts';
import { customResourceCollection } from '../../../src/runtime/collections.ts';
import { ResilientInformer } from '../../../src/runtime/informer.ts';
import type { Logger } from '../../../src/runtime/log.ts';

const GROUP = 'example.test';
const VERSION = 'v1';
const PLURAL = 'widgets';
const PATH = `/apis/${GROUP}/${VERSION}/${PLURAL}`;

type Reply = { status: number; body: unknown } | 'watch';

const obj = (name: string, rv: string) => ({ apiVersion: `${GROUP}/${VERSION}`, kind: 'Widget', metadata: { name, namespace: 'ns', resourceVersion: rv } });

/** A scripted API server: `lists` and `watches` answer requests in order (the last one repeats). */
class FakeApiServer {
  readonly requests: string[] = [];
  lists: Reply[] = [{ status: 200, body: { items: [], metadata: { resourceVersion: '1' } } }];
  watches: Reply[] = ['watch'];
  #open = new Set<ServerResponse>();
  #server: Server;
  #listCount = 0;
  #watchCount = 0;
  port = 0;

  constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  kubeConfig(): k8s.KubeConfig {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: 'fake' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** Ends every open watch stream cleanly (as the API server does at its timeout). */
  endWatches(): void {
    for (const res of this.#open) res.end();
  }

  /** Sends a watch event to every open watch. */
  send(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR', object: unknown): void {
    for (const res of this.#open) res.write(`${JSON.stringify({ type, object })}\n`);
  }

  openWatches(): number {
    return this.#open.size;
  }

  async stop(): Promise<void> {
    for (const res of this.#open) res.destroy();
    this.#server.closeAllConnections();
    await new Promise((r) => this.#server.close(r));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url!, 'http://x');
    const watching = url.searchParams.get('watch') === 'true';
    this.requests.push(watching ? `watch rv=${url.searchParams.get('resourceVersion')}` : 'list');
    const replies = watching ? this.watches : this.lists;
    const i = watching ? this.#watchCount++ : this.#listCount++;
    const reply = replies[Math.min(i, replies.length - 1)]!;
    if (reply === 'watch') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      this.#open.add(res);
      res.on('close', () => this.#open.delete(res));
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  }
}

function recorder() {
  const lines: Array<{ level: string; msg: string | undefined; obj: object }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, msg, obj });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, logger };
}

async function until(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const servers: FakeApiServer[] = [];
const informers: Array<ResilientInformer<k8s.KubernetesObject>> = [];
afterEach(async () => {
  await Promise.all(informers.splice(0).map((i) => i.stop()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setup(opts: { clock?: FakeClock; unhealthyAfterMs?: number; transform?: (o: k8s.KubernetesObject) => void } = {}) {
  const api = new FakeApiServer();
  await api.start();
  servers.push(api);
  const kc = api.kubeConfig();
  const { lines, logger } = recorder();
  const informer = new ResilientInformer<k8s.KubernetesObject>({
    kubeConfig: kc,
    ...customResourceCollection(kc, { group: GROUP, version: VERSION, plural: PLURAL, listTimeoutMs: 2_000 }),
    logger,
    backoffBaseMs: 10,
    backoffMaxMs: 40,
    rand: () => 0.5,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.unhealthyAfterMs ? { unhealthyAfterMs: opts.unhealthyAfterMs } : {}),
    ...(opts.transform ? { transform: opts.transform } : {}),
  });
  informers.push(informer);
  return { api, informer, lines };
}

const storageInitializing = { status: 429, body: { kind: 'Status', reason: 'TooManyRequests', message: 'storage is (re)initializing', code: 429 } };

describe('ResilientInformer', () => {
  it('retries a 429 "storage is (re)initializing" first list; start() resolves once the list is cached', async () => {
    const { api, informer, lines } = await setup();
    api.lists = [storageInitializing, storageInitializing, { status: 200, body: { items: [obj('a', '5')], metadata: { resourceVersion: '5' } } }];
    const added: string[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    await informer.start();
    expect(informer.hasSynced()).toBe(true);
    expect(informer.get('a', 'ns')?.metadata?.resourceVersion).toBe('5');
    expect(added).toEqual(['a']);
    await until('the watch', () => api.openWatches() === 1);
    expect(api.requests).toEqual(['list', 'list', 'list', 'watch rv=5']);
    expect(lines.find((l) => l.level === 'warn')?.obj).toMatchObject({ error: 'HTTP 429 TooManyRequests: storage is (re)initializing' });
  });

  it('transform trims objects in place, in the cache too, before handlers see them', async () => {
    const { api, informer } = await setup({ transform: (o) => void delete o.metadata!.managedFields });
    const bulky = { ...obj('a', '5'), metadata: { ...obj('a', '5').metadata, managedFields: [{ manager: 'kubectl', operation: 'Apply' }] } };
    api.lists = [{ status: 200, body: { items: [bulky], metadata: { resourceVersion: '5' } } }];
    const seen: unknown[] = [];
    informer.on('add', (o) => seen.push(o.metadata!.managedFields));
    await informer.start();
    expect(seen).toEqual([undefined]);
    expect(informer.get('a', 'ns')!.metadata!.managedFields).toBeUndefined();
    expect(informer.get('a', 'ns')!.metadata!.resourceVersion).toBe('5');
  });

  it('a throwing handler is isolated: other handlers and later events still run', async () => {
    const { api, informer, lines } = await setup();
    const seen: string[] = [];
    informer.on('add', () => {
      throw new Error('boom');
    });
    informer.on('add', (o) => seen.push(`add ${o.metadata!.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata!.name}`));
    await informer.start();
    await until('the watch', () => api.openWatches() === 1);
    api.send('ADDED', obj('a', '2'));
    api.send('MODIFIED', obj('a', '3'));
    await until('both events', () => seen.length === 2);
    expect(seen).toEqual(['add a', 'update a']);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(informer.isHealthy()).toBe(true);
  });

  it('a failed watch restarts from the last resourceVersion without relisting', async () => {
    const { api, informer } = await setup();
    api.lists = [{ status: 200, body: { items: [obj('a', '7')], metadata: { resourceVersion: '7' } } }];
    api.watches = [{ status: 500, body: { message: 'etcd hiccup' } }, 'watch'];
    await informer.start();
    await until('the second watch', () => api.openWatches() === 1 && informer.status().failures === 0);
    expect(api.requests).toEqual(['list', 'watch rv=7', 'watch rv=7']);
    expect(informer.status()).toMatchObject({ failures: 0, restarts: 1, healthy: true });
    expect(informer.list().map((o) => o.metadata!.name)).toEqual(['a']);
  });

  it('410 Gone relists and emits what was missed, deletions included', async () => {
    const { api, informer } = await setup();
    api.lists = [
      { status: 200, body: { items: [obj('keep', '3'), obj('gone', '4'), obj('changed', '5')], metadata: { resourceVersion: '5' } } },
      { status: 200, body: { items: [obj('keep', '3'), obj('changed', '8'), obj('new', '9')], metadata: { resourceVersion: '9' } } },
    ];
    const seen: string[] = [];
    for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, (o) => seen.push(`${verb} ${o.metadata!.name}`));
    await informer.start();
    await until('the watch', () => api.openWatches() === 1);
    seen.length = 0;
    api.send('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 5 (8)' });
    api.endWatches();
    await until('the relist and a new watch', () => api.requests.filter((r) => r === 'list').length === 2 && api.openWatches() === 1);
    expect(seen).toEqual(['delete gone', 'update changed', 'add new']);
    expect(api.requests.at(-1)).toBe('watch rv=9');
    expect(informer.list().map((o) => o.metadata!.name).sort()).toEqual(['changed', 'keep', 'new']);
    expect(informer.status().restarts).toBe(0); // handled by client-node, no error path
  });

  it('turns unhealthy after failing for unhealthyAfterMs, and healthy again once the watch is back', async () => {
    const clock = new FakeClock();
    const { api, informer } = await setup({ clock, unhealthyAfterMs: 60_000 });
    api.lists = [{ status: 503, body: {} }];
    void informer.start().catch(() => {});
    await until('a scheduled restart', () => clock.pendingTimers() === 1);
    clock.advance(30_000); // fires the restart: it fails again
    await until('the next restart', () => api.requests.length === 2 && clock.pendingTimers() === 1);
    expect(informer.isHealthy()).toBe(true); // failing for 30 s only
    clock.advance(30_000);
    await until('the third attempt', () => api.requests.length === 3 && clock.pendingTimers() === 1);
    expect(informer.isHealthy()).toBe(false);
    expect(informer.hasSynced()).toBe(false);
    api.lists = [{ status: 200, body: { items: [], metadata: { resourceVersion: '9' } } }];
    clock.advance(60_000);
    await until('the watch', () => api.openWatches() === 1 && informer.status().failures === 0);
    expect(informer.hasSynced()).toBe(true);
    expect(informer.isHealthy()).toBe(true);
    expect(informer.status().failures).toBe(0);
  });

  it('stop() is final: no restart is left scheduled and a pending start() rejects', async () => {
    const clock = new FakeClock();
    const { api, informer } = await setup({ clock });
    api.lists = [{ status: 500, body: {} }];
    const started = informer.start();
    await until('a scheduled restart', () => clock.pendingTimers() === 1);
    await informer.stop();
    await expect(started).rejects.toThrow(/stopped before it synced/);
    expect(clock.pendingTimers()).toBe(0);
    const requests = api.requests.length;
    clock.advance(10 * 60_000);
    expect(api.requests.length).toBe(requests);
  });

  it('stop() while watching ends the watch and is not taken for a failure', async () => {
    const clock = new FakeClock();
    const { api, informer, lines } = await setup({ clock });
    await informer.start();
    await until('the watch', () => api.openWatches() === 1);
    await informer.stop();
    await until('the watch to close', () => api.openWatches() === 0);
    expect(clock.pendingTimers()).toBe(0);
    expect(lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });
});
