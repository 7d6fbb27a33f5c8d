// What a resource needs before it can converge, and what must go before it can be deleted, among
// resources of one namespace: an object type needs its domain, an integration its domain and its
// object types; a domain goes after everything in it, an object type after the integrations that
// use it. Only what is managed in the same namespace is waited for (a domain made elsewhere is
// AWS's to answer for). Pure functions over the caches; the manager wires them in.
import { keyOf, type ManagedObject } from '../api/managed-object.ts';
import type { CustomerProfilesDomain, CustomerProfilesIntegration, CustomerProfilesObjectType } from '../api/types.ts';
import type { ObjectCache } from './controller.ts';

export interface KindCaches {
  domains?: Pick<ObjectCache<CustomerProfilesDomain>, 'list'> | undefined;
  objectTypes?: Pick<ObjectCache<CustomerProfilesObjectType>, 'list'> | undefined;
  integrations: Pick<ObjectCache<CustomerProfilesIntegration>, 'list'>;
}


/** A dependency is there once AWS reported it exists (status.createdAt) and it is not being deleted. */
export const exists = (o: ManagedObject) => !!o.status?.createdAt && !o.metadata.deletionTimestamp;

/** The object type names an integration uses. */
export function objectTypesOf(i: CustomerProfilesIntegration): string[] {
  return [...new Set([i.spec.objectTypeName, ...Object.values(i.spec.objectTypeNames ?? {})].filter((n): n is string => !!n))];
}

function waitingFor(missing: ManagedObject[], kind: string, what: (o: ManagedObject) => string): string | undefined {
  if (missing.length === 0) return undefined;
  const names = missing.map((o) => `${kind} ${keyOf(o)} (${what(o)})`).join(', ');
  return `waiting for ${names} to exist in AWS; nothing is sent to AWS until then`;
}

function domainsOf(c: KindCaches, namespace: string, domainName: string) {
  return (c.domains?.list(namespace) ?? []).filter((d) => d.spec.domainName === domainName);
}

export function objectTypeWaitsFor(c: KindCaches, ot: CustomerProfilesObjectType): string | undefined {
  const missing = domainsOf(c, ot.metadata.namespace ?? '', ot.spec.domainName).filter((d) => !exists(d));
  return waitingFor(missing, 'CustomerProfilesDomain', (d) => `domain ${d.spec.domainName}`);
}

export function integrationWaitsFor(c: KindCaches, i: CustomerProfilesIntegration): string | undefined {
  const ns = i.metadata.namespace ?? '';
  const names = new Set(objectTypesOf(i));
  const domains = domainsOf(c, ns, i.spec.domainName).filter((d) => !exists(d));
  const types = (c.objectTypes?.list(ns) ?? []).filter((t) => t.spec.domainName === i.spec.domainName && names.has(t.spec.objectTypeName) && !exists(t));
  return (
    waitingFor(domains, 'CustomerProfilesDomain', (d) => `domain ${d.spec.domainName}`) ??
    waitingFor(types, 'CustomerProfilesObjectType', (t) => `object type ${(t as CustomerProfilesObjectType).spec.objectTypeName}`)
  );
}

function usersWaiting(users: ManagedObject[], noun: string, name: string): string | undefined {
  if (users.length === 0) return undefined;
  const shown = users.slice(0, 5).map(keyOf).join(', ') + (users.length > 5 ? ` and ${users.length - 5} more` : '');
  return `the ${noun} ${name} is deleted after the resources that use it: ${shown} (delete them, or set deletionPolicy: Retain on this one)`;
}

/** The object types and integrations in a domain's namespace that name it. */
function domainUsers(c: KindCaches, d: CustomerProfilesDomain): ManagedObject[] {
  const ns = d.metadata.namespace ?? '';
  const inIt = (o: ManagedObject) => o.spec.domainName === d.spec.domainName;
  return [...(c.objectTypes?.list(ns) ?? []).filter(inIt), ...c.integrations.list(ns).filter(inIt)];
}

/** The integrations in an object type's namespace that map into it. */
function objectTypeUsers(c: KindCaches, t: CustomerProfilesObjectType): CustomerProfilesIntegration[] {
  return c.integrations.list(t.metadata.namespace ?? '').filter((i) => i.spec.domainName === t.spec.domainName && objectTypesOf(i).includes(t.spec.objectTypeName));
}

/** A domain with deletionPolicy Delete goes last: after the object types and integrations in it. */
export function domainDeleteWaitsFor(c: KindCaches, d: CustomerProfilesDomain): string | undefined {
  return usersWaiting(domainUsers(c, d), 'domain', d.spec.domainName);
}

/** An object type goes after the integrations that map into it. */
export function objectTypeDeleteWaitsFor(c: KindCaches, ot: CustomerProfilesObjectType): string | undefined {
  return usersWaiting(objectTypeUsers(c, ot), 'object type', ot.spec.objectTypeName);
}

/** Keys of the resources that wait for a domain (to requeue when it comes to exist): the same ones. */
export function domainDependents(c: KindCaches, d: CustomerProfilesDomain): string[] {
  return domainUsers(c, d).map(keyOf);
}

/** Keys of the integrations that wait for an object type. */
export function objectTypeDependents(c: KindCaches, t: CustomerProfilesObjectType): string[] {
  return objectTypeUsers(c, t).map(keyOf);
}

/** Keys of the deleting domains (and object types, for an integration) a resource that went was holding up. */
export function heldUp(c: KindCaches, o: ManagedObject, objectTypeNames: string[] = []): string[] {
  const ns = o.metadata.namespace ?? '';
  const deleting = (x: ManagedObject) => !!x.metadata.deletionTimestamp && x.spec.domainName === o.spec.domainName;
  const domains = (c.domains?.list(ns) ?? []).filter(deleting);
  const types = (c.objectTypes?.list(ns) ?? []).filter((t) => deleting(t) && objectTypeNames.includes(t.spec.objectTypeName));
  return [...domains, ...types].map(keyOf);
}
