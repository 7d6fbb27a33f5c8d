// What domains and object types share: a record made from the request's members, stamped with
// CreatedAt/LastUpdatedAt, tagged at creation, and shown by copying its members out. One write
// path for CreateDomain, UpdateDomain and PutProfileObjectType, so the three cannot drift apart.
import type { Tags } from './state.ts';

type Input = Record<string, any>;

export interface Stamped {
  CreatedAt: number;
  LastUpdatedAt?: number;
  Tags?: Tags;
}

export interface WriteOptions {
  /** The configuration members the request may write. */
  members: readonly string[];
  /** keep: members the request omits keep their old value (UpdateDomain; PutProfileObjectType under put-omitted=merge). */
  omitted: 'clear' | 'keep';
  /** Members an empty string clears (UpdateDomain's DefaultEncryptionKey and DeadLetterQueueUrl). */
  emptyClears?: readonly string[];
  /** merge: Tags on a change of an existing record are merged in as TagResource would (update-tags=merge). */
  tagsOnChange: 'ignore' | 'merge';
  /** Epoch seconds now, and a LastUpdatedAt later than the one given. */
  now: number;
  later: (previous: number) => number;
}

/**
 * The record a create (no `existing`) or a change writes: `identity` (the names) and the request's
 * members. CreatedAt stays on a change and LastUpdatedAt moves forward. Tags apply at creation; on
 * a change only with tagsOnChange=merge (AWS documents TagResource/UntagResource for that).
 */
export function writeRecord<R extends Stamped>(existing: R | undefined, identity: Input, input: Input, opts: WriteOptions): R {
  const rec: Input = { ...identity };
  for (const k of opts.members) {
    const sent = input[k];
    const v = sent !== undefined ? sent : opts.omitted === 'keep' ? (existing as Input | undefined)?.[k] : undefined;
    if (v !== undefined && !(v === '' && opts.emptyClears?.includes(k))) rec[k] = structuredClone(v);
  }
  rec.CreatedAt = existing?.CreatedAt ?? opts.now;
  rec.LastUpdatedAt = existing ? opts.later(existing.LastUpdatedAt ?? existing.CreatedAt) : opts.now;
  rec.Tags = existing
    ? { ...(existing.Tags ?? {}), ...(opts.tagsOnChange === 'merge' ? (input.Tags ?? {}) : {}) }
    : { ...(input.Tags ?? {}) };
  return rec as R;
}

/** The members of `rec` that are set, copied (a response must not share the stored objects). */
export function pick(rec: object, members: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of members) {
    const v = (rec as Input)[k];
    if (v !== undefined) out[k] = structuredClone(v);
  }
  return out;
}

/** CreatedAt, LastUpdatedAt and Tags as responses show them (`Tags: {}` when untagged, as AWS does). */
export function stamps(rec: Stamped): Record<string, unknown> {
  return { CreatedAt: rec.CreatedAt, LastUpdatedAt: rec.LastUpdatedAt ?? rec.CreatedAt, Tags: { ...(rec.Tags ?? {}) } };
}
