// `cpi import --domain D`: the domain itself and its object types as CustomerProfilesDomain and
// CustomerProfilesObjectType resources, beside its integrations (import-resources.ts). The spec is
// what GetDomain / GetProfileObjectType report (the controller's own conversions), so applying
// them adopts each with no write: the managed reconciler's plan compares the same members.
import { domainSpecFromAws } from '../api/convert-domain.ts';
import { objectTypeSpecFromAws } from '../api/convert-object-type.ts';
import { ANNOTATIONS, API_VERSION, DOMAIN_NAMES, OBJECT_TYPE_NAMES, RESERVED_TAG_PREFIX } from '../api/group.ts';
import type { CustomerProfilesDomain, CustomerProfilesObjectType, DomainSpec, ObjectTypeSpec, ResourceMetadata } from '../api/types.ts';
import { validateResource } from '../api/validate.ts';
import type { DomainDescription, ObjectTypeDescription } from '../aws/types.ts';
import { nameForAwsName, uniqueNames } from './import-names.ts';

export interface SetupImportOptions {
  /** Written to spec.region when given; else the controller's default region applies. */
  region?: string | undefined;
  namespace?: string | undefined;
  managementPolicy: 'Observe' | 'Manage';
  /** Default Retain: deleting the resource never deletes the domain (and its data) or the type. */
  deletionPolicy?: 'Delete' | 'Retain' | undefined;
}

/** One imported resource of any kind, with the comment lines above its document. */
export interface ImportedObject<T = CustomerProfilesDomain | CustomerProfilesObjectType> {
  object: T;
  notes: string[];
}

/**
 * A template's members (AWS docs, PutProfileObjectType TemplateId): AWS takes them from the
 * template and may refuse a request that also sends them, so a type made from one declares none.
 */
const TEMPLATE_MEMBERS = ['allowProfileCreation', 'sourceLastUpdatedTimestampFormat', 'fields', 'keys'] as const;

/** The operator's own tags (an owner tag of another resource) are not the spec's to declare. */
function specTags(tags: Record<string, string> | undefined): Record<string, string> | undefined {
  const kept = Object.entries(tags ?? {}).filter(([k]) => !k.startsWith(RESERVED_TAG_PREFIX));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

function metadataFor(name: string, o: SetupImportOptions): ResourceMetadata {
  // Importing is a person asking to take over what exists: the explicit opt-in the controller
  // requires to write to it (Observe needs none; it is there for a later switch to Manage).
  return { name, ...(o.namespace ? { namespace: o.namespace } : {}), annotations: { [ANNOTATIONS.adopt]: 'true' } };
}

function operatorFields(o: SetupImportOptions) {
  return { ...(o.region ? { region: o.region } : {}), managementPolicy: o.managementPolicy, deletionPolicy: o.deletionPolicy ?? 'Retain' };
}

/** The spec problems of a resource as the CRD's rules see them, as one comment. */
function problemNotes(object: object, noun: string): string[] {
  const problems = validateResource(object);
  if (!problems.length) return [];
  return [
    `AWS reports a ${noun} this resource cannot express as it is: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`,
    'Fix the spec before applying it (the API server would refuse it).',
  ];
}

export function importDomain(aws: DomainDescription, o: SetupImportOptions): ImportedObject<CustomerProfilesDomain> {
  const { tags, ...members } = domainSpecFromAws(aws as Record<string, unknown>);
  const kept = specTags(tags);
  const spec = { domainName: aws.DomainName!, ...members, ...(kept ? { tags: kept } : {}), ...operatorFields(o) } as DomainSpec;
  const object: CustomerProfilesDomain = { apiVersion: API_VERSION, kind: DOMAIN_NAMES.kind, metadata: metadataFor(nameForAwsName(aws.DomainName!, 'domain'), o), spec };
  const keeps = spec.deletionPolicy === 'Retain' ? 'deletionPolicy Retain keeps it when this resource goes' : 'deletionPolicy Delete deletes it with this resource';
  const notes = [`DeleteDomain deletes every profile, object and integration in the domain: ${keeps}.`, ...problemNotes(object, 'domain')];
  return { object, notes };
}

/** One resource per object type, named from its name (unique), in name order. */
export function importObjectTypes(domainName: string, types: ObjectTypeDescription[], o: SetupImportOptions): Array<ImportedObject<CustomerProfilesObjectType>> {
  // Code point order: the same on every machine, whatever its locale.
  const sorted = [...types].sort((a, b) => (a.ObjectTypeName! < b.ObjectTypeName! ? -1 : a.ObjectTypeName! > b.ObjectTypeName! ? 1 : 0));
  const names = uniqueNames(sorted.map((t) => t.ObjectTypeName!), (n) => nameForAwsName(n, 'type'));
  return sorted.map((aws, i) => {
    const { tags, ...members } = objectTypeSpecFromAws(aws as Record<string, unknown>);
    const notes: string[] = [];
    if (members.templateId) {
      for (const m of TEMPLATE_MEMBERS) delete members[m];
      notes.push(`Made from template ${members.templateId}: its fields, keys and settings are the template's, not declared here.`);
    }
    const kept = specTags(tags);
    const spec = { domainName, objectTypeName: aws.ObjectTypeName!, ...members, ...(kept ? { tags: kept } : {}), ...operatorFields(o) } as ObjectTypeSpec;
    const object: CustomerProfilesObjectType = { apiVersion: API_VERSION, kind: OBJECT_TYPE_NAMES.kind, metadata: metadataFor(names[i]!, o), spec };
    notes.push(...problemNotes(object, 'object type'));
    return { object, notes };
  });
}
