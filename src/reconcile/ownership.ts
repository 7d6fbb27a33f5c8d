// Whether a resource may write to, and delete, an integration that exists in AWS. A resource owns
// an integration only if it created it (AWS holds its owner tag, set atomically by the creating
// PutIntegration) or a person asked it to adopt it (the adopt annotation, which `cpi import`
// writes). Anything else is someone else's: never written, never deleted. Pure: the reconciler,
// `cpi plan` and the unit tables all ask this one function.
import { ANNOTATIONS, OWNER_TAG } from '../api/group.ts';
import type { CustomerProfilesIntegration } from '../api/types.ts';
import type { ObservedIntegration } from '../aws/types.ts';
import type { ManagedObject } from '../api/managed-object.ts';

export type Ownership = 'Created' | 'Adopted';

export type OwnershipDecision =
  | { owned: true; ownership: Ownership; because: 'owner-tag' | 'status' | 'adopt-annotation' | 'managed-before-owner-tags' }
  | { owned: false; message: string };

const MAX_TAG_VALUE = 256;

/** The owner tag's value: the resource's uid (what is compared), then namespace/name for people. */
export function ownerTagValue(obj: ManagedObject): string | undefined {
  const uid = obj.metadata.uid;
  if (!uid) return undefined;
  return `${uid} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`.slice(0, MAX_TAG_VALUE);
}

/** The tags the creating PutIntegration carries besides the spec's. */
export function ownerTags(obj: ManagedObject): Record<string, string> {
  const value = ownerTagValue(obj);
  return value ? { [OWNER_TAG]: value } : {};
}

const uidOf = (tagValue: string | undefined) => tagValue?.split(' ')[0];
const readableOwner = (tagValue: string | undefined) => tagValue?.split(' ').slice(1).join(' ') || uidOf(tagValue);

export const wantsAdoption = (obj: ManagedObject) => obj.metadata.annotations?.[ANNOTATIONS.adopt] === 'true';

/** An AWS object as ownership sees it. */
export interface OwnershipCandidate {
  /** What identifies it in status (an integration's uri, a domain's name). */
  id: string;
  tags?: Record<string, string> | undefined;
  /** For people: "integration X already exists in domain D". */
  exists: string;
}

export function decideOwnership(obj: CustomerProfilesIntegration, observed: ObservedIntegration): OwnershipDecision {
  return decideOwnershipOf(obj, { id: observed.uri, tags: observed.tags, exists: `integration ${observed.uri} already exists in domain ${observed.domainName}` }, obj.status?.uri);
}

/** `statusId`: the identity the resource's status records, if any (the same object: status may vouch). */
export function decideOwnershipOf(obj: ManagedObject, observed: OwnershipCandidate, statusId: string | undefined): OwnershipDecision {
  const ownerTag = observed.tags?.[OWNER_TAG];
  const uid = obj.metadata.uid;
  if (uid && uidOf(ownerTag) === uid) return { owned: true, ownership: 'Created', because: 'owner-tag' };
  const status = obj.status;
  const sameObject = statusId !== undefined && statusId === observed.id;
  if (sameObject && status?.ownership) return { owned: true, ownership: status.ownership, because: 'status' };
  if (wantsAdoption(obj)) return { owned: true, ownership: 'Adopted', because: 'adopt-annotation' };
  // Status written by 0.1, before owner tags (it has no account either): that resource has been
  // managing it all along. A status of Observe mode today has an account, and adopts nothing.
  if (sameObject && status?.createdAt && !status.ownership && !status.account) return { owned: true, ownership: 'Adopted', because: 'managed-before-owner-tags' };
  const by = ownerTag ? `it was created by another resource (${readableOwner(ownerTag)}, owner tag ${OWNER_TAG})` : 'this resource did not create it';
  return {
    owned: false,
    message:
      `${observed.exists} and ${by}: nothing is written to it and deleting this resource leaves it alone. ` +
      `To manage it from this resource, add the annotation ${ANNOTATIONS.adopt}: "true" (kubectl cpi import writes it); to only watch it, set managementPolicy: Observe.`,
  };
}
