// Liveness reflects a dead watch (issue 7 §2): while the API server is down, /healthz turns 500
// once the watch has failed for --watch-unhealthy-after, and recovers when the watch does.
import { describe, expect, it } from 'vitest';
import { controllerStack } from './harness/stack.ts';
import { waitFor } from './support/index.ts';

describe('liveness and a dead watch', () => {
  // A control plane of its own: the test stops its API server.
  const stack = controllerStack('live', { privateCluster: true, controllerArgs: ['--watch-unhealthy-after', '3s'] });

  const status = async (path: string) => (await fetch(`${stack.controller.healthUrl}${path}`)).status;

  it('fails /healthz while the watch is dead and passes again once it is back, with nothing missed', async () => {
    await waitFor(async () => (await status('/healthz')) === 200 && (await status('/readyz')) === 200, { what: 'healthy and ready', timeoutMs: 20_000 });
    await stack.cluster!.cp.stopApiServer();
    const down = Date.now();
    await waitFor(async () => (await status('/healthz')) === 500, { what: '/healthz 500 with the API server down', timeoutMs: 30_000, intervalMs: 250 });
    expect(Date.now() - down).toBeGreaterThanOrEqual(3_000 - 500);
    const body = await (await fetch(`${stack.controller.healthUrl}/healthz`)).text();
    expect(body).toMatch(/watch/);
    await stack.cluster!.cp.startApiServer();
    await waitFor(async () => (await status('/healthz')) === 200, { what: '/healthz 200 once the API server is back', timeoutMs: 60_000, intervalMs: 250 });
    // The watch really works again: a new resource converges.
    await stack.res.create('after-outage', { domainName: 'retail', uri: 'arn:aws:connect:us-east-1:123456789012:instance/30000000-0000-0000-0000-000000000001', objectTypeName: 'CTR' });
    await stack.res.waitReady('after-outage', 60_000);
  });
});
