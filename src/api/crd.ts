// The CustomResourceDefinition, built from the one schema. `cpi crd` prints it and
// crds/customerprofilesintegrations.yaml is this output (npm run gen:crd; a test compares them).
import { stringify } from 'yaml';
import { API_VERSION, CATEGORIES, CRD_NAME, GROUP, KIND, LIST_KIND, PLURAL, SHORT_NAMES, SINGULAR, VERSION } from './group.ts';
import { ResourceSchema } from './schema.ts';

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

const condition = (type: string) => `.status.conditions[?(@.type=="${type}")].status`;

export function buildCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: CRD_NAME,
      labels: { 'app.kubernetes.io/name': 'customer-profiles-operator', 'app.kubernetes.io/part-of': 'customer-profiles-operator' },
    },
    spec: {
      group: GROUP,
      names: { kind: KIND, listKind: LIST_KIND, plural: PLURAL, singular: SINGULAR, shortNames: [...SHORT_NAMES], categories: [...CATEGORIES] },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Domain', type: 'string', jsonPath: '.spec.domainName', description: 'Customer Profiles domain' },
            { name: 'Uri', type: 'string', jsonPath: '.status.uri', description: 'URI of the integration in AWS' },
            { name: 'Ready', type: 'string', jsonPath: condition('Ready'), description: 'The integration exists and matches the spec' },
            { name: 'Synced', type: 'string', jsonPath: condition('Synced'), description: 'The last reconcile reached AWS' },
            { name: 'Workflow', type: 'string', jsonPath: '.status.workflowId', description: 'Workflow id reported by AWS' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            { name: 'Reason', type: 'string', priority: 1, jsonPath: '.status.conditions[?(@.type=="Ready")].reason', description: 'Why Ready is what it is' },
            { name: 'Region', type: 'string', priority: 1, jsonPath: '.status.region', description: 'Region the integration is managed in' },
            { name: 'Account', type: 'string', priority: 1, jsonPath: '.status.account', description: 'AWS account the integration lives in (pinned)' },
            { name: 'Ownership', type: 'string', priority: 1, jsonPath: '.status.ownership', description: 'Created or Adopted: why the operator may write to and delete it' },
            { name: 'Policy', type: 'string', priority: 1, jsonPath: '.spec.managementPolicy', description: 'Manage or Observe' },
            { name: 'Deletion', type: 'string', priority: 1, jsonPath: '.spec.deletionPolicy', description: 'Delete or Retain' },
          ],
          schema: { openAPIV3Schema: toStructuralSchema(ResourceSchema) },
        },
      ],
    },
  };
}

export function crdYaml(): string {
  const header = `# GENERATED from src/api/schema.ts by \`npm run gen:crd\` (also: \`cpi crd\`). Do not edit.\n# ${API_VERSION} ${KIND}\n`;
  return header + stringify(buildCrd(), { lineWidth: 0, aliasDuplicateObjects: false });
}
