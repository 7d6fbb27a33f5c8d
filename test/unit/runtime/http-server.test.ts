import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/runtime/metrics.ts';
import {
  metricsRoute,
  parseListenAddress,
  probeRoutes,
  startHttpServer,
  type RunningHttpServer,
} from '../../../src/runtime/http-server.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  type: string;
  help: string;
  samples: Sample[];
}

// A strict reader of the Prometheus text exposition format (version 0.0.4): every line must be a
// HELP, a TYPE, a sample of a family declared above it, or empty (the format ignores those);
// anything else fails the test.
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const familyOf = (sample: string): Family | undefined => {
    for (const suffix of ['', '_bucket', '_sum', '_count', '_total']) {
      if (suffix && !sample.endsWith(suffix)) continue;
      const f = families.get(sample.slice(0, sample.length - suffix.length));
      if (f) return f;
    }
    return undefined;
  };
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      families.set(m[1]!, { type: '', help: m[2]!, samples: [] });
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) {
      const f = families.get(m[1]!);
      if (!f) throw new Error(`TYPE before HELP: ${line}`);
      f.type = m[2]!;
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) {
      labels[lm[1]!] = lm[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    // Prometheus parses values with Go's ParseFloat, which reads NaN in any case (prom-client writes "Nan").
    if (Number.isNaN(value) && m[3]!.toLowerCase() !== 'nan') throw new Error(`bad value in ${line}`);
    const family = familyOf(m[1]!);
    if (!family) throw new Error(`sample without HELP/TYPE: ${line}`);
    family.samples.push({ name: m[1]!, labels, value });
  }
  return families;
}

const servers: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(routes: Parameters<typeof startHttpServer>[0]['routes']): Promise<string> {
  const server = await startHttpServer({ addr: '127.0.0.1:0', routes });
  if (!server) throw new Error('server disabled');
  servers.push(server);
  expect(server.port).toBeGreaterThan(0);
  return `http://127.0.0.1:${server.port}`;
}

describe('parseListenAddress', () => {
  it('reads Go-style addresses and "0" as disabled', () => {
    expect(parseListenAddress(':8080')).toEqual({ host: undefined, port: 8080 });
    expect(parseListenAddress('127.0.0.1:9090')).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(parseListenAddress('[::1]:8081')).toEqual({ host: '::1', port: 8081 });
    expect(parseListenAddress('0')).toBeUndefined();
  });

  it('rejects an address without a port, naming the fix', () => {
    expect(() => parseListenAddress('8080')).toThrow(/":8080"/);
    expect(() => parseListenAddress('localhost:99999')).toThrow(/not valid/);
  });
});

describe('startHttpServer', () => {
  it('is disabled by "0"', async () => {
    expect(await startHttpServer({ addr: '0', routes: {} })).toBeUndefined();
  });

  it('serves /metrics in the Prometheus text format with every cpi metric', async () => {
    const metrics = new Metrics({ version: '1.2.3' });
    metrics.observeReconcile('success', 0.12);
    metrics.observeAwsCall('PutIntegration', 'Throttled', 0.3);
    metrics.setResourceConditions({ Ready: { True: 3 } });
    metrics.setLeader(true);
    const base = await serve(metricsRoute(metrics.registry));

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parseExposition(await res.text());

    const expected: Record<string, string> = {
      cpi_reconcile_total: 'counter',
      cpi_reconcile_errors_total: 'counter',
      cpi_reconcile_duration_seconds: 'histogram',
      cpi_workqueue_depth: 'gauge',
      cpi_workqueue_adds_total: 'counter',
      cpi_workqueue_queue_duration_seconds: 'histogram',
      cpi_workqueue_work_duration_seconds: 'histogram',
      cpi_workqueue_retries_total: 'counter',
      cpi_aws_requests_total: 'counter',
      cpi_aws_request_duration_seconds: 'histogram',
      cpi_aws_throttles_total: 'counter',
      cpi_resources: 'gauge',
      cpi_leader: 'gauge',
      cpi_informer_synced: 'gauge',
      cpi_informer_restarts_total: 'counter',
      cpi_build_info: 'gauge',
      cpi_process_resident_memory_bytes: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(families.get(name)?.type, name).toBe(type);
    }
    // Conventions: one prefix; counters end in _total.
    for (const [name, f] of families) {
      expect(name.startsWith('cpi_'), name).toBe(true);
      if (f.type === 'counter') expect(name.endsWith('_total'), name).toBe(true);
    }

    const sample = (family: string, name: string, labels: Record<string, string>) =>
      families.get(family)?.samples.find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value;
    expect(sample('cpi_reconcile_total', 'cpi_reconcile_total', { result: 'success' })).toBe(1);
    expect(sample('cpi_reconcile_total', 'cpi_reconcile_total', { result: 'requeue' })).toBe(0);
    expect(sample('cpi_reconcile_duration_seconds', 'cpi_reconcile_duration_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(sample('cpi_reconcile_duration_seconds', 'cpi_reconcile_duration_seconds_bucket', { le: '0.25' })).toBe(1);
    expect(sample('cpi_reconcile_duration_seconds', 'cpi_reconcile_duration_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(sample('cpi_aws_throttles_total', 'cpi_aws_throttles_total', { operation: 'PutIntegration' })).toBe(1);
    expect(sample('cpi_resources', 'cpi_resources', { condition: 'Ready', status: 'True' })).toBe(3);
    expect(sample('cpi_leader', 'cpi_leader', {})).toBe(1);
    expect(sample('cpi_build_info', 'cpi_build_info', { version: '1.2.3' })).toBe(1);
  });

  it('answers probes with 200 "ok" or 500 and the reason, and follows the checks as they change', async () => {
    let synced = false;
    const base = await serve(
      probeRoutes({
        live: () => ({ ok: true }),
        ready: async () => (synced ? { ok: true } : { ok: false, reason: 'informer has not synced' }),
      }),
    );
    const live = await fetch(`${base}/healthz`);
    expect([live.status, await live.text()]).toEqual([200, 'ok\n']);
    const notReady = await fetch(`${base}/readyz`);
    expect([notReady.status, await notReady.text()]).toEqual([500, 'informer has not synced\n']);
    synced = true;
    const ready = await fetch(`${base}/readyz?verbose`);
    expect([ready.status, await ready.text()]).toEqual([200, 'ok\n']);
  });

  it('turns a throwing check into a 500 with its message, and keeps serving', async () => {
    const base = await serve(
      probeRoutes({
        live: () => {
          throw new Error('watch died');
        },
        ready: () => ({ ok: true }),
      }),
    );
    const res = await fetch(`${base}/healthz`);
    expect([res.status, await res.text()]).toEqual([500, 'watch died\n']);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('answers 404 for unknown paths and 405 for writes', async () => {
    const base = await serve(probeRoutes({ live: () => ({ ok: true }), ready: () => ({ ok: true }) }));
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('fails to start on a port that is taken, and closes with open keep-alive connections', async () => {
    const base = await serve(probeRoutes({ live: () => ({ ok: true }), ready: () => ({ ok: true }) }));
    const port = new URL(base).port;
    await expect(startHttpServer({ addr: `127.0.0.1:${port}`, routes: {} })).rejects.toThrow(/EADDRINUSE/);
    await fetch(`${base}/healthz`, { headers: { connection: 'keep-alive' } });
    const started = Date.now();
    await servers.pop()!.close();
    // Without closeAllConnections this waits for the 5 s keep-alive timeout.
    expect(Date.now() - started).toBeLessThan(4000);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
