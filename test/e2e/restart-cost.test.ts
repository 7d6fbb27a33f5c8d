// A restart re-verifies every converged resource at the price of a drift check: one paged
// ListIntegrations per domain, no GetIntegration per resource, and no write to AWS or to the API
// server (issue J). A resource whose status does not answer its spec still gets a fresh look.
import { beforeAll, describe, expect, it } from 'vitest';
import { condition } from './harness/resources.ts';
import { controllerStack } from './harness/stack.ts';
import { waitFor } from './support/index.ts';
import { WRITE_OPERATIONS as WRITES } from '../support/aws.ts';

const PER_DOMAIN = 20;
const DOMAINS = ['restart-a', 'restart-b'];
const N = PER_DOMAIN * DOMAINS.length;
const uri = (i: number) => `arn:aws:connect:us-east-1:123456789012:instance/44444444-2222-3333-4444-${String(i).padStart(12, '0')}`;

describe('a restarted controller with converged resources', () => {
  // The creation is not what is measured: no quotas, an unpaced controller.
  const stack = controllerStack('restart', { domains: DOMAINS, emulatorArgs: ['--no-quotas'], controllerArgs: ['--put-tps', '100', '--read-tps', '100', '--tag-tps', '100'] });

  beforeAll(async () => {
    for (let i = 0; i < N; i++) await stack.res.create(`r${i}`, { domainName: DOMAINS[i % DOMAINS.length]!, uri: uri(i), objectTypeName: 'CTR' });
    await waitFor(
      async () => {
        const all = await stack.res.list();
        return all.length === N && all.every((o) => condition(o, 'Ready')?.status === 'True' && o.status?.observedGeneration === o.metadata.generation);
      },
      { what: `${N} resources Ready`, timeoutMs: 90_000, intervalMs: 500 },
    );
    await stack.controller.stop();
  }, 150_000);

  it('reads one ListIntegrations per domain, no GetIntegration, and writes nothing', async () => {
    const before = (await stack.emulator.admin.requestLog()).lastSeq;
    const versions = Object.fromEntries((await stack.res.list()).map((o) => [o.metadata.name, o.metadata.resourceVersion]));
    const c = await stack.restartController([]); // the defaults, paced as in production
    const reconciled = () => c.output.filter((l) => l.includes('"msg":"reconciled"')).length;
    await waitFor(() => reconciled() >= N, { what: `the restarted controller to re-verify ${N} resources`, timeoutMs: 60_000, intervalMs: 200 });

    const entries = await stack.emulator.admin.requests({ since: before });
    const count = (op: string) => entries.filter((e) => e.operation === op).length;
    expect(count('GetIntegration')).toBe(0);
    expect(count('ListIntegrations')).toBe(DOMAINS.length); // PER_DOMAIN < 100: one page each
    expect(entries.filter((e) => WRITES.has(e.operation))).toEqual([]);
    expect(Object.fromEntries((await stack.res.list()).map((o) => [o.metadata.name, o.metadata.resourceVersion]))).toEqual(versions);
  });

  it('still looks afresh at a resource whose spec changed while it was down', async () => {
    await stack.controller.stop();
    await stack.res.patchSpec('r0', { objectTypeName: 'CTR2' });
    const before = (await stack.emulator.admin.requestLog()).lastSeq;
    await stack.restartController([]);
    await waitFor(
      async () => {
        const o = await stack.res.get('r0');
        return condition(o, 'Ready')?.status === 'True' && o?.status?.observedGeneration === o?.metadata.generation;
      },
      { what: 'r0 Ready at its new generation', timeoutMs: 60_000, intervalMs: 200 },
    );
    const entries = await stack.emulator.admin.requests({ since: before });
    expect(entries.filter((e) => e.operation === 'PutIntegration').map((e) => (e.body as { Uri?: string }).Uri)).toEqual([uri(0)]);
  });
});
