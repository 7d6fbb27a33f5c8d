// Issue 7: what a platform team checks before trusting the operator: metrics that Prometheus can
// scrape, probes that tell the truth, and a SIGTERM that finishes work instead of dropping it.
import { describe, expect, it } from 'vitest';
import { waitFor } from './support/index.ts';
import { controllerStack } from './harness/stack.ts';

const URI = (n: number) => `arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

/** Parses the Prometheus text exposition format into name{labels} -> value. */
export function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)(\s+\d+)?$/);
    if (!m) throw new Error(`not exposition format: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}

describe('metrics and probes', () => {
  const stack = controllerStack('ops');

  it('is live and ready once the informer synced and AWS credentials resolve', async () => {
    const live = await fetch(`${stack.controller.healthUrl}/healthz`);
    expect(live.status).toBe(200);
    await waitFor(async () => (await fetch(`${stack.controller.healthUrl}/readyz`)).status === 200, { what: '/readyz 200', timeoutMs: 15_000 });
  });

  it('exposes Prometheus metrics with the cpi_ prefix that count reconciles and AWS calls', async () => {
    await stack.res.create('m1', { domainName: 'retail', uri: URI(1), objectTypeName: 'CTR' });
    await stack.res.waitReady('m1');
    const samples = await waitFor(async () => {
      const text = await (await fetch(`${stack.controller.metricsUrl}/metrics`)).text();
      const s = parseExposition(text);
      return (s.get('cpi_aws_requests_total{operation="PutIntegration",outcome="ok"}') ?? 0) >= 1 ? s : undefined;
    }, { what: 'a PutIntegration counted in /metrics', timeoutMs: 15_000 });
    // A converged reconcile that schedules its next drift check is a success (issue 19).
    expect(samples.get('cpi_reconcile_total{result="success"}')).toBeGreaterThanOrEqual(1);
    expect(samples.get('cpi_reconcile_total{result="requeue_after"}')).toBe(0);
    expect(samples.get('cpi_reconcile_total{result="error"}')).toBe(0);
    expect([...samples.keys()].some((k) => k.startsWith('cpi_reconcile_duration_seconds_bucket'))).toBe(true);
    expect([...samples.keys()].some((k) => k.startsWith('cpi_aws_request_duration_seconds_bucket{'))).toBe(true);
    expect(samples.has('cpi_workqueue_depth')).toBe(true);
    expect(samples.get('cpi_informer_synced')).toBe(1);
    expect([...samples.keys()].some((k) => k.startsWith('cpi_process_resident_memory_bytes'))).toBe(true);
    // No label may carry a resource name: cardinality must not grow with the cluster.
    expect([...samples.keys()].some((k) => k.includes('m1'))).toBe(false);
  });
});

describe('readiness without AWS credentials', () => {
  const stack = controllerStack('ops-cred', {
    domains: [],
    emulatorArgs: ['--require-auth'],
    controllerOptions: { env: { AWS_ACCESS_KEY_ID: 'AKIDUNKNOWN000000000', AWS_SECRET_ACCESS_KEY: 'nope' } },
  });

  it('reports not ready with the reason when credentials do not resolve', async () => {
    const health = stack.controller.healthUrl;
    const body = await waitFor(async () => {
      const r = await fetch(`${health}/readyz`);
      const text = await r.text();
      return r.status === 500 && /credentials/.test(text) ? text : undefined;
    }, { what: '/readyz 500 naming the credentials', timeoutMs: 30_000 });
    expect(body).toMatch(/AWS credentials do not resolve/);
    expect((await fetch(`${health}/healthz`)).status).toBe(200);
    expect(await stack.controller.stop('SIGTERM', 10_000)).toBe(0);
  });
});

describe('graceful shutdown', () => {
  const stack = controllerStack('ops-term', {
    async beforeController(s) {
      // Slow AWS down so SIGTERM arrives while PutIntegration is in flight.
      await s.emulator.admin.setFaults({ latencyMs: { PutIntegration: 2_000 } });
    },
  });

  it('finishes the in-flight reconcile on SIGTERM, writes its status and exits 0', async () => {
    const { res, emulator, controller } = stack;
    await res.create('slow', { domainName: 'retail', uri: URI(2), objectTypeName: 'CTR' });
    await waitFor(async () => (await emulator.admin.requests()).length > 0 && (await res.get('slow'))?.status?.conditions?.some((c) => c.type === 'Reconciling'), { what: 'the reconcile to be in flight', timeoutMs: 15_000 });
    const code = await controller.stop('SIGTERM');
    expect(code).toBe(0);
    const obj = await res.get('slow');
    expect(obj?.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(controller.output.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
