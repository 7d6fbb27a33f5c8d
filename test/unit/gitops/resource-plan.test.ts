import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../../src/api/group.ts';
import { flowDefinitionHash } from '../../../src/api/hash.ts';
import type { CustomerProfilesIntegration, IntegrationSpec, IntegrationStatus } from '../../../src/api/types.ts';
import type { IntegrationGateway, ObservedIntegration } from '../../../src/aws/types.ts';
import { changeLine, renderJson, renderText, summarize, summaryLine } from '../../../src/gitops/plan-render.ts';
import { hasChanges, planResource, type PlanDeps } from '../../../src/gitops/resource-plan.ts';
import { DomainSnapshots } from '../../../src/reconcile/snapshots.ts';
import { salesforceFlow } from './flows.ts';
import { readOnlyAws } from './read-only-aws.ts';

const CONNECT = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
const FLOW_URI = 'arn:aws:appflow:us-east-1:123456789012:flow/retail-salesforce-account';
const T0 = new Date('2026-11-30T07:00:00Z');

/** The in-memory AWS of read-only-aws.ts, holding only these integrations. */
const readOnlyGateway = (items: ObservedIntegration[]) => readOnlyAws({ integrations: items });

const observed = (o: Partial<ObservedIntegration> & { uri: string }): ObservedIntegration => ({ domainName: 'retail', createdAt: T0, lastUpdatedAt: T0, ...o });
const resource = (name: string, spec: IntegrationSpec, annotations?: Record<string, string>): CustomerProfilesIntegration => ({
  apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
  kind: 'CustomerProfilesIntegration',
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec,
});
function deps(gateway: IntegrationGateway, live: Record<string, IntegrationStatus> | null = {}): PlanDeps {
  return { gateway, defaultRegion: 'us-east-1', defaultNamespace: 'team', liveStatus: async (_ns, name) => (live === null ? null : live[name]) };
}
const claimed = (uri: string, extra: Partial<IntegrationStatus> = {}): IntegrationStatus => ({ uri, lastUpdatedAt: T0.toISOString(), ownership: 'Created', ...extra });

