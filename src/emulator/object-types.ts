// Object types of a domain: how Get, Put and List show one, what a Put stores (its own members, or
// a template's), and which integrations use one. CustomerProfiles wires these to the API.
import { badRequest, notFound } from './errors.ts';
import { pick, stamps } from './records.ts';
import type { Semantics } from './semantics.ts';
import type { DomainRecord, IntegrationRecord, ObjectTypeRecord } from './state.ts';
import { type Template, templateById } from './templates.ts';

type Input = Record<string, any>;
type Output = Record<string, unknown>;

/** AWS's quota of keys per object type (docs/aws-behaviour.md, "Domains and object types"). */
const MAX_KEYS = 10;

/** The configuration members PutProfileObjectType writes. */
export const OBJECT_TYPE_MEMBERS = [
  'Description',
  'TemplateId',
  'ExpirationDays',
  'EncryptionKey',
  'AllowProfileCreation',
  'SourceLastUpdatedTimestampFormat',
  'MaxProfileObjectCount',
  'SourcePriority',
  'Fields',
  'Keys',
] as const;

/** What a template sets on an object type made from it. */
const TEMPLATE_MEMBERS = ['AllowProfileCreation', 'SourceLastUpdatedTimestampFormat', 'Fields', 'Keys'] as const;

/** An object type as Get and Put answer it. Names the admin API registered get a stand-in Description. */
export function objectTypeView(t: ObjectTypeRecord): Output {
  const out: Output = { ObjectTypeName: t.ObjectTypeName, ...pick(t, OBJECT_TYPE_MEMBERS) };
  out.Description ??= `Object type ${t.ObjectTypeName}`;
  // No profile objects are ever stored, so the whole provisioned count is available.
  if (t.MaxProfileObjectCount !== undefined) out.MaxAvailableProfileObjectCount = t.MaxProfileObjectCount;
  return { ...out, ...stamps(t) };
}

/** An object type as ListProfileObjectTypes shows it. */
export function objectTypeItem(t: ObjectTypeRecord): Output {
  const v = objectTypeView(t);
  return { ObjectTypeName: v.ObjectTypeName, Description: v.Description, ...pick(v, ['MaxProfileObjectCount', 'MaxAvailableProfileObjectCount', 'SourcePriority']), ...stamps(t) };
}

export function objectTypeOf(d: DomainRecord, name: string): ObjectTypeRecord {
  const t = d.ObjectTypes?.[name];
  if (!t) throw notFound(`Object type ${name} does not exist in domain ${d.DomainName}.`);
  return t;
}

/**
 * The members a Put stores. With a TemplateId the template's members replace the request's
 * (template-members=reject refuses a request that sends them); at most MAX_KEYS keys.
 */
export function objectTypeMembers(input: Input, templateMembers: Semantics['template-members']): Input {
  let members = input;
  if (input.TemplateId !== undefined) {
    const t = templateById(input.TemplateId);
    if (!t) throw badRequest(`Template ${input.TemplateId} does not exist.`);
    const clashing = TEMPLATE_MEMBERS.filter((k) => input[k] !== undefined);
    if (clashing.length && templateMembers === 'reject') {
      throw badRequest(`${clashing.join(', ')} cannot be set together with TemplateId ${t.TemplateId}: the template sets them.`);
    }
    members = { ...input, ...pick(t, TEMPLATE_MEMBERS) };
  }
  const keys = Object.keys(members.Keys ?? {}).length;
  if (keys > MAX_KEYS) throw badRequest(`An object type can have at most ${MAX_KEYS} keys; this request has ${keys}.`);
  return members;
}

/** The integrations of the domain that name the type (ObjectTypeName or an ObjectTypeNames value). */
export function objectTypeUsers(d: DomainRecord, name: string): IntegrationRecord[] {
  return Object.values(d.Integrations).filter((r) => r.ObjectTypeName === name || Object.values(r.ObjectTypeNames ?? {}).includes(name));
}

export const templateItem = (t: Template): Output => ({ TemplateId: t.TemplateId, SourceName: t.SourceName, SourceObject: t.SourceObject });

export function templateView(id: string): Output {
  const t = templateById(id);
  if (!t) throw notFound(`Template ${id} does not exist.`);
  return structuredClone(t) as unknown as Output;
}
