// Dependencies as events: a domain or object type that comes to exist in AWS requeues, at once,
// the resources waiting for it; a resource that goes requeues the deletes it was holding up.
import { keyOf, type ManagedObject } from '../api/managed-object.ts';
import type { CustomerProfilesDomain, CustomerProfilesIntegration, CustomerProfilesObjectType } from '../api/types.ts';
import { domainDependents, exists, heldUp, objectTypeDependents, objectTypesOf, type KindCaches } from './dependencies.ts';
import type { KindParts } from './kind-controller.ts';

interface Parts {
  integrations: KindParts<CustomerProfilesIntegration>;
  domains?: KindParts<CustomerProfilesDomain> | undefined;
  objectTypes?: KindParts<CustomerProfilesObjectType> | undefined;
}


/** Calls `fn` once each time an object of the cache comes to exist in AWS (status.createdAt set). */
function onceExisting<R extends ManagedObject>(parts: KindParts<R>, fn: (obj: R) => void): void {
  const existing = new Set<string>();
  const seen = (obj: R) => {
    const key = keyOf(obj);
    if (!exists(obj)) return void existing.delete(key);
    if (existing.has(key)) return;
    existing.add(key);
    fn(obj);
  };
  parts.cache.on('add', seen);
  parts.cache.on('update', seen);
  parts.cache.on('delete', (obj) => existing.delete(keyOf(obj)));
}

export function wireDependencies(caches: KindCaches, p: Parts): void {
  const { integrations, domains, objectTypes } = p;
  // A key goes to the controller of each kind that has an object by that name (the same name may
  // be a domain resource and an integration resource in one namespace: both are looked at).
  const requeue = (keys: string[], to: Array<KindParts<ManagedObject> | undefined>) => {
    for (const key of keys) {
      const [ns, name] = key.split('/') as [string, string];
      for (const parts of to) if (parts?.cache.get(name, ns)) parts.controller.enqueue(key);
    }
  };
  const any = (parts: object | undefined) => parts as KindParts<ManagedObject> | undefined;
  if (domains) onceExisting(domains, (d) => requeue(domainDependents(caches, d), [any(objectTypes), any(integrations)]));
  if (objectTypes) {
    onceExisting(objectTypes, (t) => requeue(objectTypeDependents(caches, t), [any(integrations)]));
    objectTypes.cache.on('delete', (t) => requeue(heldUp(caches, t), [any(domains)]));
  }
  integrations.cache.on('delete', (i) => requeue(heldUp(caches, i, objectTypesOf(i)), [any(domains), any(objectTypes)]));
}