describe('planResource: what a reconcile would do, read-only', () => {
  it('a resource AWS does not have: create, with every field it sends', async () => {
    const gw = readOnlyGateway([]);
    const p = await planResource(resource('new', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR', tags: { team: 'crm' }, managementPolicy: 'Manage' }), deps(gw));
    expect(p).toMatchObject({ action: 'create', calls: ['PutIntegration'], namespace: 'team', statusSource: 'not-in-cluster' });
    expect(p.changes.map((c) => changeLine(c))).toEqual(['+ create integration', '+ domainName: "retail"', `+ uri: "${CONNECT}"`, '+ objectTypeName: "CTR"', '+ tags.team: "crm"']);
  });

  it('a changed field and tags: Put, TagResource and UntagResource, field by field', async () => {
    const gw = readOnlyGateway([observed({ uri: CONNECT, objectTypeName: 'CTR', tags: { old: 'x', team: 'ops' } })]);
    const p = await planResource(resource('changed', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR2', tags: { team: 'crm', env: 'prod' } }), deps(gw, { changed: claimed(CONNECT) }));
    expect(p.action).toBe('update');
    expect(p.calls).toEqual(['PutIntegration', 'TagResource', 'UntagResource']);
    expect(p.changes.map((c) => changeLine(c))).toEqual(['~ objectTypeName: "CTR" -> "CTR2"', '~ tags.team: "ops" -> "crm"', '+ tags.env: "prod"', '- tags.old: "x"']);
    expect(gw.reads).toEqual(['GetIntegration']);
  });

  it('an existing integration the resource does not own: refused (AlreadyExists), unless the adopt annotation asks', async () => {
    const gw = readOnlyGateway([observed({ uri: CONNECT, objectTypeName: 'CTR', tags: { env: 'prod' } })]);
    const typo = await planResource(resource('typo', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTRX' }), deps(gw));
    expect(typo).toMatchObject({ action: 'refused', calls: [], refusal: { reason: 'AlreadyExists' } });
    expect(renderText([typo])[0]).toContain('would be refused');
    expect(renderText([typo]).at(-1)).toMatch(/^Refused: 1 resource would be Stalled and write nothing/);
    const asked = resource('typo', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTRX' });
    asked.metadata.annotations = { 'customerprofiles.gitops.dev/adopt': 'true' };
    expect(await planResource(asked, deps(gw))).toMatchObject({ action: 'update', reason: 'adopt', calls: ['PutIntegration', 'UntagResource'] });
  });

  it('a pinned target the resource now points away from: refused (TargetChanged)', async () => {
    const gw = readOnlyGateway([observed({ uri: CONNECT, objectTypeName: 'CTR' })]);
    const p = await planResource(resource('moved', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR' }), deps(gw, { moved: claimed(CONNECT, { region: 'us-west-2', createdAt: T0.toISOString() }) }));
    expect(p).toMatchObject({ action: 'refused', refusal: { reason: 'TargetChanged' } });
    expect(p.refusal!.message).toContain('region us-west-2 -> us-east-1');
  });

  it('an unchanged resource: no calls', async () => {
    const gw = readOnlyGateway([observed({ uri: CONNECT, objectTypeName: 'CTR' })]);
    const p = await planResource(resource('same', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR' }), deps(gw, { same: claimed(CONNECT) }));
    expect(p).toMatchObject({ action: 'none', calls: [], changes: [], statusSource: 'cluster' });
  });

  it('flowDefinition: field by field when status has the applied definition, else by hash', async () => {
    const applied = salesforceFlow();
    const wanted = salesforceFlow();
    wanted.tasks[2]!.taskProperties = { DATA_TYPE: 'text' };
    const gw = readOnlyGateway([observed({ uri: FLOW_URI })]);
    const spec = { domainName: 'retail', flowDefinition: wanted };
    const status = claimed(FLOW_URI, { appliedFlowDefinitionHash: flowDefinitionHash(applied)!, appliedFlowDefinition: applied });
    const byField = await planResource(resource('flow', spec), deps(gw, { flow: status }));
    expect(byField).toMatchObject({ action: 'update', calls: ['PutIntegration'], flowCompared: 'fields' });
    expect(byField.changes.map((c) => changeLine(c, byField.flowCompared))).toEqual(['~ flowDefinition.tasks[2].taskProperties.DATA_TYPE: "string" -> "text"']);

    const { appliedFlowDefinition: _, ...hashOnly } = status;
    const byHash = await planResource(resource('flow', spec), deps(gw, { flow: hashOnly }));
    expect(byHash.flowCompared).toBe('hash');
    expect(changeLine(byHash.changes[0]!, 'hash')).toBe(`~ flowDefinition: "${flowDefinitionHash(applied)}" -> "${flowDefinitionHash(wanted)}" (by hash: the last applied definition is unknown)`);
  });

  it('an import annotation stands for the applied flow: no calls when the spec matches it', async () => {
    const fd = salesforceFlow();
    const gw = readOnlyGateway([observed({ uri: FLOW_URI })]);
    // As `cpi import` writes it: the flow's hash and the adopt annotation.
    const p = await planResource(resource('imported', { domainName: 'retail', flowDefinition: fd }, { [ANNOTATIONS.observedFlowHash]: flowDefinitionHash(fd)!, [ANNOTATIONS.adopt]: 'true' }), deps(gw, null));
    expect(p).toMatchObject({ action: 'none', statusSource: 'no-cluster', uri: FLOW_URI });
    expect(gw.reads).toEqual(['ListIntegrations']); // a flow without a known Uri is found by listing
  });

  it('Observe resources are read-only: drift is shown, no calls, no change counted', async () => {
    const gw = readOnlyGateway([observed({ uri: CONNECT, objectTypeName: 'Other', tags: { a: '1' } })]);
    const p = await planResource(resource('obs', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR', managementPolicy: 'Observe' }), deps(gw));
    expect(p).toMatchObject({ action: 'read-only', calls: [], mode: 'Observe' });
    expect(p.changes.map((c) => changeLine(c))).toEqual(['~ objectTypeName: "Other" -> "CTR"', '- tags.a: "1"']);
    expect(hasChanges([p])).toBe(false);
    const missing = await planResource(resource('gone', { domainName: 'retail', uri: `${CONNECT}9`, managementPolicy: 'Observe' }), deps(gw));
    expect(renderText([missing]).slice(0, 3)).toEqual([
      `# team/gone is Observe (read-only) (domain retail, ${CONNECT}9): no calls; the integration does not exist`,
      '  ! team/gone is not in the cluster: this is what applying the manifest would do, judged from AWS and the manifest alone',
      '',
    ]);
  });

  it('paused resources make no calls; failures are reported per resource', async () => {
    const gw = readOnlyGateway([]);
    const paused = await planResource(resource('p', { domainName: 'retail', uri: CONNECT }, { [ANNOTATIONS.paused]: 'true' }), deps(gw));
    expect(paused).toMatchObject({ action: 'paused', calls: [] });
    const failing: PlanDeps = { ...deps(gw), liveStatus: async () => Promise.reject(new Error('cannot read team/x from the cluster')) };
    const failed = await planResource(resource('x', { domainName: 'retail', uri: CONNECT }), failing);
    expect(failed).toMatchObject({ action: 'error', error: 'cannot read team/x from the cluster' });
  });
});

describe('planResource: domains with several resources', () => {
  it('reads one ListIntegrations snapshot instead of a GetIntegration per resource', async () => {
    const gw = readOnlyGateway([observed({ uri: CONNECT, objectTypeName: 'CTR' }), observed({ uri: `${CONNECT}0`, objectTypeName: 'CTR' })]);
    const d: PlanDeps = { ...deps(gw), snapshots: new DomainSnapshots(gw, Number.MAX_SAFE_INTEGER), batched: (region, domain) => region === 'us-east-1' && domain === 'retail' };
    const adopt = { [ANNOTATIONS.adopt]: 'true' };
    const plans = await Promise.all([
      planResource(resource('a', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR' }, adopt), d),
      planResource(resource('b', { domainName: 'retail', uri: `${CONNECT}0`, objectTypeName: 'CTR2' }, adopt), d),
    ]);
    expect(plans.map((p) => p.action)).toEqual(['none', 'update']); // a first claim that matches is no write
    expect(gw.reads).toEqual(['ListIntegrations']);
  });
});

describe('plan rendering', () => {
  it('names the namespaces where a resource missing from its own is, and the -n to plan it there', async () => {
    const gw = readOnlyGateway([observed({ uri: CONNECT, objectTypeName: 'CTR' })]);
    const p = await planResource(resource('accounts', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR2' }), deps(gw));
    p.inOtherNamespaces = ['crm', 'sales'];
    expect(renderText([p])[1]).toBe('  ! team/accounts is not in the cluster: this is what applying the manifest would do, judged from AWS and the manifest alone; a resource named accounts is in namespace crm, sales: to plan against it, pass -n crm');
  });

  it('summarizes like terraform and says when nothing changes', () => {
    expect(summaryLine({ create: 1, update: 2, unchanged: 3, readOnly: 1, paused: 0, errors: 0 })).toBe('Plan: 1 to create, 2 to update, 3 unchanged, 1 read-only.');
    expect(summaryLine({ create: 0, update: 0, unchanged: 2, readOnly: 0, paused: 0, errors: 0 })).toBe('No changes. AWS matches the manifests (2 up to date).');
    expect(summaryLine({ create: 0, update: 0, unchanged: 1, readOnly: 0, paused: 0, errors: 2 })).toBe('Error: 2 resources could not be planned; the plan is incomplete (0 to create, 0 to update, 1 unchanged, 2 failed).');
  });

  it('text has one block per resource and the summary last; JSON carries the same facts', async () => {
    const gw = readOnlyGateway([observed({ uri: CONNECT, objectTypeName: 'CTR' })]);
    const plans = [
      await planResource(resource('same', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR' }), deps(gw, { same: claimed(CONNECT) })),
      await planResource(resource('new', { domainName: 'retail', uri: `${CONNECT}0` }), deps(gw)),
    ];
    const text = renderText(plans);
    expect(text[0]).toBe(`# team/same is up to date (domain retail, ${CONNECT})`);
    expect(text).toContain(`# team/new will be created (domain retail, ${CONNECT}0): PutIntegration`);
    expect(text.at(-1)).toBe('Plan: 1 to create, 0 to update, 1 unchanged, 1 not in the cluster yet.');
    // Only the resource the cluster lacks is flagged, right under its heading.
    expect(text.filter((l) => l.includes('is not in the cluster'))).toEqual(['  ! team/new is not in the cluster: this is what applying the manifest would do, judged from AWS and the manifest alone']);
    const json = JSON.parse(renderJson(plans));
    expect(json).toMatchObject({ changes: true, summary: summarize(plans) });
    expect(json.resources.map((r: { name: string; action: string }) => [r.name, r.action])).toEqual([['same', 'none'], ['new', 'create']]);
  });
});
