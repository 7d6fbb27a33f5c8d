// `cpi import`: CustomerProfilesIntegration resources for the integrations a domain already has,
// written so that applying them adopts the integrations without a write. What AWS reports is
// copied as it is (empty and absent are equal to the plan, so nothing invented shows as drift);
// a flow's definition comes back from AppFlow, and what cannot is said in a comment and the
// resource stays in Observe, which never writes.
import { Document } from 'yaml';
import { API_VERSION, ANNOTATIONS, KIND, RESERVED_TAG_PREFIX } from '../api/group.ts';
import { flowDefinitionHash } from '../api/hash.ts';
import type { CustomerProfilesIntegration, IntegrationSpec } from '../api/types.ts';
import { validateResource } from '../api/validate.ts';
import type { ObservedIntegration } from '../aws/types.ts';
import { flowNameOf } from '../aws/appflow.ts';
import { recoverFlowDefinition } from './flow-recovery.ts';
import { uniqueNames } from './import-names.ts';

export interface ImportOptions {
  domainName: string;
  /** Written to spec.region when given; else the controller's default region applies. */
  region?: string | undefined;
  namespace?: string | undefined;
  managementPolicy: 'Observe' | 'Manage';
  /** Default Retain: a mis-mapped import then costs a resource to delete, not an integration. */
  deletionPolicy?: 'Delete' | 'Retain' | undefined;
  /** DescribeFlow for a flow name; rejects with a message when the flow cannot be read. */
  describeFlow(flowName: string): Promise<Record<string, unknown>>;
}

export interface ImportedResource {
  object: CustomerProfilesIntegration;
  /** Comment lines above the document: what could not be recovered and why it is kept in Observe. */
  notes: string[];
}

function baseSpec(item: ObservedIntegration, o: ImportOptions): IntegrationSpec {
  const spec: IntegrationSpec = { domainName: o.domainName, uri: item.uri };
  if (item.objectTypeName) spec.objectTypeName = item.objectTypeName;
  if (item.objectTypeNames && Object.keys(item.objectTypeNames).length) spec.objectTypeNames = { ...item.objectTypeNames };
  if (item.roleArn) spec.roleArn = item.roleArn;
  if (item.eventTriggerNames?.length) spec.eventTriggerNames = [...item.eventTriggerNames];
  if (item.scope) spec.scope = item.scope as IntegrationSpec['scope'];
  // The operator's own tags (an owner tag of another resource) are not the spec's to declare.
  const tags = Object.fromEntries(Object.entries(item.tags ?? {}).filter(([k]) => !k.startsWith(RESERVED_TAG_PREFIX)));
  if (Object.keys(tags).length) spec.tags = tags;
  return spec;
}

const describeError = (err: unknown) => {
  const e = err as { name?: string; message?: string };
  return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(err)}`;
};

async function importOne(item: ObservedIntegration, name: string, o: ImportOptions): Promise<ImportedResource> {
  const notes: string[] = [];
  const spec = baseSpec(item, o);
  const annotations: Record<string, string> = {};
  let policy = o.managementPolicy;
  const flowName = flowNameOf(item.uri);
  if (flowName) {
    let why: string | undefined;
    try {
      const { flowDefinition, lost } = recoverFlowDefinition(await o.describeFlow(flowName));
      const candidate: IntegrationSpec = { ...spec, flowDefinition };
      delete candidate.uri; // AWS names a flow's integration itself; the flow name identifies it
      const problems = validateResource({ apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec: candidate });
      if (lost.length) why = `AppFlow reports settings a flowDefinition cannot express: ${lost.join(', ')}`;
      else if (problems.length) why = `the flow AppFlow reports is not a valid flowDefinition: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
      else {
        Object.assign(spec, candidate);
        delete spec.uri;
        // What AWS has, for the controller's first claim (and a later switch to Manage): no Put.
        annotations[ANNOTATIONS.observedFlowHash] = flowDefinitionHash(flowDefinition)!;
      }
    } catch (err) {
      why = `AppFlow DescribeFlow ${flowName} failed: ${describeError(err)}`;
    }
    if (why) {
      notes.push(`flowDefinition not recovered: ${why}.`);
      notes.push('FlowDefinition is write-only in Customer Profiles, so this resource stays in Observe (read-only);');
      notes.push('write its flowDefinition and set managementPolicy: Manage to manage the flow.');
      policy = 'Observe';
    }
  }
  if (o.region) spec.region = o.region;
  spec.managementPolicy = policy;
  spec.deletionPolicy = o.deletionPolicy ?? 'Retain';
  // Importing is a person asking to take over what exists: the explicit opt-in the controller
  // requires to write to it (Observe needs none; it is there for a later switch to Manage).
  annotations[ANNOTATIONS.adopt] = 'true';
  const metadata: CustomerProfilesIntegration['metadata'] = { name };
  if (o.namespace) metadata.namespace = o.namespace;
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  return { object: { apiVersion: API_VERSION, kind: KIND, metadata, spec }, notes };
}

/** One resource per integration, named from its Uri, in Uri order. */
export async function importIntegrations(items: ObservedIntegration[], o: ImportOptions): Promise<ImportedResource[]> {
  const sorted = [...items].sort((a, b) => a.uri.localeCompare(b.uri));
  const names = uniqueNames(sorted.map((i) => i.uri));
  const out: ImportedResource[] = [];
  for (const [i, item] of sorted.entries()) out.push(await importOne(item, names[i]!, o));
  return out;
}

/** Multi-document YAML (1.1, as kubectl reads it), each document preceded by its notes. */
export function renderImport(resources: ReadonlyArray<{ object: object; notes: string[] }>, header: string[]): string {
  const head = header.map((l) => `# ${l}`).join('\n');
  if (resources.length === 0) return `${head}\n`;
  const docs = resources.map((r) => {
    const doc = new Document(r.object, { version: '1.1' });
    if (r.notes.length) doc.commentBefore = r.notes.map((l) => ` ${l}`).join('\n');
    return doc.toString({ lineWidth: 0 });
  });
  return `${head}\n${docs.map((d) => `---\n${d}`).join('')}`;
}
