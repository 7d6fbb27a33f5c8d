// Dependencies as events: a domain or object type that comes to exist in AWS requeues, at once,
// the resources waiting for it; a resource that goes requeues the deletes it was holding up.
import type { ManagedObject } from '../api/managed-object.ts';
import type { CustomerProfilesDomain, CustomerProfilesIntegration, CustomerProfilesObjectType } from '../api/types.ts';
import { domainDependents, exists, heldUp, objectTypeDependents, objectTypesOf, type KindCaches } from './dependencies.ts';
import type { KindParts } from './kind-controller.ts';

interface Parts {
  integrations: KindParts<CustomerProfilesIntegration>;
  domains?: KindParts<CustomerProfilesDomain> | undefined;
  objectTypes?: KindParts<CustomerProfilesObjectType> | undefined;
}

const keyOf = (o: ManagedObject) => `${o.metadata.namespace}/${o.metadata.name}`;

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
  const requeue = (keys: string[], parts: KindParts<never> | KindParts<ManagedObject> | undefined) => {
    for (const key of keys) (parts as KindParts<ManagedObject> | undefined)?.controller.enqueue(key);
  };
  // Which controller a dependent key belongs to: one key may name an object type and an integration.
  const requeueDependents = (keys: string[]) => {
    for (const key of keys) {
      const [ns, name] = key.split('/') as [string, string];
      if (objectTypes?.cache.get(name, ns)) objectTypes.controller.enqueue(key);
      if (integrations.cache.get(name, ns)) integrations.controller.enqueue(key);
    }
  };
  if (domains) onceExisting(domains, (d) => requeueDependents(domainDependents(caches, d)));
  if (objectTypes) {
    onceExisting(objectTypes, (t) => requeue(objectTypeDependents(caches, t), integrations as unknown as KindParts<ManagedObject>));
    objectTypes.cache.on('delete', (t) => requeue(heldUp(caches, t), domains as unknown as KindParts<ManagedObject>));
  }
  integrations.cache.on('delete', (i) => {
    for (const key of heldUp(caches, i, objectTypesOf(i))) {
      const [ns, name] = key.split('/') as [string, string];
      if (domains?.cache.get(name, ns)) domains.controller.enqueue(key);
      if (objectTypes?.cache.get(name, ns)) objectTypes.controller.enqueue(key);
    }
  });
}
