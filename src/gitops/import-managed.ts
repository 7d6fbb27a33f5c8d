// `cpi import` against the cluster: which imported resources (integrations, the domain, object
// types) a resource in the cluster already manages. Applying a second resource for one would only
// make it a Conflict (the older resource keeps it, even when the copy is Observe), so these are
// skipped, or, when asked for, kept with a comment that names the owner.
import type { ManagedObject } from '../api/managed-object.ts';
import type { CustomerProfilesIntegration } from '../api/types.ts';
import { claimHolders, integrationClaim, placeOf, type ClaimOf, type RoleOf } from '../controller/claims.ts';
import type { ImportedResource } from './import-resources.ts';

export interface ManagedResource<T> {
  resource: T;
  /** namespace/name of the resource in the cluster that claims the same integration. */
  owner: string;
  /** The owner is the very object this import would write (same namespace and name). */
  same: boolean;
}

export type ManagedIntegration = ManagedResource<ImportedResource>;

/**
 * Splits imported resources into those no resource in the cluster claims and those one does, by
 * the controller's own rule (claimOf): the same claim once applied is a Conflict. `region`: the
 * import's region, also the region of cluster resources without spec.region (the controller's
 * default is not known here; the domain was just read there). `roleOf`: the role ARN a Namespace
 * names, whose account holds its resources' integrations.
 */
export function splitManaged(imported: ImportedResource[], inCluster: readonly CustomerProfilesIntegration[], region: string, roleOf: RoleOf = () => undefined): { free: ImportedResource[]; managed: ManagedIntegration[] } {
  return splitManagedOf(imported, inCluster, integrationClaim, region, roleOf);
}

/** The same for a domain or object types: `claim` is the kind's claim (claims.ts). */
export function splitManagedOf<R extends ManagedObject, T extends { object: R }>(imported: T[], inCluster: readonly R[], claim: ClaimOf<R>, region: string, roleOf: RoleOf = () => undefined): { free: T[]; managed: Array<ManagedResource<T>> } {
  const claimOf = (o: R) => (o.spec?.domainName ? claim(o, placeOf(o, region, roleOf)) : undefined);
  // The oldest resource of a claim holds it, as the controller decides.
  const owners = claimHolders(inCluster, claimOf);
  const free: T[] = [];
  const managed: Array<ManagedResource<T>> = [];
  for (const r of imported) {
    const theirs = claimOf(r.object);
    const owner = theirs ? owners.get(theirs) : undefined;
    if (!owner) free.push(r);
    else managed.push({ resource: r, owner, same: owner === `${r.object.metadata.namespace ?? ''}/${r.object.metadata.name}` });
  }
  return { free, managed };
}

/** The comment above a kept copy (--include-managed). */
export function managedNote(m: ManagedResource<unknown>, noun = 'integration'): string[] {
  return m.same
    ? [`already in the cluster as ${m.owner}: applying this replaces that resource's spec with what AWS has now.`]
    : [`already managed by ${m.owner} in the cluster: applying this copy makes it a Conflict`, `(the older resource keeps the ${noun}, even when this copy is Observe).`];
}
