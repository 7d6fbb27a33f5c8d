// The controller as a real process, under the ServiceAccount of deploy/, against the real API
// server and the emulator as AWS. Each case asserts on status and on the emulator's request log.
import { describe, expect, it } from 'vitest';
import { controllerStack } from './harness/stack.ts';
import { condition } from './harness/resources.ts';
import { WRITE_OPERATIONS as writes } from '../support/aws.ts';

const CONNECT_URI = 'arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('controller: create, update, rest, tags, delete', () => {
  const stack = controllerStack('ctl-basic', { controllerArgs: ['--poll-interval', '2s'] });

  const opsSince = async (seq: number) => (await stack.emulator.admin.requests({ since: seq })).map((r) => r.operation);
  const lastSeq = async () => (await stack.emulator.admin.requestLog()).lastSeq;

  it('creates the integration and reports Ready with uri, timestamps and conditions', async () => {
    const before = await lastSeq();
    await stack.res.create('connect', { domainName: 'retail', uri: CONNECT_URI, objectTypeName: 'CTR', tags: { team: 'crm' } });
    const obj = await stack.res.waitReady('connect');
    expect(obj.status).toMatchObject({ uri: CONNECT_URI, observedGeneration: 1, isUnstructured: false, region: 'us-east-1' });
    expect(Date.parse(obj.status!.createdAt!)).toBeGreaterThan(0);
    expect(Date.parse(obj.status!.lastUpdatedAt!)).toBeGreaterThanOrEqual(Date.parse(obj.status!.createdAt!));
    expect(obj.status!.integrationArn).toBe(`arn:aws:profile:us-east-1:123456789012:domains/retail/integrations/${CONNECT_URI}`);
    expect(condition(obj, 'Synced')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(condition(obj, 'Stalled')).toBeUndefined();
    expect(obj.metadata.finalizers).toContain('customerprofiles.gitops.dev/finalizer');
    const ops = await opsSince(before);
    expect(ops.filter((o) => o === 'PutIntegration')).toHaveLength(1);
    const state = await stack.emulator.admin.state();
    expect(JSON.stringify(state)).toContain(CONNECT_URI);
  });

  it('makes exactly one PutIntegration for a spec update', async () => {
    const before = await lastSeq();
    const updated = await stack.res.patchSpec('connect', { objectTypeName: 'CTR2' });
    await stack.res.waitReady('connect');
    expect(updated.metadata.generation).toBe(2);
    const ops = (await opsSince(before)).filter((o) => writes.has(o));
    expect(ops).toEqual(['PutIntegration']);
  });

  it('makes zero AWS writes and zero status writes at rest over three poll intervals', async () => {
    const obj = await stack.res.waitReady('connect');
    const before = await lastSeq();
    await new Promise((r) => setTimeout(r, 7_000)); // three 2 s poll intervals are the thing measured
    const ops = await opsSince(before);
    expect(ops.filter((o) => writes.has(o))).toEqual([]);
    expect(ops.length).toBeGreaterThan(0); // it did poll
    const after = await stack.res.get('connect');
    expect(after!.metadata.resourceVersion).toBe(obj.metadata.resourceVersion);
  });

  it('changes tags with TagResource/UntagResource only', async () => {
    const before = await lastSeq();
    await stack.res.patchSpec('connect', { tags: { env: 'prod', team: null } });
    await stack.res.waitReady('connect');
    const ops = (await opsSince(before)).filter((o) => writes.has(o));
    expect(ops.sort()).toEqual(['TagResource', 'UntagResource']);
    const view = (await stack.emulator.admin.state()) as unknown as Record<string, unknown>;
    expect(JSON.stringify(view)).toContain('"env":"prod"');
  });

  it('deletes the integration with deletionPolicy Delete and removes the finalizer', async () => {
    const before = await lastSeq();
    await stack.res.delete('connect');
    await stack.res.waitGone('connect');
    expect((await opsSince(before)).filter((o) => writes.has(o))).toEqual(['DeleteIntegration']);
    expect(JSON.stringify(await stack.emulator.admin.state())).not.toContain(CONNECT_URI);
  });

  it('talks to the region of spec.region, not the default one', async () => {
    const uri = `${CONNECT_URI.slice(0, -4)}0002`;
    await stack.emulator.admin.createDomain('retail', 'eu-west-1');
    await stack.res.create('elsewhere', { domainName: 'retail', uri, objectTypeName: 'CTR', region: 'eu-west-1' });
    const obj = await stack.res.waitReady('elsewhere');
    expect(obj.status).toMatchObject({ region: 'eu-west-1', integrationArn: `arn:aws:profile:eu-west-1:123456789012:domains/retail/integrations/${uri}` });
    const state = await stack.emulator.admin.state();
    expect(state.accounts['123456789012']?.['eu-west-1']?.Domains.retail?.Integrations[uri]).toBeDefined();
    expect(state.accounts['123456789012']?.['us-east-1']?.Domains.retail?.Integrations[uri]).toBeUndefined();
    const puts = await stack.emulator.admin.requests({ operation: 'PutIntegration' });
    expect(puts.filter((e) => (e.body as { Uri?: string }).Uri === uri).map((e) => e.region)).toEqual(['eu-west-1']);
  });

  it('keeps the integration when Retain is set after creation, and stops writing under Observe', async () => {
    const uri = `${CONNECT_URI.slice(0, -4)}0003`;
    await stack.res.create('changing', { domainName: 'retail', uri, objectTypeName: 'CTR' });
    await stack.res.waitReady('changing');
    const before = await lastSeq();
    await stack.res.patchSpec('changing', { managementPolicy: 'Observe', objectTypeName: 'Wanted' });
    const drifted = await stack.res.waitForCondition('changing', 'Ready', 'False', { reason: 'Drifted' });
    expect(drifted.metadata.finalizers).toContain('customerprofiles.gitops.dev/finalizer'); // still from Manage
    await stack.res.patchSpec('changing', { deletionPolicy: 'Retain', managementPolicy: 'Manage', objectTypeName: 'CTR' });
    await stack.res.waitReady('changing');
    await stack.res.delete('changing');
    await stack.res.waitGone('changing');
    expect((await opsSince(before)).filter((o) => writes.has(o))).toEqual([]);
    expect(JSON.stringify(await stack.emulator.admin.state())).toContain(uri);
  });

  it('keeps the integration with deletionPolicy Retain', async () => {
    const uri = `${CONNECT_URI.slice(0, -4)}0001`;
    await stack.res.create('retained', { domainName: 'retail', uri, objectTypeName: 'CTR', deletionPolicy: 'Retain' });
    await stack.res.waitReady('retained');
    const before = await lastSeq();
    await stack.res.delete('retained');
    await stack.res.waitGone('retained');
    expect((await opsSince(before)).filter((o) => writes.has(o))).toEqual([]);
    expect(JSON.stringify(await stack.emulator.admin.state())).toContain(uri);
  });
});
