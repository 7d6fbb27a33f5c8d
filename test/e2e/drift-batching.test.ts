// Drift checks batched per domain, measured: 40 resources at rest in one domain with a 3 s poll
// interval cost at most one AWS read per interval (one ListIntegrations page serves them all),
// not one GetIntegration per resource, and zero writes to AWS or to the API server.
import { beforeAll, describe, expect, it } from 'vitest';
import { hashOffset } from '../../src/controller/poll.ts';
import { condition } from './harness/resources.ts';
import { controllerStack } from './harness/stack.ts';
import { waitFor } from './support/index.ts';
import { WRITE_OPERATIONS as WRITES } from '../support/aws.ts';

const N = 40;
const INTERVAL_MS = 3_000;
const INTERVALS = 4;
const DOMAIN = 'batched';
const uri = (i: number) => `arn:aws:connect:us-east-1:123456789012:instance/33333333-2222-3333-4444-${String(i).padStart(12, '0')}`;

describe('drift checks at rest: one paged ListIntegrations per domain and interval', () => {
  const stack = controllerStack('batch', {
    domains: [DOMAIN],
    controllerArgs: ['--poll-interval', `${INTERVAL_MS / 1000}s`],
    async beforeController(s) {
      // Integrations that already exist and match their resources: adoption costs reads only.
      for (let i = 0; i < N; i++) await s.emulator.admin.putIntegrationOutOfBand(DOMAIN, uri(i), { ObjectTypeName: 'CTR' });
    },
  });

  beforeAll(async () => {
    // Adopted on request (the annotation), as `cpi import` writes them.
    for (let i = 0; i < N; i++) await stack.res.create(`r${i}`, { domainName: DOMAIN, uri: uri(i), objectTypeName: 'CTR' }, { 'customerprofiles.gitops.dev/adopt': 'true' });
    await waitFor(
      async () => {
        const all = await stack.res.list();
        return all.length === N && all.every((o) => condition(o, 'Ready')?.status === 'True' && o.status?.observedGeneration === o.metadata.generation);
      },
      { what: `${N} resources Ready`, timeoutMs: 60_000, intervalMs: 500 },
    );
  }, 120_000); // N adoptions at the read quota (5 TPS) take about N / 5 seconds

  it(`${N} resources cost at most one read per ${INTERVAL_MS / 1000} s interval, and no writes`, async () => {
    // Polls of a domain fall on a shared grid (src/controller/poll.ts). Measure from half an
    // interval after a grid point, so the window holds exactly INTERVALS grid points.
    const offset = hashOffset(DOMAIN, INTERVAL_MS);
    const nextTick = (t: number) => Math.ceil((t - offset) / INTERVAL_MS) * INTERVAL_MS + offset;
    const start = nextTick(Date.now() + INTERVAL_MS) + INTERVAL_MS / 2; // one settling interval first
    const end = start + INTERVALS * INTERVAL_MS;
    await new Promise((r) => setTimeout(r, start - Date.now())); // the measurement window is the thing measured
    const before = (await stack.emulator.admin.requestLog()).lastSeq;
    const versions = Object.fromEntries((await stack.res.list()).map((o) => [o.metadata.name, o.metadata.resourceVersion]));
    await new Promise((r) => setTimeout(r, end - Date.now()));

    const entries = (await stack.emulator.admin.requests({ since: before })).filter((e) => e.time <= end);
    const count = (op: string) => entries.filter((e) => e.operation === op).length;
    const reads = count('GetIntegration') + count('ListIntegrations');
    console.log(`[drift-batching] ${N} resources, ${INTERVALS} intervals of ${INTERVAL_MS} ms: ${count('ListIntegrations')} ListIntegrations + ${count('GetIntegration')} GetIntegration = ${(reads / INTERVALS).toFixed(2)} reads per interval (unbatched: ${N})`);

    expect(count('GetIntegration')).toBe(0);
    expect(count('ListIntegrations')).toBeGreaterThanOrEqual(1); // it did check for drift
    expect(reads / INTERVALS).toBeLessThanOrEqual(1); // 40 < 100: one page per domain
    expect(entries.filter((e) => WRITES.has(e.operation))).toEqual([]);
    expect(Object.fromEntries((await stack.res.list()).map((o) => [o.metadata.name, o.metadata.resourceVersion]))).toEqual(versions);
  });
});
