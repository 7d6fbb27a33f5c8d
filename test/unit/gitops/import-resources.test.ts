import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { toPutIntegrationInput } from '../../../src/api/convert.ts';
import { ANNOTATIONS } from '../../../src/api/group.ts';
import { flowDefinitionHash } from '../../../src/api/hash.ts';
import type { CustomerProfilesIntegration } from '../../../src/api/types.ts';
import type { ObservedIntegration } from '../../../src/aws/types.ts';
import { validatePaths } from '../../../src/gitops/validate-paths.ts';
import { toAppFlowCase } from '../../../src/emulator/appflow.ts';
import { importIntegrations, renderImport, type ImportOptions } from '../../../src/gitops/import-resources.ts';
import { salesforceFlow } from './flows.ts';

const T0 = new Date('2026-11-30T07:00:00Z');
const CONNECT = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
const flowUri = (name: string) => `arn:aws:appflow:us-east-1:123456789012:flow/${name}`;
const item = (o: Partial<ObservedIntegration> & { uri: string }): ObservedIntegration => ({ domainName: 'retail', createdAt: T0, lastUpdatedAt: T0, ...o });

const fd = salesforceFlow();
const flows: Record<string, Record<string, unknown>> = {
  [fd.flowName]: toAppFlowCase('FlowDefinition', toPutIntegrationInput({ domainName: 'retail', flowDefinition: fd }).FlowDefinition) as Record<string, unknown>,
};
const options = (o: Partial<ImportOptions> = {}): ImportOptions => ({
  domainName: 'retail',
  managementPolicy: 'Manage',
  describeFlow: async (name) => {
    if (!flows[name]) throw Object.assign(new Error(`Flow ${name} does not exist.`), { name: 'ResourceNotFoundException' });
    return flows[name]!;
  },
  ...o,
});
const items = [
  // Another resource's owner tag is the operator's, not the spec's: it is left out.
  item({ uri: CONNECT, objectTypeName: 'CTR', tags: { team: 'crm', 'customerprofiles.gitops.dev/owner': 'uid-1 crm/old' }, scope: 'PROFILE', objectTypeNames: {} }),
  item({ uri: flowUri(fd.flowName), objectTypeName: 'SalesforceAccount', workflowId: 'w-1' }),
  item({ uri: flowUri('made-elsewhere'), objectTypeName: 'Other' }),
];

const dir = mkdtempSync(join(tmpdir(), 'cpi-import-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cpi import: resources from existing integrations', () => {
  it('copies what AWS reports, recovers a flow with its hash, and keeps an unrecoverable flow in Observe', async () => {
    const [made, sf, connect] = await importIntegrations(items, options({ namespace: 'crm', region: 'us-east-1' }));
    expect(connect!.object).toMatchObject({ metadata: { name: 'connect-11111111-2222-3333-4444-555555555555', namespace: 'crm' } });
    expect(connect!.object.spec).toEqual({ domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR', tags: { team: 'crm' }, scope: 'PROFILE', region: 'us-east-1', managementPolicy: 'Manage', deletionPolicy: 'Retain' });
    expect(connect!.object.metadata.annotations).toEqual({ [ANNOTATIONS.adopt]: 'true' });
    expect(connect!.notes).toEqual([]);

    expect(sf!.object.metadata.name).toBe('retail-salesforce-account');
    expect(sf!.object.spec.uri).toBeUndefined(); // AWS names a flow's integration; the flow name finds it
    expect(sf!.object.spec.flowDefinition).toEqual(fd);
    expect(sf!.object.spec.managementPolicy).toBe('Manage');
    expect(sf!.object.metadata.annotations).toEqual({ [ANNOTATIONS.observedFlowHash]: flowDefinitionHash(fd), [ANNOTATIONS.adopt]: 'true' });

    expect(made!.object.spec).toMatchObject({ uri: flowUri('made-elsewhere'), managementPolicy: 'Observe' });
    expect(made!.object.spec.flowDefinition).toBeUndefined();
    expect(made!.notes.join(' ')).toContain('DescribeFlow made-elsewhere failed: ResourceNotFoundException: Flow made-elsewhere does not exist.');
  });

  it('prints multi-document YAML that cpi validate accepts, with the notes as comments', async () => {
    const resources = await importIntegrations(items, options({ managementPolicy: 'Observe', deletionPolicy: 'Retain' }));
    const text = renderImport(resources, ['cpi import --domain retail: 3 integrations']);
    const file = join(dir, 'import.yaml');
    writeFileSync(file, text);
    expect(await validatePaths([file])).toMatchObject({ resources: 3, problems: [] });
    expect(text).toMatch(/^# cpi import --domain retail/);
    expect(text).toContain('# flowDefinition not recovered: AppFlow DescribeFlow made-elsewhere failed');
    const docs = parseAllDocuments(text).map((d) => d.toJS() as CustomerProfilesIntegration);
    expect(docs.map((d) => d.spec.deletionPolicy)).toEqual(['Retain', 'Retain', 'Retain']);
    // The timestamp stays a string (quoted for YAML 1.1 readers such as kubectl).
    expect(text).toContain('scheduleStartTime: "2026-12-01T00:00:00Z"');
    expect(flowDefinitionHash(docs[1]!.spec.flowDefinition)).toBe(flowDefinitionHash(fd));
  });

  it('an empty domain gives a valid file with only the header', async () => {
    const text = renderImport(await importIntegrations([], options()), ['cpi import --domain retail: 0 integrations']);
    expect(text).toBe('# cpi import --domain retail: 0 integrations\n');
  });
});
