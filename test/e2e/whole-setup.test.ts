// A whole Customer Profiles setup in one folder: a CustomerProfilesDomain, a
// CustomerProfilesObjectType and a CustomerProfilesIntegration applied at once with one
// `kubectl apply` on an empty account converge in order; each is edited and drifted; deleting all
// three at once deletes them in order; a domain waits while resources still use it; a domain's
// deletionPolicy defaults to Retain. The real API server, the controller process, the emulator.
import { describe, expect, it } from 'vitest';
import { DOMAIN_NAMES, OBJECT_TYPE_NAMES } from '../../src/api/group.ts';
import { controllerStack } from './harness/stack.ts';
import { Resources, condition } from './harness/resources.ts';
import { kubectlOk, waitFor } from './support/index.ts';

const CONNECT_URI = 'arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const SETUP_WRITES = new Set(['CreateDomain', 'UpdateDomain', 'DeleteDomain', 'PutProfileObjectType', 'DeleteProfileObjectType', 'PutIntegration', 'DeleteIntegration', 'TagResource', 'UntagResource']);

function manifests(ns: string, domain: string, o: { domainDeletion?: 'Delete' | 'Retain' } = {}): string {
  return `
apiVersion: customerprofiles.gitops.dev/v1alpha1
kind: CustomerProfilesDomain
metadata: { name: ${domain}, namespace: ${ns} }
spec:
  domainName: ${domain}
  defaultExpirationDays: 365
  tags: { team: crm }
${o.domainDeletion ? `  deletionPolicy: ${o.domainDeletion}\n` : ''}---
apiVersion: customerprofiles.gitops.dev/v1alpha1
kind: CustomerProfilesObjectType
metadata: { name: ctr, namespace: ${ns} }
spec:
  domainName: ${domain}
  objectTypeName: CTR
  description: Contact records
  allowProfileCreation: true
  fields:
    email: { source: _source.Email, target: _profile.EmailAddress, contentType: EMAIL_ADDRESS }
  keys:
    email: [{ standardIdentifiers: [PROFILE], fieldNames: [email] }]
---
apiVersion: customerprofiles.gitops.dev/v1alpha1
kind: CustomerProfilesIntegration
metadata: { name: connect, namespace: ${ns} }
spec:
  domainName: ${domain}
  uri: ${CONNECT_URI}
  objectTypeName: CTR
`;
}

