// Requests per second the emulator sustains with quotas off, on loopback.
//
//   npm run bench:emulator [-- --requests 20000 --concurrency 16]
//
// The emulator runs as its own process (`cpi emulator --no-quotas --port 0`), as users run it,
// so the load generator does not share its event loop. Two scenarios:
//   raw: keep-alive HTTP with SigV4-shaped headers (the emulator's cost, minus the SDK's);
//   sdk: the real @aws-sdk/client-customer-profiles (signing and parsing included).
// Prints a table and writes bench/results/emulator.json. Numbers, never assertions.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CustomerProfilesClient,
  GetIntegrationCommand,
  ListIntegrationsCommand,
  PutIntegrationCommand,
} from '@aws-sdk/client-customer-profiles';
import { EmulatorAdmin } from '../src/emulator/admin-client.ts';
import { startEmulator } from '../test/support/cpi.ts';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '16' } },
});
const TOTAL = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const RESULTS = fileURLToPath(new URL('./results/emulator.json', import.meta.url));

interface OpStats {
  count: number;
  errors: number;
  latencies: number[];
}

/** The operation mix of a controller at work: mostly reads, some writes. */
const MIX = ['GetIntegration', 'GetIntegration', 'ListIntegrations', 'PutIntegration'] as const;
type Op = (typeof MIX)[number];
const URIS = Array.from({ length: 40 }, (_, i) => `arn:aws:connect:us-east-1:123456789012:instance/bench-${i}`);

const authorization =
  'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261130/us-east-1/profile/aws4_request, SignedHeaders=host;x-amz-date, Signature=' +
  '0'.repeat(64);

function rawCall(agent: Agent, base: URL, op: Op, i: number): Promise<number> {
  const uri = URIS[i % URIS.length]!;
  const spec: Record<Op, { method: string; path: string; body?: string }> = {
    GetIntegration: { method: 'POST', path: '/domains/bench/integrations', body: JSON.stringify({ Uri: uri }) },
    ListIntegrations: { method: 'GET', path: '/domains/bench/integrations?max-results=100' },
    PutIntegration: { method: 'PUT', path: '/domains/bench/integrations', body: JSON.stringify({ Uri: uri, ObjectTypeName: 'CTR', Scope: 'PROFILE' }) },
  };
  const s = spec[op];
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: s.method,
        path: s.path,
        headers: {
          authorization,
          'x-amz-date': '20261130T000000Z',
          ...(s.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s.body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(s.body);
  });
}

function sdkCall(client: CustomerProfilesClient, op: Op, i: number): Promise<number> {
  const Uri = URIS[i % URIS.length]!;
  const send =
    op === 'GetIntegration'
      ? client.send(new GetIntegrationCommand({ DomainName: 'bench', Uri }))
      : op === 'ListIntegrations'
        ? client.send(new ListIntegrationsCommand({ DomainName: 'bench', MaxResults: 100 }))
        : client.send(new PutIntegrationCommand({ DomainName: 'bench', Uri, ObjectTypeName: 'CTR', Scope: 'PROFILE' }));
  return send.then(
    (r) => r.$metadata.httpStatusCode ?? 0,
    (e) => e.$metadata?.httpStatusCode ?? 0,
  );
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return Number.NaN;
  }
}

async function drive(emulatorPid: number, call: (op: Op, i: number) => Promise<number>) {
  const stats = new Map<Op, OpStats>();
  let next = 0;
  const cpu0 = process.cpuUsage();
  const emuCpu0 = processCpuSeconds(emulatorPid);
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < TOTAL; i = next++) {
      const op = MIX[i % MIX.length]!;
      const s = stats.get(op) ?? { count: 0, errors: 0, latencies: [] };
      stats.set(op, s);
      const start = performance.now();
      const status = await call(op, i);
      s.latencies.push(performance.now() - start);
      s.count++;
      if (status !== 200) s.errors++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    seconds,
    stats,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    emulatorCpuSeconds: processCpuSeconds(emulatorPid) - emuCpu0,
  };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function summarize(name: string, r: Awaited<ReturnType<typeof drive>>) {
  const all = [...r.stats.values()].flatMap((s) => s.latencies).sort((a, b) => a - b);
  const ops = Object.fromEntries(
    [...r.stats.entries()].map(([op, s]) => {
      const l = s.latencies.sort((a, b) => a - b);
      return [op, { requests: s.count, errors: s.errors, p50Ms: +pct(l, 50).toFixed(2), p99Ms: +pct(l, 99).toFixed(2) }];
    }),
  );
  const errors = [...r.stats.values()].reduce((a, s) => a + s.errors, 0);
  return {
    scenario: name,
    requests: all.length,
    errors,
    seconds: +r.seconds.toFixed(2),
    requestsPerSecond: Math.round(all.length / r.seconds),
    p50Ms: +pct(all, 50).toFixed(2),
    p99Ms: +pct(all, 99).toFixed(2),
    /** Emulator CPU per request: the ceiling is 1000 / this, per core, with an idle client. */
    emulatorCpuMsPerRequest: +((r.emulatorCpuSeconds * 1000) / all.length).toFixed(3),
    clientCpuMsPerRequest: +((r.clientCpuSeconds * 1000) / all.length).toFixed(3),
    operations: ops,
  };
}

const emu = await startEmulator(['--no-quotas']);
try {
  const admin = new EmulatorAdmin(emu.url);
  await admin.createDomain('bench');
  const base = new URL(emu.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  // Every Uri exists before the run, so reads find what they look for (errors are not the point).
  for (let i = 0; i < URIS.length; i++) await rawCall(agent, base, 'PutIntegration', i);
  // warm up both paths (JIT, sockets)
  for (let i = 0; i < 200; i++) await rawCall(agent, base, MIX[i % MIX.length]!, i);
  const client = new CustomerProfilesClient({
    region: 'us-east-1',
    endpoint: emu.url,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  });
  for (let i = 0; i < 200; i++) await sdkCall(client, MIX[i % MIX.length]!, i);

  await admin.clearRequests();
  const raw = summarize('raw', await drive(emu.pid, (op, i) => rawCall(agent, base, op, i)));
  const sdk = summarize('sdk', await drive(emu.pid, (op, i) => sdkCall(client, op, i)));
  const counters = await admin.counters();
  agent.destroy();
  client.destroy();

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    requestsPerScenario: TOTAL,
    concurrency: CONCURRENCY,
    mix: MIX,
    quotas: 'off',
    scenarios: [raw, sdk],
    loadAverage: loadavg(),
    emulatorCounters: counters,
  };
  const rows = [raw, sdk].map((s) =>
    [
      s.scenario.padEnd(8),
      String(s.requests).padStart(8),
      String(s.errors).padStart(7),
      s.seconds.toFixed(2).padStart(8),
      String(s.requestsPerSecond).padStart(9),
      s.p50Ms.toFixed(2).padStart(8),
      s.p99Ms.toFixed(2).padStart(8),
      s.emulatorCpuMsPerRequest.toFixed(3).padStart(12),
      s.clientCpuMsPerRequest.toFixed(3).padStart(12),
    ].join(' '),
  );
  console.log(`emulator throughput, quotas off, ${CONCURRENCY} concurrent, loopback, mix ${MIX.join('/')} (${result.cpus} CPUs, node ${process.version})`);
  console.log(['scenario', 'requests', ' errors', '       s', '      rps', '  p50 ms', '  p99 ms', 'emu cpu ms/r', 'cli cpu ms/r'].join(' '));
  for (const r of rows) console.log(r);
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${RESULTS}`);
} finally {
  await emu.stop();
}
