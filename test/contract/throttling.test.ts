// AWS's default quotas (token buckets per account + region + operation) through the real SDK.
// Counting tests use a hand-driven clock so they are exact; one test uses real time to show a
// throttled operation recovering at its rate.
import {
  CreateDomainCommand,
  GetIntegrationCommand,
  PutIntegrationCommand,
  TagResourceCommand,
} from '@aws-sdk/client-customer-profiles';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmulatorAdmin } from '../../src/emulator/admin-client.ts';
import { DEFAULT_TPS } from '../../src/emulator/quotas.ts';
import type { RunningEmulator } from '../../src/emulator/server.ts';
import { ACCOUNT, REGION, clients, emulator, failure } from './helpers.ts';

// Vitest 4 inline projects do not inherit the root testTimeout; the 5 s default is tight on a loaded 2-CPU box.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let clock = Date.parse('2026-11-30T00:00:00Z');
let emu: RunningEmulator;
let admin: EmulatorAdmin;
let c: ReturnType<typeof clients>;
const URI = 'arn:aws:s3:::bucket';

/** Sends `n` calls back to back and returns how many were throttled. */
async function throttledOf(n: number, send: () => Promise<unknown>): Promise<number> {
  let throttled = 0;
  for (let i = 0; i < n; i++) {
    try {
      await send();
    } catch (err: any) {
      expect(err.name).toBe('ThrottlingException');
      expect(err.$metadata.httpStatusCode).toBe(429);
      throttled++;
    }
  }
  return throttled;
}

beforeAll(async () => {
  emu = await emulator({ now: () => clock });
  admin = new EmulatorAdmin(emu.url);
  c = clients(emu.url);
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await admin.reset();
  await admin.setQuotas({ enabled: false });
  await c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 }));
  await c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'T' }));
  await admin.setQuotas({ enabled: true, overrides: {} });
  clock += 60_000; // buckets restart full
});

describe('default quotas', () => {
  it('are AWS published TPS (docs/design.md#aws-api-facts-the-code-relies-on)', async () => {
    const q = await admin.quotas();
    expect(q.enabled).toBe(true);
    expect(q.effective).toMatchObject({ PutIntegration: 1, DeleteIntegration: 1, GetIntegration: 5, ListIntegrations: 5, ListAccountIntegrations: 100, TagResource: 5 });
    expect(q.effective).toEqual(DEFAULT_TPS);
  });

  it('PutIntegration: 1 per second; the second call in the same second is ThrottlingException 429', async () => {
    const put = () => c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'T' }));
    expect(await throttledOf(3, put)).toBe(2);
    clock += 1000;
    expect(await throttledOf(2, put)).toBe(1);
    clock += 500; // half a token
    expect(await throttledOf(1, put)).toBe(1);
  });

  it('GetIntegration: a burst of 5, then 5 per second', async () => {
    const get = () => c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: URI }));
    expect(await throttledOf(8, get)).toBe(3);
    clock += 400; // 2 tokens
    expect(await throttledOf(3, get)).toBe(1);
  });

  it('tag APIs are throttled at 5 TPS though the model declares no ThrottlingException for them', async () => {
    const arn = `arn:aws:profile:${REGION}:${ACCOUNT}:domains/retail/integrations/${URI}`;
    expect(await throttledOf(6, () => c.cp.send(new TagResourceCommand({ resourceArn: arn, tags: { a: 'b' } })))).toBe(1);
  });

  it('buckets are per operation, per region and per account', async () => {
    const put = (client = c) => client.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'T' }));
    expect(await throttledOf(2, put)).toBe(1);
    // another operation still has its tokens
    expect(await throttledOf(1, () => c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: URI })))).toBe(0);
    // another region: its own domain and its own bucket
    const west = clients(emu.url, { region: 'us-west-2' });
    await admin.createDomain('retail', 'us-west-2');
    expect(await throttledOf(1, () => put(west))).toBe(0);
    // another account (an access key mapped to it)
    const other = await emulator({ now: () => clock, accessKeys: [{ accessKeyId: 'AKIAOTHERACCOUNT', account: '111122223333' }] });
    try {
      const a = clients(other.url);
      const b = clients(other.url, { credentials: { accessKeyId: 'AKIAOTHERACCOUNT', secretAccessKey: 'x' } });
      await new EmulatorAdmin(other.url).createDomain('retail');
      await new EmulatorAdmin(other.url).createDomain('retail', REGION, '111122223333');
      expect(await throttledOf(2, () => put(a))).toBe(1);
      expect(await throttledOf(1, () => put(b))).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('change at run time: a higher quota, an operation at 0 TPS, or quotas off', async () => {
    const put = () => c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'T' }));
    await admin.setQuotas({ overrides: { PutIntegration: 3 } });
    expect(await throttledOf(4, put)).toBe(1);
    await admin.setQuotas({ overrides: { GetIntegration: 0 } });
    expect(await throttledOf(2, () => c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: URI })))).toBe(2);
    await admin.setQuotas({ enabled: false });
    expect(await throttledOf(20, put)).toBe(0);
  });

  it('the throttled calls are in the request log and the counters', async () => {
    const put = () => c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'T' }));
    await admin.clearRequests();
    await throttledOf(3, put);
    const counters = await admin.counters();
    expect(counters.PutIntegration).toEqual({ '200': 1, '429': 2 });
    const log = await admin.requests({ status: 429 });
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ operation: 'PutIntegration', errorType: 'ThrottlingException' });
  });
});

describe('real time', () => {
  it('a throttled PutIntegration succeeds again within about a second', async () => {
    const real = await emulator({});
    try {
      const cl = clients(real.url);
      await new EmulatorAdmin(real.url).createDomain('retail');
      const put = () => cl.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'T' }));
      const t0 = Date.now();
      await put();
      const err = await failure(put());
      expect(err.name).toBe('ThrottlingException');
      let ok = false;
      while (!ok) {
        if (Date.now() - t0 > 5_000) throw new Error('PutIntegration stayed throttled for 5 s at 1 TPS');
        ok = await put().then(
          () => true,
          () => false,
        );
        if (!ok) await new Promise((r) => setTimeout(r, 50));
      }
      // The bucket holds one token at 1 TPS: the next success needs a full second after the first call.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    } finally {
      await real.close();
    }
  });
});
