// Credentials per namespace (issue 7 §4): a Namespace annotated with an IAM role makes the
// controller assume that role (STS AssumeRole against the emulator) for the resources in it, as
// ACK's cross-account management does. Multi-region works per resource (spec.region).
import { describe, expect, it } from 'vitest';
import { annotateNamespace } from '../support/cluster.ts';
import type { Resources } from './harness/resources.ts';
import { controllerStack, ROLE_ARN } from './harness/stack.ts';

const OTHER_ACCOUNT = '210987654321';
const ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/customer-profiles-operator`;
const URI = 'arn:aws:connect:us-east-1:210987654321:instance/20000000-0000-0000-0000-000000000001';

describe('per-namespace credentials and per-resource regions', () => {
  let home: Resources;
  let crossAccount: Resources;
  // This controller watches every namespace, so it gets a control plane of its own: in the
  // shared one it would reconcile other test files' resources against its emulator.
  const stack = controllerStack('cred-h', {
    allNamespaces: true,
    domains: [{ name: 'retail', account: OTHER_ACCOUNT }, { name: 'retail', region: 'eu-west-2' }, 'retail'],
    async beforeController(s) {
      home = s.res;
      crossAccount = await s.namespace('cred-x', { roleArn: ROLE });
    },
  });

  it('assumes the role named on the namespace and writes in that account', async () => {
    await crossAccount.create('x', { domainName: 'retail', uri: URI, objectTypeName: 'CTR', tags: { team: 'crm' } });
    const obj = await crossAccount.waitReady('x');
    expect(obj.status!.integrationArn).toBe(`arn:aws:profile:us-east-1:${OTHER_ACCOUNT}:domains/retail/integrations/${URI}`);
    const log = await stack.emulator.admin.requests();
    expect(log.some((r) => r.operation === 'AssumeRole' && r.status === 200)).toBe(true);
    const put = log.find((r) => r.operation === 'PutIntegration');
    expect(put?.account).toBe(OTHER_ACCOUNT);
    expect(put?.accessKeyId).not.toBe('AKIDCONTROLLER'); // the assumed session's keys, not the pod's
  });

  it('writes a resource with spec.region in that region', async () => {
    await home.create('eu', { domainName: 'retail', uri: URI.replace('210987654321', '123456789012'), objectTypeName: 'CTR', region: 'eu-west-2' });
    const obj = await home.waitReady('eu');
    expect(obj.status!.region).toBe('eu-west-2');
    expect(obj.status!.integrationArn).toMatch(/^arn:aws:profile:eu-west-2:123456789012:domains\/retail\//);
    const put = (await stack.emulator.admin.requests()).filter((r) => r.operation === 'PutIntegration').at(-1);
    expect(put?.region).toBe('eu-west-2');
  });

  const deletesSince = async (seq: number) => (await stack.emulator.admin.requests({ since: seq, operation: 'DeleteIntegration' })).map((r) => `${r.account}/${r.region}`);
  const putsSince = async (seq: number) => (await stack.emulator.admin.requests({ since: seq, operation: 'PutIntegration' })).map((r) => `${r.account}/${r.region}`);
  const lastSeq = async () => (await stack.emulator.admin.requestLog({ limit: 1 })).lastSeq;

  it('pins the target: spec.region added after creation creates nothing elsewhere (TargetChanged); delete removes the pinned one', async () => {
    const u = URI.replace('210987654321', '123456789012').replace(/1$/, '3');
    await home.create('pinned', { domainName: 'retail', uri: u, objectTypeName: 'CTR' });
    const ready = await home.waitReady('pinned');
    expect(ready.status).toMatchObject({ region: 'us-east-1', account: '123456789012', ownership: 'Created' });
    const mark = await lastSeq();
    await home.patchSpec('pinned', { region: 'eu-west-2' });
    const stalled = await home.waitForCondition('pinned', 'Stalled', 'True', { reason: 'TargetChanged' });
    expect(stalled.status!.conditions!.find((c) => c.type === 'Stalled')!.message).toContain('region us-east-1 -> eu-west-2');
    expect(await putsSince(mark)).toEqual([]);
    await home.delete('pinned');
    await home.waitGone('pinned');
    expect(await deletesSince(mark)).toEqual(['123456789012/us-east-1']);
  });

  it('pins the target: a role-arn annotation added to the namespace later moves nothing; delete still removes the pinned one', async () => {
    const late = await stack.namespace('cred-late');
    const u = URI.replace('210987654321', '123456789012').replace(/1$/, '4');
    await late.create('moved', { domainName: 'retail', uri: u, objectTypeName: 'CTR' });
    await late.waitReady('moved');
    const mark = await lastSeq();
    await annotateNamespace(stack.admin, late.namespace, { [ROLE_ARN]: ROLE });
    const stalled = await late.waitForCondition('moved', 'Stalled', 'True', { reason: 'TargetChanged' });
    expect(stalled.status!.conditions!.find((c) => c.type === 'Stalled')!.message).toContain(`account 123456789012 -> ${OTHER_ACCOUNT}`);
    expect(await putsSince(mark)).toEqual([]);
    await late.delete('moved');
    await late.waitGone('moved');
    expect(await deletesSince(mark)).toEqual(['123456789012/us-east-1']);
  });

  it('converges the same flow manifest in two namespaces mapped to two accounts (claims include the account)', async () => {
    const spec = {
      domainName: 'retail',
      objectTypeName: 'CustomerCsv',
      flowDefinition: {
        flowName: 'per-account-flow',
        kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        sourceFlowConfig: { connectorType: 'S3' as const, sourceConnectorProperties: { s3: { bucketName: 'crm-export' } } },
        tasks: [{ taskType: 'Filter' as const, sourceFields: ['id'], connectorOperator: { s3: 'PROJECTION' as const } }],
        triggerConfig: { triggerType: 'OnDemand' as const },
      },
    };
    await home.create('same-flow', spec);
    await crossAccount.create('same-flow', spec);
    const a = await home.waitReady('same-flow');
    const b = await crossAccount.waitReady('same-flow');
    expect(a.status!.account).toBe('123456789012');
    expect(b.status!.account).toBe(OTHER_ACCOUNT);
    expect(a.status!.uri).toBe('arn:aws:appflow:us-east-1:123456789012:flow/per-account-flow');
    expect(b.status!.uri).toBe(`arn:aws:appflow:us-east-1:${OTHER_ACCOUNT}:flow/per-account-flow`);
  });

  it('never prints a credential in its logs', () => {
    const text = stack.controller.output.join('\n');
    expect(text).not.toContain('controller-secret');
    const sessions = text.match(/ASIA[A-Z0-9]{12,}/g) ?? [];
    expect(sessions).toEqual([]);
  });
});
