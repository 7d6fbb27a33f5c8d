// The three kinds of the group, each with what the API code needs of it: names, the resource
// schema, the spec schema the converters walk, the CEL rules, the words for people and the
// conversion check. crd.ts builds CRDs from it and validate.ts dispatches on `kind` through it.
import type { TSchema } from 'typebox';
import { conversionProblem, type ConversionError } from './convert.ts';
import { domainConversionProblem } from './convert-domain.ts';
import { objectTypeConversionProblem } from './convert-object-type.ts';
import { DomainResourceSchema, domainSpecNode } from './domain-schema.ts';
import { ALL_KIND_NAMES, DOMAIN_NAMES, INTEGRATION_NAMES, OBJECT_TYPE_NAMES, type KindNames, type ResourceKind } from './group.ts';
import { ObjectTypeResourceSchema, objectTypeSpecNode } from './object-type-schema.ts';
import { DOMAIN_RULES, OBJECT_TYPE_RULES, RULES, type Rule } from './rules.ts';
import { ResourceSchema, specNode } from './schema.ts';
import type { SchemaNode } from './schema-builders.ts';
import type { DomainSpec, IntegrationSpec, ObjectTypeSpec } from './types.ts';

export interface KindApi {
  names: KindNames;
  /** What people call one, in messages and descriptions: "domain". */
  noun: string;
  /** The file under src/api/ that holds the schema (named in the CRD's header). */
  schemaFile: string;
  resourceSchema: TSchema;
  specNode: SchemaNode;
  rules: readonly Rule[];
  conversionProblem(spec: unknown): ConversionError | undefined;
}

export const KINDS: Readonly<Record<ResourceKind, KindApi>> = {
  [DOMAIN_NAMES.kind]: {
    names: DOMAIN_NAMES,
    noun: 'domain',
    schemaFile: 'domain-schema.ts',
    resourceSchema: DomainResourceSchema,
    specNode: domainSpecNode,
    rules: DOMAIN_RULES,
    conversionProblem: (spec) => domainConversionProblem(spec as DomainSpec),
  },
  [OBJECT_TYPE_NAMES.kind]: {
    names: OBJECT_TYPE_NAMES,
    noun: 'object type',
    schemaFile: 'object-type-schema.ts',
    resourceSchema: ObjectTypeResourceSchema,
    specNode: objectTypeSpecNode,
    rules: OBJECT_TYPE_RULES,
    conversionProblem: (spec) => objectTypeConversionProblem(spec as ObjectTypeSpec),
  },
  [INTEGRATION_NAMES.kind]: {
    names: INTEGRATION_NAMES,
    noun: 'integration',
    schemaFile: 'schema.ts',
    resourceSchema: ResourceSchema,
    specNode,
    rules: RULES,
    conversionProblem: (spec) => conversionProblem(spec as IntegrationSpec),
  },
};

/** Every kind, domain first (the order they depend on each other). */
export const ALL_KINDS: readonly ResourceKind[] = ALL_KIND_NAMES.map((n) => n.kind);

export function isResourceKind(kind: unknown): kind is ResourceKind {
  return typeof kind === 'string' && Object.hasOwn(KINDS, kind);
}
