import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { allCrdsYaml, buildCrd, crdYaml } from '../../../src/api/crd.ts';
import { ALL_KIND_NAMES, CRD_NAME, DOMAIN_NAMES, GROUP, KIND, OBJECT_TYPE_NAMES, PLURAL, VERSION } from '../../../src/api/group.ts';
import { run as crdCommand } from '../../../src/cli/commands/crd.ts';

interface Node {
  type?: string;
  description?: string;
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node | boolean;
  maxLength?: number;
  maxItems?: number;
  maxProperties?: number;
  enum?: unknown[];
  format?: string;
  [k: string]: unknown;
}

const root = join(import.meta.dirname, '..', '..', '..');
type Crd = { spec: { names: Record<string, unknown>; scope: string; versions: Array<Record<string, unknown> & { schema: { openAPIV3Schema: Node } }> } };
const crd = buildCrd() as unknown as Crd;
const version = crd.spec.versions[0]!;
const schema = version.schema.openAPIV3Schema;

function walk(n: Node, path: string, visit: (n: Node, path: string) => void): void {
  visit(n, path);
  for (const [k, c] of Object.entries(n.properties ?? {})) walk(c, `${path}.${k}`, visit);
  if (n.items) walk(n.items, `${path}[]`, visit);
  if (typeof n.additionalProperties === 'object') walk(n.additionalProperties, `${path}{}`, visit);
}

/** Every field but the root and metadata has a description (kubectl explain), and every string,
 * list and map a bound (the API server's CEL cost estimate). */
function expectDescribedAndBounded(n: Node, path: string): void {
  if (path === '' || path === '.metadata') return;
  if (!path.endsWith('{}') && !path.endsWith('[]')) expect(n.description, `${path} has a description`).toBeTruthy();
  if (n.type === 'string' && !n.enum) expect(n.maxLength, `${path} maxLength`).toBeGreaterThan(0);
  if (n.type === 'array') expect(n.maxItems, `${path} maxItems`).toBeGreaterThan(0);
  if (typeof n.additionalProperties === 'object') expect(n.maxProperties, `${path} maxProperties`).toBeGreaterThan(0);
}

