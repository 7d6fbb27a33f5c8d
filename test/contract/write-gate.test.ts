// The leader gate of AWS writes runs once more after the SDK has resolved credentials and signed
// the request: an STS AssumeRole inside send() can take long enough for leadership to move, and a
// write gated only before it would then go out from a replica that is no longer the leader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsGateway } from '../../src/aws/gateway.ts';
import { Pacer } from '../../src/aws/pacer.ts';
import { AwsFailure } from '../../src/aws/errors.ts';
import { EmulatorAdmin, emulatorClientEnv } from '../../src/emulator/admin-client.ts';
import type { RunningEmulator } from '../../src/emulator/server.ts';
import { emulator } from './helpers.ts';

const ROLE = 'arn:aws:iam::210987654321:role/cpi';
const request = (uri: string) => ({ DomainName: 'retail', Uri: uri, ObjectTypeName: 'CTR' });

describe('gateway: the write gate after credential resolution', () => {
  let emu: RunningEmulator;
  let admin: EmulatorAdmin;
  const saved = { ...process.env };
  beforeAll(async () => {
    emu = await emulator();
    admin = new EmulatorAdmin(emu.url);
    await admin.createDomain('retail', 'us-east-1', '210987654321');
    Object.assign(process.env, emulatorClientEnv(emu.url, 'AKIDGATE', 'gate-secret'));
  });
  afterAll(async () => {
    process.env = saved;
    await emu.close();
  });

  it('refuses a write when leadership is lost while the role is assumed, and sends nothing', async () => {
    let checks = 0;
    // Leader at the first check (before send), not any more after AssumeRole and signing.
    const gateway = new AwsGateway({ pacer: new Pacer(), writeGate: () => { if (++checks > 1) throw new Error('lost the lease'); } });
    const mark = (await admin.requestLog({ limit: 1 })).lastSeq;
    const err = await gateway.putIntegration({ region: 'us-east-1', roleArn: ROLE }, request('arn:aws:connect:us-east-1:210987654321:instance/gate-1'), 'high').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsFailure);
    expect((err as AwsFailure).kind).toBe('NotLeader');
    const ops = (await admin.requests({ since: mark })).map((r) => r.operation);
    expect(ops).toContain('AssumeRole'); // credentials were resolved inside send(), after the first check
    expect(ops).not.toContain('PutIntegration');
    expect(checks).toBe(2);
    gateway.destroy();
  });

  it('sends the write when the replica stays leader (both checks pass), and never gates reads', async () => {
    let checks = 0;
    const gateway = new AwsGateway({ pacer: new Pacer(), writeGate: () => void checks++ });
    const mark = (await admin.requestLog({ limit: 1 })).lastSeq;
    await gateway.putIntegration({ region: 'us-east-1', roleArn: ROLE }, request('arn:aws:connect:us-east-1:210987654321:instance/gate-2'), 'high');
    expect(checks).toBe(2);
    await gateway.listIntegrations({ region: 'us-east-1', roleArn: ROLE }, 'retail', 'low');
    expect(checks).toBe(2);
    const ops = (await admin.requests({ since: mark })).map((r) => r.operation);
    expect(ops.filter((o) => o === 'PutIntegration')).toHaveLength(1);
    gateway.destroy();
  });
});
