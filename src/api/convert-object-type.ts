// CustomerProfilesObjectType spec <-> PutProfileObjectType / GetProfileObjectType, driven by the
// object type's schema through convert.ts (camelCase <-> AWS names, operator fields never sent).
import type { PutProfileObjectTypeCommandInput } from '@aws-sdk/client-customer-profiles';
import { convertFromAws, convertToAws, firstConversionProblem, type ConversionError } from './convert.ts';
import { objectTypeSpecNode } from './object-type-schema.ts';
import type { ObjectTypeSpec } from './types.ts';

/**
 * The PutProfileObjectType request for a spec, with its Tags. PutProfileObjectType creates and
 * replaces alike; when it replaces, the caller removes Tags (they change through TagResource).
 */
export function toPutProfileObjectTypeInput(spec: ObjectTypeSpec): PutProfileObjectTypeCommandInput {
  return convertToAws(objectTypeSpecNode, spec) as PutProfileObjectTypeCommandInput;
}

/**
 * The spec fields of a GetProfileObjectType (or PutProfileObjectType) answer, for drift comparison
 * and `cpi import`. The answer has no DomainName, so neither has the result; what is AWS's own
 * (MaxAvailableProfileObjectCount, CreatedAt, LastUpdatedAt) is dropped.
 */
export function objectTypeSpecFromAws(out: Record<string, unknown>): Partial<ObjectTypeSpec> {
  return convertFromAws(objectTypeSpecNode, out) as Partial<ObjectTypeSpec>;
}

/** The first field of a spec that cannot be converted for AWS, or undefined when all can. */
export function objectTypeConversionProblem(spec: ObjectTypeSpec): ConversionError | undefined {
  return firstConversionProblem(() => toPutProfileObjectTypeInput(spec));
}