describe.each(ALL_KIND_NAMES.map((n) => [n.kind, n] as const))('the CRD of %s', (kind, names) => {
  const kindCrd = buildCrd(kind) as unknown as Crd & { metadata: { name: string }; spec: { group: string } };
  const kindVersion = kindCrd.spec.versions[0]!;
  const kindSchema = kindVersion.schema.openAPIV3Schema;

  it(`is the committed crds/${names.plural}.yaml (run npm run gen:crd after changing the schema)`, () => {
    const committed = readFileSync(join(root, 'crds', `${names.plural}.yaml`), 'utf8');
    expect(committed).toBe(crdYaml(kind));
    expect(parse(committed)).toEqual(kindCrd);
  });

  it('carries the names of group.ts, namespaced, in the category aws, with a status subresource', () => {
    expect(kindCrd.metadata.name).toBe(names.crdName);
    expect(kindCrd.metadata.name).toBe(`${names.plural}.${GROUP}`);
    expect(kindCrd.spec.group).toBe(GROUP);
    expect(kindCrd.spec.names).toEqual({ kind, listKind: names.listKind, plural: names.plural, singular: names.singular, shortNames: [...names.shortNames], categories: ['aws'] });
    expect(kindCrd.spec.scope).toBe('Namespaced');
    expect(kindVersion).toMatchObject({ name: VERSION, served: true, storage: true, subresources: { status: {} } });
  });

  it('is a structural schema, bounded for CEL cost, with a description on every field for kubectl explain', () => {
    walk(kindSchema, '', (n, path) => {
      expect(n.type, `${path} has a type`).toBeDefined();
      expect(n.additionalProperties, path).not.toBe(false);
      for (const k of ['propertyNames', 'patternProperties', 'anyOf', 'oneOf', 'allOf']) expect(n, path).not.toHaveProperty(k);
      if (n.properties && n.additionalProperties) throw new Error(`${path}: properties and additionalProperties together`);
      expectDescribedAndBounded(n, path);
    });
  });

  it('shows Ready, Synced and Age, and -o wide Reason, Region, Account, Ownership, Policy, Deletion', () => {
    const cols = kindVersion.additionalPrinterColumns as Array<{ name: string; jsonPath: string; priority?: number }>;
    expect(cols.filter((c) => !c.priority).map((c) => c.name)).toEqual(expect.arrayContaining(['Domain', 'Ready', 'Synced', 'Age']));
    expect(cols.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(['Reason', 'Region', 'Account', 'Ownership', 'Policy', 'Deletion']);
    // Header names are one word each: `kubectl get` output splits on whitespace.
    for (const c of cols) expect(c.name, c.jsonPath).toMatch(/^[A-Za-z]+$/);
  });

  it('keys conditions by type, defaults managementPolicy to Manage', () => {
    const conditions = kindSchema.properties!.status!.properties!.conditions!;
    expect(conditions).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
    expect(conditions.items!.required).toEqual(['type', 'status', 'lastTransitionTime', 'reason', 'message']);
    expect(kindSchema.properties!.spec!.properties!.managementPolicy).toMatchObject({ enum: ['Manage', 'Observe'], default: 'Manage' });
  });
});

describe('the CRDs of the domain and the object type', () => {
  const specOf = (kind: string) => (buildCrd(kind as never) as unknown as Crd).spec.versions[0]!.schema.openAPIV3Schema.properties!.spec!;

  it('a domain is retained by default (DeleteDomain deletes all customer data), an object type deleted', () => {
    const domain = specOf(DOMAIN_NAMES.kind);
    expect(domain.properties!.deletionPolicy).toMatchObject({ enum: ['Delete', 'Retain'], default: 'Retain' });
    expect(domain.properties!.deletionPolicy!.description).toMatch(/DeleteDomain deletes every profile/);
    expect(specOf(OBJECT_TYPE_NAMES.kind).properties!.deletionPolicy).toMatchObject({ default: 'Delete' });
  });

  it('require the names AWS needs and lock them with CEL', () => {
    const domain = specOf(DOMAIN_NAMES.kind);
    expect(domain.required).toEqual(['domainName', 'defaultExpirationDays']);
    expect(domain.properties!.domainName!['x-kubernetes-validations']).toEqual([expect.objectContaining({ rule: 'self == oldSelf' })]);
    const objectType = specOf(OBJECT_TYPE_NAMES.kind);
    expect(objectType.required).toEqual(['domainName', 'objectTypeName', 'description']);
    for (const f of ['domainName', 'objectTypeName']) {
      expect(objectType.properties![f]!['x-kubernetes-validations'], f).toEqual([expect.objectContaining({ rule: 'self == oldSelf' })]);
    }
  });

  it('print the object type name next to the domain', () => {
    const cols = (buildCrd(OBJECT_TYPE_NAMES.kind) as unknown as Crd).spec.versions[0]!.additionalPrinterColumns as Array<{ name: string; jsonPath: string; priority?: number }>;
    expect(cols.filter((c) => !c.priority).map((c) => [c.name, c.jsonPath])).toEqual([
      ['Domain', '.spec.domainName'],
      ['ObjectType', '.spec.objectTypeName'],
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Synced', '.status.conditions[?(@.type=="Synced")].status'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
    expect((buildCrd(DOMAIN_NAMES.kind) as unknown as Crd).spec.versions[0]!.additionalPrinterColumns).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Domain', jsonPath: '.spec.domainName' })]),
    );
  });
});

describe('the CRD of CustomerProfilesIntegration', () => {
  it('names the resource as the design says', () => {
    expect((crd as unknown as { metadata: { name: string } }).metadata.name).toBe(CRD_NAME);
    expect(crd.spec.names).toMatchObject({ kind: KIND, plural: PLURAL, shortNames: ['cpi', 'cpint'], categories: ['aws'] });
    expect(crd.spec.scope).toBe('Namespaced');
    expect(version).toMatchObject({ name: VERSION, served: true, storage: true, subresources: { status: {} } });
    expect((crd as unknown as { spec: { group: string } }).spec.group).toBe(GROUP);
  });

  it('has the printer columns Domain, Uri, Ready, Synced, Workflow, Age, then wide ones', () => {
    const cols = version.additionalPrinterColumns as Array<{ name: string; jsonPath: string; priority?: number }>;
    expect(cols.filter((c) => !c.priority).map((c) => c.name)).toEqual(['Domain', 'Uri', 'Ready', 'Synced', 'Workflow', 'Age']);
    expect(cols.find((c) => c.name === 'Uri')!.jsonPath).toBe('.status.uri');
    expect(cols.find((c) => c.name === 'Ready')!.jsonPath).toBe('.status.conditions[?(@.type=="Ready")].status');
    expect(cols.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(expect.arrayContaining(['Region', 'Policy']));
  });

  it('is a structural schema: every node typed, no additionalProperties: false, no propertyNames', () => {
    walk(schema, '', (n, path) => {
      expect(n.type, `${path} has a type`).toBeDefined();
      expect(n.additionalProperties, path).not.toBe(false);
      expect(n, path).not.toHaveProperty('propertyNames');
      expect(n, path).not.toHaveProperty('patternProperties');
      expect(n, path).not.toHaveProperty('anyOf');
      if (n.properties && n.additionalProperties) throw new Error(`${path}: properties and additionalProperties together`);
    });
  });

  it('bounds every string, list and map (CEL cost), and describes every field for kubectl explain', () => {
    walk(schema, '', expectDescribedAndBounded);
  });

  it('defaults the policies and keys conditions by type', () => {
    const spec = schema.properties!.spec!.properties!;
    expect(spec.deletionPolicy).toMatchObject({ enum: ['Delete', 'Retain'], default: 'Delete' });
    expect(spec.managementPolicy).toMatchObject({ enum: ['Manage', 'Observe'], default: 'Manage' });
    const conditions = schema.properties!.status!.properties!.conditions!;
    expect(conditions).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
    expect(conditions.items!.required).toEqual(['type', 'status', 'lastTransitionTime', 'reason', 'message']);
    // status.appliedFlowDefinition has the spec's shape but none of its CEL rules.
    const applied = schema.properties!.status!.properties!.appliedFlowDefinition!;
    expect(Object.keys(applied.properties!)).toEqual(Object.keys(spec.flowDefinition!.properties!));
    expect(JSON.stringify(applied)).not.toContain('x-kubernetes-validations');
  });

  it('`cpi crd` prints it after the domain\'s and the object type\'s, as one multi-document stream', async () => {
    const out: string[] = [];
    const code = await crdCommand([], { out: (l) => out.push(l), err: () => {} });
    expect(code).toBe(0);
    expect(out.join('\n')).toBe(allCrdsYaml());
    const docs = parseAllDocuments(out.join('\n')).map((d) => d.toJS());
    expect(docs).toEqual([buildCrd(DOMAIN_NAMES.kind), buildCrd(OBJECT_TYPE_NAMES.kind), buildCrd()]);
    expect(allCrdsYaml()).toContain(crdYaml());
  });
});
