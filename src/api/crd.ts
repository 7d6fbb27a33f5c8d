// The CustomResourceDefinitions, built from the one schema of each kind. `cpi crd` prints them
// and crds/<plural>.yaml is this output (npm run gen:crd; a test compares them).
import { stringify } from 'yaml';
import { API_VERSION, CATEGORIES, GROUP, INTEGRATION_NAMES, KIND, VERSION, type ResourceKind } from './group.ts';
import { ALL_KINDS, KINDS } from './kinds.ts';

/**
 * The schema as the API server wants it: `additionalProperties: false` dropped (a structural
 * schema may not say it; unknown fields are pruned or, with kubectl's default strict field
 * validation, rejected), empty `required` lists dropped.
 */
export function toStructuralSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toStructuralSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'additionalProperties' && v === false) continue;
    if (k === 'required' && Array.isArray(v) && v.length === 0) continue;
    // Enum values and CEL rules are data, not schemas; copy them as they are.
    out[k] = k === 'enum' || k === 'x-kubernetes-validations' || k === 'default' ? v : toStructuralSchema(v);
  }
  return out;
}

interface Column {
  name: string;
  type: 'string' | 'date' | 'integer';
  jsonPath: string;
  description?: string;
  priority?: number;
}

const condition = (type: string) => `.status.conditions[?(@.type=="${type}")].status`;
const domainColumn: Column = { name: 'Domain', type: 'string', jsonPath: '.spec.domainName', description: 'Customer Profiles domain' };
const readyColumn = (noun: string): Column => ({ name: 'Ready', type: 'string', jsonPath: condition('Ready'), description: `The ${noun} exists and matches the spec` });
const syncedColumn: Column = { name: 'Synced', type: 'string', jsonPath: condition('Synced'), description: 'The last reconcile reached AWS' };
const ageColumn: Column = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/** `kubectl get -o wide` adds these, for every kind. */
function wideColumns(noun: string): Column[] {
  return [
    { name: 'Reason', type: 'string', priority: 1, jsonPath: '.status.conditions[?(@.type=="Ready")].reason', description: 'Why Ready is what it is' },
    { name: 'Region', type: 'string', priority: 1, jsonPath: '.status.region', description: `Region the ${noun} is managed in` },
    { name: 'Account', type: 'string', priority: 1, jsonPath: '.status.account', description: `AWS account the ${noun} lives in (pinned)` },
    { name: 'Ownership', type: 'string', priority: 1, jsonPath: '.status.ownership', description: 'Created or Adopted: why the operator may write to and delete it' },
    { name: 'Policy', type: 'string', priority: 1, jsonPath: '.spec.managementPolicy', description: 'Manage or Observe' },
    { name: 'Deletion', type: 'string', priority: 1, jsonPath: '.spec.deletionPolicy', description: 'Delete or Retain' },
  ];
}

const COLUMNS: Record<ResourceKind, Column[]> = {
  [INTEGRATION_NAMES.kind]: [
    domainColumn,
    { name: 'Uri', type: 'string', jsonPath: '.status.uri', description: 'URI of the integration in AWS' },
    readyColumn('integration'),
    syncedColumn,
    { name: 'Workflow', type: 'string', jsonPath: '.status.workflowId', description: 'Workflow id reported by AWS' },
    ageColumn,
    ...wideColumns('integration'),
  ],
  CustomerProfilesDomain: [domainColumn, readyColumn('domain'), syncedColumn, ageColumn, ...wideColumns('domain')],
  CustomerProfilesObjectType: [
    domainColumn,
    { name: 'ObjectType', type: 'string', jsonPath: '.spec.objectTypeName', description: 'Name of the object type in AWS' },
    readyColumn('object type'),
    syncedColumn,
    ageColumn,
    ...wideColumns('object type'),
  ],
};

/** The CRD of one kind (by default CustomerProfilesIntegration). */
export function buildCrd(kind: ResourceKind = KIND): Record<string, unknown> {
  const { names, resourceSchema } = KINDS[kind];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: names.crdName,
      labels: { 'app.kubernetes.io/name': 'customer-profiles-operator', 'app.kubernetes.io/part-of': 'customer-profiles-operator' },
    },
    spec: {
      group: GROUP,
      names: { kind: names.kind, listKind: names.listKind, plural: names.plural, singular: names.singular, shortNames: [...names.shortNames], categories: [...CATEGORIES] },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: COLUMNS[kind],
          schema: { openAPIV3Schema: toStructuralSchema(resourceSchema) },
        },
      ],
    },
  };
}

/** crds/<plural>.yaml of one kind: the CRD under a do-not-edit header. */
export function crdYaml(kind: ResourceKind = KIND): string {
  const header = `# GENERATED from src/api/${KINDS[kind].schemaFile} by \`npm run gen:crd\` (also: \`cpi crd\`). Do not edit.\n# ${API_VERSION} ${kind}\n`;
  return header + stringify(buildCrd(kind), { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Every CRD of the group as one multi-document YAML stream, domain first. */
export function allCrdsYaml(): string {
  return ALL_KINDS.map((k) => crdYaml(k)).join('---\n');
}
