// Liveness reflects a dead watch (issue 7 §2): while the API server is down, /healthz turns 500
// once the watch has failed for --watch-unhealthy-after, and recovers when the watch does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshNamespace, privateControlPlane, waitFor, type PrivateControlPlane } from './support/index.ts';
import { loadKubeConfig } from '../../src/dev/cluster-setup.ts';
import { startController, startEmulator, type EmulatorProcess as Emulator, type CpiProcess as Proc } from '../support/cpi.ts';
import { Resources } from './harness/resources.ts';

describe('liveness and a dead watch', () => {
  let cluster: PrivateControlPlane;
  let emulator: Emulator;
  let controller: Proc;
  let health: string;
  let res: Resources;

  beforeAll(async () => {
    cluster = await privateControlPlane();
    const admin = loadKubeConfig(cluster.adminKubeconfig);
    const ns = await freshNamespace('live', admin);
    res = new Resources(ns, admin);
    emulator = await startEmulator();
    await emulator.admin.createDomain('retail');
    controller = await startController({ kubeconfig: cluster.controllerKubeconfig, emulator, namespace: ns, args: ['--watch-unhealthy-after', '3s'] });
    health = (await controller.waitForOutput(/"health":"(http:\/\/[^"]+)"/))[1]!;
  });
  afterAll(async () => {
    await controller?.stop();
    await emulator?.stop();
    await cluster?.stop();
  });

  const status = async (path: string) => (await fetch(`${health}${path}`)).status;

  it('fails /healthz while the watch is dead and passes again once it is back, with nothing missed', async () => {
    await waitFor(async () => (await status('/healthz')) === 200 && (await status('/readyz')) === 200, { what: 'healthy and ready', timeoutMs: 20_000 });
    await cluster.cp.stopApiServer();
    const down = Date.now();
    await waitFor(async () => (await status('/healthz')) === 500, { what: '/healthz 500 with the API server down', timeoutMs: 30_000, intervalMs: 250 });
    expect(Date.now() - down).toBeGreaterThanOrEqual(3_000 - 500);
    const body = await (await fetch(`${health}/healthz`)).text();
    expect(body).toMatch(/watch/);
    await cluster.cp.startApiServer();
    await waitFor(async () => (await status('/healthz')) === 200, { what: '/healthz 200 once the API server is back', timeoutMs: 60_000, intervalMs: 250 });
    // The watch really works again: a new resource converges.
    await res.create('after-outage', { domainName: 'retail', uri: 'arn:aws:connect:us-east-1:123456789012:instance/30000000-0000-0000-0000-000000000001', objectTypeName: 'CTR' });
    await res.waitReady('after-outage', 60_000);
  });
});
