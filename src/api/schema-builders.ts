// Builders shared by the schemas of the three kinds (schema.ts, domain-schema.ts,
// object-type-schema.ts): typebox nodes that are also valid in a Kubernetes structural schema,
// the operator's own spec fields, the status members every kind has, and the resource envelope.
// Kind-specific words come in as a noun ("integration", "domain", "object type").
import Type, { type Static, type TObject, type TSchema } from 'typebox';
import { celValidationsAt, type Rule } from './rules.ts';

// ---- builders: typebox nodes that are also valid in a CRD ----

export interface StrOpts {
  min?: number;
  max: number;
  pattern?: string;
  format?: 'date-time';
}
export function str(description: string, o: StrOpts) {
  return Type.String({
    description,
    ...(o.min !== undefined ? { minLength: o.min } : {}),
    maxLength: o.max,
    ...(o.pattern !== undefined ? { pattern: o.pattern } : {}),
    ...(o.format ? { format: o.format } : {}),
  });
}
/**
 * RFC 3339 as AWS and Go parse it, stricter than the API server's `format: date-time` (which lets
 * an offset of +24:00 through, and CEL sees such a field only as an already parsed timestamp):
 * hours 00-23, minutes and offset minutes 00-59, seconds 00-60.
 */
export const RFC3339_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)([.][0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';
export function timestamp(description: string) {
  // 64 characters is far beyond any valid timestamp and bounds CEL cost.
  return str(`${description} An RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z.`, { max: 64, format: 'date-time', pattern: RFC3339_PATTERN });
}
export function enumOf<const T extends readonly string[]>(values: T, description: string, extra: { default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description, ...extra });
}
export function stringMap<V extends TSchema>(value: V, description: string, maxProperties: number) {
  return Type.Unsafe<Record<string, Static<V>>>({ type: 'object', description, maxProperties, additionalProperties: value });
}
export function keyedMap<const K extends readonly string[], V extends TSchema>(_keys: K, value: V, description: string) {
  return Type.Unsafe<Partial<Record<K[number], Static<V>>>>({ type: 'object', description, maxProperties: _keys.length, additionalProperties: value });
}
export function obj<P extends Record<string, TSchema>>(description: string, properties: P) {
  return Type.Object(properties, { description, additionalProperties: false });
}
/** A whole number; the model's bounds where it has them. */
export function int(description: string, o: { min?: number; max?: number } = {}) {
  return Type.Integer({
    description,
    ...(o.min !== undefined ? { minimum: o.min } : {}),
    ...(o.max !== undefined ? { maximum: o.max } : {}),
  });
}

// ---- shapes several kinds share ----

export const NAME_PATTERN = '^[a-zA-Z0-9_-]+$';
export const TYPE_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z_0-9-]*$';
export const REGION_PATTERN = '^[a-z]{2,3}(-[a-z]+)+-[0-9]{1,2}$';
export const DELETION_POLICIES = ['Delete', 'Retain'] as const;
export const MANAGEMENT_POLICIES = ['Manage', 'Observe'] as const;

/** The Customer Profiles domain a resource belongs to (the model's `name` shape). */
export const domainNameField = (description: string) => str(description, { min: 1, max: 64, pattern: NAME_PATTERN });

/** spec.tags: the model's TagMap; key rules are CEL (rules.ts's tagRules). */
export function tagsField(noun: string) {
  return stringMap(
    str('A tag value.', { max: 256 }),
    `Tags of the ${noun} (at most 50). Keys: 1-128 characters of letters, digits and + , - . / : ; < = _, not starting with aws:. Changes are applied with TagResource/UntagResource.`,
    50,
  );
}

/** The spec fields that tell the operator how to manage the resource; never sent to AWS. */
export function operatorSpecFields(noun: string, deletion: { default: (typeof DELETION_POLICIES)[number]; note?: string }) {
  return {
    region: Type.Optional(
      str('AWS region of the domain, e.g. us-east-1. Default: the controller\'s --region (or AWS_REGION). Immutable once set. Not sent to AWS.', { max: 32, pattern: REGION_PATTERN }),
    ),
    deletionPolicy: Type.Optional(
      enumOf(DELETION_POLICIES, `What deleting the resource does in AWS: Delete the ${noun}, or Retain it.${deletion.note ? ` ${deletion.note}` : ''} Not sent to AWS.`, {
        default: deletion.default,
      }),
    ),
    managementPolicy: Type.Optional(
      enumOf(MANAGEMENT_POLICIES, `Manage: create and update the ${noun}. Observe: never write to AWS, only report whether it exists and matches (Ready reason Drifted or NotFound). Not sent to AWS.`, {
        default: 'Manage',
      }),
    ),
  };
}

