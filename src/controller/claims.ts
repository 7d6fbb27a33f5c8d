// Who claims which integration. Two resources that name the same (account, region, domain, uri)
// would fight over one integration; the older one keeps it and the younger gets Conflict. The
// account comes from the namespace's role ARN (per-namespace accounts): the same manifest in two
// namespaces mapped to two accounts names two integrations. A role ARN without an account, or no
// role (the controller's own identity), is its own identity: claims can only under-detect then,
// and the owner tag still keeps a second resource from writing.
import { keyOf, type ManagedObject } from '../api/managed-object.ts';
import type { CustomerProfilesDomain, CustomerProfilesIntegration, CustomerProfilesObjectType } from '../api/types.ts';
import { accountOfArn, flowNameOfUri } from '../aws/arn.ts';

/** The namespace's role ARN, if it names one. */
export type RoleOf = (namespace: string) => string | undefined;

/** Where a resource's AWS object lives, as a claim prefix: the account (or the identity) and the region. */
export function placeOf(obj: ManagedObject, defaultRegion: string, roleOf: RoleOf): string {
  const role = roleOf(obj.metadata.namespace ?? '');
  const identity = role ? (accountOfArn(role) ?? role) : 'default';
  return `${identity}|${obj.spec.region || defaultRegion}`;
}

/** What one kind's resource claims, given its place (account|region); undefined: nothing yet. */
export type ClaimOf<R> = (obj: R, place: string) => string | undefined;

export function claimOf(obj: CustomerProfilesIntegration, defaultRegion: string, roleOf: RoleOf = () => undefined): string | undefined {
  return obj.spec?.domainName ? integrationClaim(obj, placeOf(obj, defaultRegion, roleOf)) : undefined;
}

export function integrationClaim(obj: CustomerProfilesIntegration, region: string): string | undefined {
  const spec = obj.spec;
  if (!spec?.domainName) return undefined;
  // A flow-based integration is its flow: the name is unique per account and region whatever the
  // domain (AWS refuses a second), and the Uri AWS generates from it names the same thing. One claim
  // for every spelling, so a resource whose status already holds that Uri still meets a newcomer
  // that only names the flow.
  const flowName = spec.flowDefinition?.flowName ?? flowNameOfUri(spec.uri || obj.status?.uri);
  if (flowName) return `${region}|*|flow:${flowName}`;
  const uri = spec.uri || obj.status?.uri;
  return uri ? `${region}|${spec.domainName}|${uri}` : undefined;
}

/** A domain is its name in its account and region. */
export const domainClaim: ClaimOf<CustomerProfilesDomain> = (o, place) => `${place}|domain:${o.spec.domainName}`;

/** An object type is its name in its domain. */
export const objectTypeClaim: ClaimOf<CustomerProfilesObjectType> = (o, place) => `${place}|${o.spec.domainName}|object-type:${o.spec.objectTypeName}`;


/** Older first: creation time, then namespace/name so the order is total and stable. */
function older(a: ManagedObject, b: ManagedObject): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  return ta - tb || keyOf(a).localeCompare(keyOf(b));
}

/**
 * Who holds each claim among `objects` (cpi plan and cpi import reading the cluster): the oldest
 * resource of a claim, as ClaimIndex decides. Claim -> namespace/name.
 */
export function claimHolders<R extends ManagedObject>(objects: readonly R[], claimOf: (o: R) => string | undefined): Map<string, string> {
  const holders = new Map<string, string>();
  for (const o of [...objects].sort(older)) {
    const claim = claimOf(o);
    if (claim && !holders.has(claim)) holders.set(claim, keyOf(o));
  }
  return holders;
}

export class ClaimIndex<R extends ManagedObject = CustomerProfilesIntegration> {
  private readonly byClaim = new Map<string, Map<string, R>>();
  private readonly claimByKey = new Map<string, string>();
  private readonly defaultRegion: string;
  private readonly roleOf: RoleOf;
  private readonly claimFor: ClaimOf<R>;

  /** claimFor: the kind's claim (default: an integration's). */
  constructor(defaultRegion: string, roleOf: RoleOf = () => undefined, claimFor: ClaimOf<R> = integrationClaim as unknown as ClaimOf<R>) {
    this.defaultRegion = defaultRegion;
    this.roleOf = roleOf;
    this.claimFor = claimFor;
  }

  private claim(obj: R): string | undefined {
    return obj.spec ? this.claimFor(obj, placeOf(obj, this.defaultRegion, this.roleOf)) : undefined;
  }

  /** Records the object's claim; returns the keys of others that share the old or new claim. */
  upsert(obj: R): string[] {
    const key = keyOf(obj);
    const claim = this.claim(obj);
    const previous = this.claimByKey.get(key);
    const affected = new Set<string>();
    if (previous && previous !== claim) for (const k of this.removeKey(key, previous)) affected.add(k);
    if (claim) {
      let members = this.byClaim.get(claim);
      if (!members) this.byClaim.set(claim, (members = new Map()));
      members.set(key, obj);
      this.claimByKey.set(key, claim);
      for (const k of members.keys()) if (k !== key) affected.add(k);
    }
    return [...affected];
  }

  /** Forgets the object; returns the keys that shared its claim (one of them may now own it). */
  remove(obj: R): string[] {
    const key = keyOf(obj);
    const claim = this.claimByKey.get(key);
    return claim ? this.removeKey(key, claim) : [];
  }

  private removeKey(key: string, claim: string): string[] {
    const members = this.byClaim.get(claim);
    this.claimByKey.delete(key);
    if (!members) return [];
    members.delete(key);
    if (members.size === 0) this.byClaim.delete(claim);
    return [...members.keys()];
  }

  /** Claims held and keys holding one: both 0 once every resource is gone. */
  size(): { claims: number; keys: number } {
    return { claims: this.byClaim.size, keys: this.claimByKey.size };
  }

  /** The key of an older resource with the same claim, if there is one. */
  olderClaimant(obj: R): string | undefined {
    const claim = this.claim(obj);
    const members = claim ? this.byClaim.get(claim) : undefined;
    if (!members || members.size < 2) return undefined;
    const key = keyOf(obj);
    const oldest = [...members.values()].sort(older)[0]!;
    return keyOf(oldest) === key ? undefined : keyOf(oldest);
  }
}
