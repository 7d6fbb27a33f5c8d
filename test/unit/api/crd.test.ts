import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildCrd, crdYaml } from '../../../src/api/crd.ts';
import { CRD_NAME, GROUP, KIND, PLURAL, VERSION } from '../../../src/api/group.ts';
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

describe('the CRD', () => {
  it('is the committed crds/customerprofilesintegrations.yaml (run npm run gen:crd after changing the schema)', () => {
    const committed = readFileSync(join(root, 'crds', 'customerprofilesintegrations.yaml'), 'utf8');
    expect(committed).toBe(crdYaml());
    expect(parse(committed)).toEqual(buildCrd());
  });

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
    walk(schema, '', (n, path) => {
      if (path === '' || path === '.metadata') return;
      if (!path.endsWith('{}') && !path.endsWith('[]')) expect(n.description, `${path} has a description`).toBeTruthy();
      if (n.type === 'string' && !n.enum) expect(n.maxLength, `${path} maxLength`).toBeGreaterThan(0);
      if (n.type === 'array') expect(n.maxItems, `${path} maxItems`).toBeGreaterThan(0);
      if (typeof n.additionalProperties === 'object') expect(n.maxProperties, `${path} maxProperties`).toBeGreaterThan(0);
    });
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

  it('`cpi crd` prints it', async () => {
    const out: string[] = [];
    const code = await crdCommand([], { out: (l) => out.push(l), err: () => {} });
    expect(code).toBe(0);
    expect(out.join('\n')).toBe(crdYaml());
  });
});