describe('a whole setup: domain, object type and integration together', () => {
  // An empty account: no domain made first. The emulator checks object types as AWS may.
  const stack = controllerStack('whole-setup', { domains: [], emulatorArgs: ['--semantics', 'object-type-check=on'], controllerArgs: ['--poll-interval', '2s'] });
  const domains = () => new Resources(stack.ns, undefined, DOMAIN_NAMES);
  const objectTypes = () => new Resources(stack.ns, undefined, OBJECT_TYPE_NAMES);
  const writesSince = async (seq: number) => (await stack.aws.since(seq)).filter((e) => SETUP_WRITES.has(e.operation));

  it('converges all three from one kubectl apply, in order, with no call that must fail', async () => {
    const mark = await stack.aws.mark();
    await kubectlOk(['apply', '-f', '-'], { input: manifests(stack.ns, 'shop', { domainDeletion: 'Delete' }) });
    const domain = await domains().waitReady('shop', 60_000);
    const ot = await objectTypes().waitReady('ctr', 60_000);
    const integration = await stack.res.waitReady('connect', 60_000);
    expect(domain.status).toMatchObject({ domainArn: 'arn:aws:profile:us-east-1:123456789012:domains/shop', account: '123456789012', ownership: 'Created' });
    expect(ot.status).toMatchObject({ objectTypeArn: 'arn:aws:profile:us-east-1:123456789012:domains/shop/object-types/CTR', ownership: 'Created' });
    expect(integration.status?.uri).toBe(CONNECT_URI);
    const writes = await writesSince(mark);
    // One create each, in dependency order, every one answered 200: nothing was sent before its dependency existed.
    expect(writes.map((e) => `${e.operation} ${e.status}`)).toEqual(['CreateDomain 200', 'PutProfileObjectType 200', 'PutIntegration 200']);
    // The owner tag went with each create.
    for (const e of writes) expect(JSON.stringify(e.body)).toContain('customerprofiles.gitops.dev/owner');
  });

  it('applies an edit of each kind with one write each', async () => {
    const mark = await stack.aws.mark();
    await domains().patchSpec('shop', { defaultExpirationDays: 400 });
    await objectTypes().patchSpec('ctr', { description: 'Contact trace records' });
    await stack.res.patchSpec('connect', { tags: { team: 'crm' } });
    await domains().waitReady('shop');
    await objectTypes().waitReady('ctr');
    await stack.res.waitReady('connect');
    const ops = (await writesSince(mark)).map((e) => e.operation).sort();
    expect(ops).toEqual(['PutProfileObjectType', 'TagResource', 'UpdateDomain']);
  });

  it('corrects drift of the domain and the object type made outside', async () => {
    const mark = await stack.aws.mark();
    await stack.emulator.admin.updateDomainOutOfBand('shop', { DefaultExpirationDays: 7 });
    await stack.emulator.admin.putObjectTypeOutOfBand('shop', 'CTR', { Description: 'changed in the console' });
    await waitFor(async () => {
      const ops = (await writesSince(mark)).map((e) => e.operation);
      return ops.includes('UpdateDomain') && ops.includes('PutProfileObjectType');
    }, { what: 'the drift corrected', timeoutMs: 30_000 });
    const state = JSON.stringify(await stack.emulator.admin.state());
    expect(state).toContain('"DefaultExpirationDays":400');
    expect(state).toContain('Contact trace records');
  });

  it('deletes all three at once in order: integration, object type, then the domain', async () => {
    const mark = await stack.aws.mark();
    await kubectlOk(['delete', '-f', '-', '--wait=false'], { input: manifests(stack.ns, 'shop', { domainDeletion: 'Delete' }) });
    await domains().waitGone('shop', 60_000);
    await objectTypes().waitGone('ctr', 60_000);
    await stack.res.waitGone('connect', 60_000);
    const deletes = (await writesSince(mark)).filter((e) => e.operation.startsWith('Delete'));
    expect(deletes.map((e) => `${e.operation} ${e.status}`)).toEqual(['DeleteIntegration 200', 'DeleteProfileObjectType 200', 'DeleteDomain 200']);
  });

  it('keeps a domain with deletionPolicy Delete waiting while an object type still uses it', async () => {
    await kubectlOk(['apply', '-f', '-'], { input: manifests(stack.ns, 'waits', { domainDeletion: 'Delete' }).split('\n---\n').slice(0, 2).join('\n---\n') });
    await objectTypes().waitReady('ctr', 60_000);
    const mark = await stack.aws.mark();
    await domains().delete('waits');
    const waiting = await waitFor(async () => {
      const d = await domains().get('waits');
      return condition(d, 'Ready')?.reason === 'Waiting' ? d : undefined;
    }, { what: 'the domain waiting for its object type', timeoutMs: 30_000 });
    expect(condition(waiting, 'Ready')?.message).toContain(`${stack.ns}/ctr`);
    expect((await writesSince(mark)).map((e) => e.operation)).not.toContain('DeleteDomain');
    await objectTypes().delete('ctr');
    await domains().waitGone('waits', 60_000);
    expect((await writesSince(mark)).map((e) => e.operation)).toEqual(['DeleteProfileObjectType', 'DeleteDomain']);
  });

  it('retains a domain by default: deleting the resource leaves the domain and its data in AWS', async () => {
    await kubectlOk(['apply', '-f', '-'], { input: manifests(stack.ns, 'kept').split('\n---\n')[0]! });
    const d = await domains().waitReady('kept', 60_000);
    expect(d.metadata.finalizers ?? []).not.toContain('customerprofiles.gitops.dev/finalizer');
    const mark = await stack.aws.mark();
    await domains().delete('kept');
    await domains().waitGone('kept');
    expect((await writesSince(mark)).map((e) => e.operation)).not.toContain('DeleteDomain');
    expect(JSON.stringify(await stack.emulator.admin.state())).toContain('"DomainName":"kept"');
  });

  it('keeps an object type waiting, and saying for what, until its managed domain exists; then goes at once', async () => {
    const domain = manifests(stack.ns, 'later').split('\n---\n')[0]!.replace('metadata: { name: later,', 'metadata: { annotations: { customerprofiles.gitops.dev/paused: "true" }, name: later,');
    const objectType = manifests(stack.ns, 'later').split('\n---\n')[1]!.replace('name: ctr,', 'name: ctr-later,');
    const mark = await stack.aws.mark();
    await kubectlOk(['apply', '-f', '-'], { input: `${domain}\n---\n${objectType}` });
    const waiting = await objectTypes().waitForCondition('ctr-later', 'Ready', 'False', { reason: 'Waiting' });
    expect(condition(waiting, 'Ready')?.message).toContain(`CustomerProfilesDomain ${stack.ns}/later (domain later)`);
    expect((await writesSince(mark)).map((e) => e.operation)).toEqual([]);
    await domains().annotate('later', { 'customerprofiles.gitops.dev/paused': null });
    await domains().waitReady('later');
    // Well inside the waiting resource's own 30 s retry: the domain's existence requeued it.
    await objectTypes().waitReady('ctr-later', 15_000);
    expect((await writesSince(mark)).map((e) => `${e.operation} ${e.status}`)).toEqual(['CreateDomain 200', 'PutProfileObjectType 200']);
  });

  it('never writes to a domain made elsewhere; adopts it on the annotation', async () => {
    await stack.emulator.admin.createDomain('legacy');
    const mark = await stack.aws.mark();
    await kubectlOk(['apply', '-f', '-'], { input: manifests(stack.ns, 'legacy').split('\n---\n')[0]! });
    const refused = await domains().waitForCondition('legacy', 'Stalled', 'True', { reason: 'AlreadyExists' });
    expect(condition(refused, 'Ready')?.message).toContain('domain legacy already exists');
    expect(await writesSince(mark)).toEqual([]);
    await domains().annotate('legacy', { 'customerprofiles.gitops.dev/adopt': 'true' });
    const adopted = await waitFor(async () => {
      const d = await domains().get('legacy');
      return d?.status?.ownership === 'Adopted' && condition(d, 'Ready')?.status === 'True' ? d : undefined;
    }, { what: 'the domain adopted and Ready' });
    expect(adopted.status).toMatchObject({ domainArn: 'arn:aws:profile:us-east-1:123456789012:domains/legacy' });
    // Adopted, then made to match the spec: its expiration and tags, never a second domain.
    expect((await writesSince(mark)).map((e) => e.operation).sort()).toEqual(['TagResource', 'UpdateDomain']);
  });
});
