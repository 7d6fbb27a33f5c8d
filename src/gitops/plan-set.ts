// The plan of a whole set of manifests, in the order the controller converges them: domains, then
// object types, then integrations. What one plan creates, the next kinds depend on: a resource
// whose domain (or, for an integration, object type) in the same namespace does not exist in AWS
// yet is planned as a create without reading AWS, as the controller waits for it and then finds
// nothing there (a GetProfileObjectType on a missing domain is NotFound).
import { DOMAIN_NAMES, INTEGRATION_NAMES, OBJECT_TYPE_NAMES } from '../api/group.ts';
import type { CustomerProfilesDomain, CustomerProfilesIntegration, CustomerProfilesObjectType, CustomerProfilesResource } from '../api/types.ts';
import { objectTypesOf } from '../controller/dependencies.ts';
import { planResource, type PlanDeps, type ResourcePlan } from './resource-plan.ts';

export interface PlannedManifest {
  file?: string | undefined;
  doc?: number | undefined;
  object: CustomerProfilesResource;
}

/** The order of the kinds in a plan: what the controller converges first comes first. */
const ORDER = [DOMAIN_NAMES.kind, OBJECT_TYPE_NAMES.kind, INTEGRATION_NAMES.kind];
const rank = (o: CustomerProfilesResource) => {
  const i = ORDER.indexOf(o.kind as (typeof ORDER)[number]);
  return i < 0 ? ORDER.length - 1 : i; // validated manifests of the group only: anything else is an integration
};

/** A plan whose resource AWS does not have (a create, or one that would be, paused or Observe). */
export const absentInAws = (p: ResourcePlan) => p.changes.some((c) => c.path === '' && c.kind === 'add');

/**
 * Plans every manifest, `limit` at a time within a kind, and returns the plans domains first,
 * then object types, then integrations, each kind in manifest order.
 */
export async function planManifests(items: PlannedManifest[], deps: PlanDeps, limit = 8): Promise<ResourcePlan[]> {
  const byKind = ORDER.map((_, i) => items.filter((m) => rank(m.object) === i));
  const namespaceOf = (o: CustomerProfilesResource) => o.metadata.namespace || deps.defaultNamespace;
  const missingDomains: Array<{ namespace: string; domainName: string; ref: string }> = [];
  const missingTypes: Array<{ namespace: string; domainName: string; objectTypeName: string; ref: string }> = [];
  const out: ResourcePlan[] = [];

  const after = (o: CustomerProfilesResource): string[] => {
    const ns = namespaceOf(o);
    const refs = missingDomains.filter((d) => d.namespace === ns && d.domainName === o.spec.domainName).map((d) => d.ref);
    if (o.kind === OBJECT_TYPE_NAMES.kind || o.kind === DOMAIN_NAMES.kind) return refs;
    const uses = new Set(objectTypesOf(o as CustomerProfilesIntegration));
    return [...refs, ...missingTypes.filter((t) => t.namespace === ns && t.domainName === o.spec.domainName && uses.has(t.objectTypeName)).map((t) => t.ref)];
  };

  for (const [i, kindItems] of byKind.entries()) {
    const plans = await mapInOrder(kindItems, limit, (m) => {
      const where = { ...(m.file !== undefined ? { file: m.file } : {}), ...(m.doc !== undefined ? { doc: m.doc } : {}) };
      return planResource(m.object, deps, where, { after: i === 0 ? [] : after(m.object) });
    });
    plans.forEach((p, j) => {
      if (!absentInAws(p)) return;
      const o = kindItems[j]!.object;
      const ref = `${o.kind} ${p.namespace}/${p.name}`;
      if (o.kind === DOMAIN_NAMES.kind) missingDomains.push({ namespace: p.namespace, domainName: (o as CustomerProfilesDomain).spec.domainName, ref });
      if (o.kind === OBJECT_TYPE_NAMES.kind) missingTypes.push({ namespace: p.namespace, domainName: o.spec.domainName, objectTypeName: (o as CustomerProfilesObjectType).spec.objectTypeName, ref });
    });
    out.push(...plans);
  }
  return out;
}

/** `fn` over `items` with at most `limit` in flight; results in the order of `items`. */
export async function mapInOrder<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