// ---- status ----

export const ConditionSchema = obj('A metav1.Condition.', {
  type: str('Condition type: Ready, Synced, Reconciling or Stalled.', {
    max: 316,
    pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
  }),
  status: enumOf(['True', 'False', 'Unknown'] as const, 'True, False or Unknown.'),
  observedGeneration: Type.Optional(Type.Integer({ description: 'The metadata.generation this condition was set for.', minimum: 0, format: 'int64' })),
  lastTransitionTime: str('When status last changed. An RFC 3339 date-time.', { max: 64, format: 'date-time' }),
  reason: str('One CamelCase word saying why, e.g. Available, Throttled, InvalidSpec.', { min: 1, max: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  message: str('Details for people.', { max: 32768 }),
});

export const OWNERSHIPS = ['Created', 'Adopted'] as const;

/**
 * The status members every kind has, worded for `noun`. `pinned` lists what is pinned with the
 * account once the AWS resource exists. Each kind places them in its own order.
 */
export function commonStatusMembers(noun: string, pinned: string) {
  return {
    observedGeneration: Type.Optional(Type.Integer({ description: 'The metadata.generation of the last completed reconcile.', minimum: 0, format: 'int64' })),
    conditions: Type.Optional(
      Type.Array(ConditionSchema, {
        description: 'Ready (exists and matches the spec), Synced (the last reconcile reached AWS), Reconciling and Stalled (kstatus).',
        maxItems: 16,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
    region: Type.Optional(str(`The region the ${noun} is managed in (spec.region or the controller's default).`, { max: 32 })),
    account: Type.Optional(
      str(`The AWS account the ${noun} lives in. Pinned with ${pinned} once the ${noun} exists: a change of target is refused (TargetChanged), never followed.`, { max: 12 }),
    ),
    assumedRoleArn: Type.Optional(
      str(`The IAM role the controller assumed for this resource (its namespace's role-arn annotation when the ${noun} was first seen); empty for the controller's own identity.`, { max: 2048 }),
    ),
    ownership: Type.Optional(
      enumOf(
        OWNERSHIPS,
        `Why this resource may write to and delete the ${noun}: Created (it created it; AWS holds the owner tag) or Adopted (a person asked with the adopt annotation, or \`cpi import\`). Absent: it owns nothing.`,
      ),
    ),
    createdAt: Type.Optional(timestamp(`When AWS created the ${noun}.`)),
    lastUpdatedAt: Type.Optional(timestamp(`When AWS last updated the ${noun}.`)),
    lastSyncTime: Type.Optional(timestamp('When the operator last confirmed AWS matches (or reported it does not).')),
    lastHandledReconcileAt: Type.Optional(str('The value of the reconcile-requested-at annotation last handled.', { max: 4096 })),
  };
}

// ---- the resource ----

/** The whole resource of one kind, with the kind's CEL rules attached where they say. */
export function resourceSchema<S extends TObject, T extends TObject>(kind: string, description: string, spec: S, status: T, rules: readonly Rule[]) {
  const root = Type.Object(
    {
      apiVersion: Type.String({ description: 'customerprofiles.gitops.dev/v1alpha1', maxLength: 253 }),
      kind: Type.String({ description: kind, maxLength: 63 }),
      metadata: Type.Unsafe<Record<string, unknown>>({ type: 'object' }),
      spec,
      status: Type.Optional(status),
    },
    { description, additionalProperties: false },
  );
  for (const at of new Set(rules.map((r) => r.at.join('.')))) {
    const path = at.split('.');
    nodeAt(root, path)['x-kubernetes-validations'] = celValidationsAt(rules, path);
  }
  return root;
}

function nodeAt(root: TSchema, at: readonly string[]): Record<string, unknown> {
  let node = root as Record<string, unknown>;
  for (const seg of at) {
    const next = seg === '*' ? node.items : (node.properties as Record<string, unknown> | undefined)?.[seg];
    if (!next) throw new Error(`rules.ts: no schema node at ${at.join('.')}`);
    node = next as Record<string, unknown>;
  }
  return node;
}

/** The schema as plain JSON Schema, for the code that walks it (conversion, hashing, validation messages). */
export interface SchemaNode {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  enum?: string[];
  pattern?: string;
}
