// DomainSnapshots: one ListIntegrations serves the drift checks of a domain, shared while fresh,
// never across a write, never after a failure, and never older than the caller's previous look.
import { describe, expect, it } from 'vitest';
import type { IntegrationGateway, ObservedIntegration } from '../../../src/aws/types.ts';
import { DomainSnapshots } from '../../../src/reconcile/snapshots.ts';

const target = { region: 'us-east-1' };
const item = (uri: string): ObservedIntegration => ({ domainName: 'retail', uri, createdAt: new Date(0), lastUpdatedAt: new Date(0) });

function fakeGateway(opts: { fail?: number } = {}) {
  let calls = 0;
  let failures = opts.fail ?? 0;
  const gateway = {
    listIntegrations: async () => {
      calls++;
      if (failures-- > 0) throw new Error('boom');
      return [item(`u${calls}`)];
    },
  } as unknown as IntegrationGateway;
  return { gateway, calls: () => calls };
}

describe('DomainSnapshots', () => {
  it('shares one list among callers while the snapshot is fresh', async () => {
    let now = 1000;
    const g = fakeGateway();
    const s = new DomainSnapshots(g.gateway, 500, () => now);
    const [a, b] = await Promise.all([s.integrations(target, 'retail', 'low'), s.integrations(target, 'retail', 'low')]);
    expect(a).toBe(b);
    now += 500;
    await s.integrations(target, 'retail', 'low');
    expect(g.calls()).toBe(1);
    now += 1;
    await s.integrations(target, 'retail', 'low');
    expect(g.calls()).toBe(2);
  });

  it('takes a new snapshot for a caller whose previous look is not older than the snapshot', async () => {
    let now = 1000;
    const g = fakeGateway();
    const s = new DomainSnapshots(g.gateway, 30_000, () => now);
    await s.integrations(target, 'retail', 'low', 999); // taken at 1000, after 999: ok
    expect(g.calls()).toBe(1);
    now = 2000;
    await s.integrations(target, 'retail', 'low', 999); // still after this caller's last look
    expect(g.calls()).toBe(1);
    const fresh = await s.integrations(target, 'retail', 'low', 1000); // looked at 1000: needs newer
    expect(g.calls()).toBe(2);
    expect([...fresh.keys()]).toEqual(['u2']);
  });

  it('drops a snapshot on invalidate (a write to the domain) and after a failure', async () => {
    const g = fakeGateway({ fail: 1 });
    const s = new DomainSnapshots(g.gateway, 30_000, () => 1000);
    await expect(s.integrations(target, 'retail', 'low')).rejects.toThrow('boom');
    await s.integrations(target, 'retail', 'low');
    expect(g.calls()).toBe(2);
    s.invalidate(target, 'retail');
    await s.integrations(target, 'retail', 'low');
    expect(g.calls()).toBe(3);
  });

  it('keeps domains and credentials apart', async () => {
    const g = fakeGateway();
    const s = new DomainSnapshots(g.gateway, 30_000, () => 1000);
    await s.integrations(target, 'retail', 'low');
    await s.integrations(target, 'other', 'low');
    await s.integrations({ region: 'us-east-1', roleArn: 'arn:aws:iam::1:role/x' }, 'retail', 'low');
    expect(g.calls()).toBe(3);
  });
});
