// TypeScript types of the resource, derived from the schema so they cannot drift from it.
import type { Static } from 'typebox';
import type { DomainSpecSchema, DomainStatusSchema } from './domain-schema.ts';
import type { ObjectTypeSpecSchema, ObjectTypeStatusSchema } from './object-type-schema.ts';
import type { ConditionSchema, SpecSchema, StatusSchema } from './schema.ts';

export type IntegrationSpec = Static<typeof SpecSchema>;
/** spec.flowDefinition, in the resource's camelCase form. */
export type FlowDefinition = NonNullable<IntegrationSpec['flowDefinition']>;
export type Task = FlowDefinition['tasks'][number];
export type IntegrationStatus = Static<typeof StatusSchema>;
export type Condition = Static<typeof ConditionSchema>;

export type DomainSpec = Static<typeof DomainSpecSchema>;
export type DomainStatus = Static<typeof DomainStatusSchema>;
export type ObjectTypeSpec = Static<typeof ObjectTypeSpecSchema>;
export type ObjectTypeStatus = Static<typeof ObjectTypeStatusSchema>;

export interface ResourceMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

export interface CustomerProfilesIntegration {
  apiVersion: string;
  kind: string;
  metadata: ResourceMetadata;
  spec: IntegrationSpec;
  status?: IntegrationStatus;
}

export interface CustomerProfilesDomain {
  apiVersion: string;
  kind: string;
  metadata: ResourceMetadata;
  spec: DomainSpec;
  status?: DomainStatus;
}

export interface CustomerProfilesObjectType {
  apiVersion: string;
  kind: string;
  metadata: ResourceMetadata;
  spec: ObjectTypeSpec;
  status?: ObjectTypeStatus;
}

/** A resource of any kind of the group. */
export type CustomerProfilesResource = CustomerProfilesIntegration | CustomerProfilesDomain | CustomerProfilesObjectType;
