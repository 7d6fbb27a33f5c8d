// CustomerProfilesDomain spec <-> CreateDomain / UpdateDomain / GetDomain, driven by the domain's
// schema through convert.ts (camelCase <-> AWS names, operator fields never sent).
import type { CreateDomainCommandInput, UpdateDomainCommandInput } from '@aws-sdk/client-customer-profiles';
import { convertFromAws, convertToAws, firstConversionProblem, type ConversionError } from './convert.ts';
import { domainSpecNode } from './domain-schema.ts';
import type { DomainSpec } from './types.ts';

/**
 * Strings UpdateDomain clears when sent empty (the model says so): a spec without them asks for
 * none, so the update sends '' and AWS drops a key or queue set earlier.
 */
const CLEARED_WHEN_EMPTY = ['DefaultEncryptionKey', 'DeadLetterQueueUrl'] as const;

/** The CreateDomain request for a spec, with its tags (tags at creation are atomic with it). */
export function toCreateDomainInput(spec: DomainSpec): CreateDomainCommandInput {
  return convertToAws(domainSpecNode, spec) as CreateDomainCommandInput;
}

/**
 * The UpdateDomain request that makes the domain match the spec. No Tags: tags change through
 * TagResource / UntagResource. Matching, RuleBasedMatching and DataStore are sent as the spec has
 * them; one the spec omits is left as AWS has it (turn matching off with `enabled: false`).
 */
export function toUpdateDomainInput(spec: DomainSpec): UpdateDomainCommandInput {
  const { Tags: _tags, ...input } = toCreateDomainInput(spec);
  const update: UpdateDomainCommandInput = input;
  for (const m of CLEARED_WHEN_EMPTY) update[m] ??= '';
  return update;
}

/**
 * The spec fields of a GetDomain (or CreateDomain / UpdateDomain) answer, for drift comparison
 * and `cpi import`. What is AWS's own (Stats, CreatedAt, LastUpdatedAt, the matching Status, the
 * data store's Readiness) is not a spec field and is dropped, and so is a cleared ('') key or queue.
 */
export function domainSpecFromAws(out: Record<string, unknown>): Partial<DomainSpec> {
  const members = Object.fromEntries(Object.entries(out).filter(([k, v]) => !((CLEARED_WHEN_EMPTY as readonly string[]).includes(k) && v === '')));
  return convertFromAws(domainSpecNode, members) as Partial<DomainSpec>;
}

/** The first field of a spec that cannot be converted for AWS, or undefined when all can. */
export function domainConversionProblem(spec: DomainSpec): ConversionError | undefined {
  return firstConversionProblem(() => toCreateDomainInput(spec));
}
