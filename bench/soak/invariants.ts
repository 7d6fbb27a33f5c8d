// The soak's verdict: a pure function of what Kubernetes, the emulator (AWS) and the replicas'
// logs say at the end. Each invariant returns its figures and every violation in words.
import { fromPutIntegrationInput } from '../../src/api/convert.ts';
import { OWNER_TAG, RESERVED_TAG_PREFIX } from '../../src/api/group.ts';
import { flowDefinitionHash } from '../../src/api/hash.ts';
import type { CustomerProfilesIntegration, FlowDefinition } from '../../src/api/types.ts';
import type { RequestLogEntry } from '../../src/emulator/request-log.ts';
import type { EmulatorState, IntegrationRecord, RegionState } from '../../src/emulator/state.ts';
import { WRITE_OPERATIONS } from '../../test/support/aws.ts';
import type { Incarnation } from './workload.ts';


export interface LeadershipInterval {
  identity: string;
  from: number;
  to: number;
  /** How it ended: lost, stopped, killed, exited, or running (still leader at the end). */
  end: string;
}

export interface LeaseSample {
  time: number;
  holder: string | undefined;
}

export interface InvariantInput {
  /** Every object left in the namespace at the end. */
  objects: CustomerProfilesIntegration[];
  incarnations: Incarnation[];
  state: EmulatorState;
  account: string;
  region: string;
  domains: string[];
  /** The complete request log of the emulator (seq 1..n). */
  requests: RequestLogEntry[];
  intervals: LeadershipInterval[];
  lease: LeaseSample[];
  flowUri: (flowName: string) => string;
  /** Tolerance for a request that left a replica just before it died or gave up (ms). */
  slackMs: number;
}

export interface Check {
  name: string;
  ok: boolean;
  figures: Record<string, number>;
  violations: string[];
}

const MAX_LISTED = 20;
function check(name: string, figures: Record<string, number>, violations: string[]): Check {
  const listed = violations.length > MAX_LISTED ? [...violations.slice(0, MAX_LISTED), `... and ${violations.length - MAX_LISTED} more`] : violations;
  return { name, ok: violations.length === 0, figures, violations: listed };
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
const same = (a: unknown, b: unknown) => (isEmpty(a) && isEmpty(b)) || JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

const readyAtGeneration = (o: CustomerProfilesIntegration) => {
  const r = o.status?.conditions?.find((c) => c.type === 'Ready');
  return r?.status === 'True' && r.observedGeneration === o.metadata.generation && o.status?.observedGeneration === o.metadata.generation;
};

function region(i: InvariantInput): RegionState {
  return i.state.accounts[i.account]?.[i.region] ?? { Domains: {}, Flows: {} };
}

function integration(i: InvariantInput, domain: string, uri: string | undefined): IntegrationRecord | undefined {
  return uri ? region(i).Domains[domain]?.Integrations[uri] : undefined;
}

/** 1. Every live resource is Ready at its current generation; no deletion is stuck. */
export function checkReady(i: InvariantInput): Check {
  const live = i.objects.filter((o) => !o.metadata.deletionTimestamp);
  const v: string[] = [];
  for (const o of live) if (!readyAtGeneration(o)) v.push(`${o.metadata.name}: not Ready at generation ${o.metadata.generation}: ${JSON.stringify(o.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}@${c.observedGeneration}`))}`);
  for (const o of i.objects.filter((x) => x.metadata.deletionTimestamp)) v.push(`${o.metadata.name}: deletion stuck since ${o.metadata.deletionTimestamp}`);
  return check('every live resource Ready at its generation', { live: live.length, ready: live.filter(readyAtGeneration).length, deleting: i.objects.length - live.length }, v);
}

/** 2. Every live resource is identical to its integration in AWS: readable fields, tags, flow hash. */
export function checkMatchesAws(i: InvariantInput): Check {
  const v: string[] = [];
  let compared = 0;
  let flows = 0;
  for (const o of i.objects.filter((x) => !x.metadata.deletionTimestamp)) {
    const spec = o.spec;
    const name = o.metadata.name;
    const rec = integration(i, spec.domainName, o.status?.uri);
    if (!rec) {
      v.push(`${name}: no integration ${spec.domainName}/${o.status?.uri} in AWS`);
      continue;
    }
    compared++;
    const fields: Array<[string, unknown, unknown]> = [
      ['objectTypeName', spec.objectTypeName, rec.ObjectTypeName],
      ['objectTypeNames', spec.objectTypeNames, rec.ObjectTypeNames],
      ['roleArn', spec.roleArn, rec.RoleArn],
      ['eventTriggerNames', spec.eventTriggerNames, rec.EventTriggerNames],
      ['scope', spec.scope ?? 'PROFILE', rec.Scope ?? 'PROFILE'],
      // The operator's own tags (the owner tag) are not the spec's; they are checked below.
      ['tags', spec.tags, Object.fromEntries(Object.entries(rec.Tags ?? {}).filter(([k]) => !k.startsWith(RESERVED_TAG_PREFIX)))],
    ];
    const owner = rec.Tags?.[OWNER_TAG];
    if (o.status?.ownership === 'Created' && owner?.split(' ')[0] !== o.metadata.uid) v.push(`${name}: created by it, but the owner tag in AWS is ${JSON.stringify(owner)}, not its uid ${o.metadata.uid}`);
    if (spec.uri) fields.push(['uri', spec.uri, rec.Uri]);
    for (const [field, want, have] of fields) if (!same(want, have)) v.push(`${name}: ${field} is ${JSON.stringify(have)} in AWS, ${JSON.stringify(want)} in the spec`);
    if (spec.flowDefinition) {
      flows++;
      const want = flowDefinitionHash(spec.flowDefinition);
      if (o.status?.appliedFlowDefinitionHash !== want) v.push(`${name}: status.appliedFlowDefinitionHash ${o.status?.appliedFlowDefinitionHash} != spec hash ${want}`);
      const flow = rec.FlowName ? region(i).Flows[rec.FlowName] : undefined;
      if (!flow) v.push(`${name}: no AppFlow flow ${rec.FlowName ?? spec.flowDefinition.flowName} in AWS`);
      else {
        const inAws = fromPutIntegrationInput({ DomainName: spec.domainName, FlowDefinition: flow.Definition } as never).flowDefinition as FlowDefinition | undefined;
        // A scheduleStartTime already past is not sent (docs/aws-behaviour.md): compare without it.
        const have = flowDefinitionHash(withoutPastStart(inAws, spec.flowDefinition));
        if (have !== want) v.push(`${name}: the flow in AWS hashes to ${have}, the spec to ${want}`);
      }
    }
  }
  return check('every live resource identical to its integration in AWS', { compared, flowBased: flows }, v);
}

function withoutPastStart(inAws: FlowDefinition | undefined, spec: FlowDefinition): FlowDefinition | undefined {
  const start = spec.triggerConfig.triggerProperties?.scheduled?.scheduleStartTime;
  const awsScheduled = inAws?.triggerConfig.triggerProperties?.scheduled;
  if (!inAws || !start || !awsScheduled || awsScheduled.scheduleStartTime) return inAws;
  // AWS has none, the spec has one: equal when the spec's was already past (left out of the Put).
  return { ...inAws, triggerConfig: { ...inAws.triggerConfig, triggerProperties: { ...inAws.triggerConfig.triggerProperties, scheduled: { ...awsScheduled, scheduleStartTime: start } } } };
}

/** The Uri of each successful PutIntegration; a flow's Put without Uri names its flow. */
function putUri(i: InvariantInput, r: RequestLogEntry): string | undefined {
  const body = r.body as { Uri?: string; FlowDefinition?: { FlowName?: string } } | undefined;
  return body?.Uri ?? (body?.FlowDefinition?.FlowName ? i.flowUri(body.FlowDefinition.FlowName) : undefined);
}

/** 3. Every deleted resource's integration is gone (Delete) or kept (Retain, if it was ever created). */
export function checkDeletions(i: InvariantInput): Check {
  const everPut = new Set(i.requests.filter((r) => r.operation === 'PutIntegration' && r.status === 200).map((r) => putUri(i, r)));
  const v: string[] = [];
  let gone = 0;
  let kept = 0;
  const deleted = i.incarnations.filter((x) => x.state === 'deleted' || x.state === 'never-created');
  for (const inc of deleted) {
    const rec = integration(i, inc.domain, inc.uri);
    if (inc.state === 'never-created') {
      if (rec) v.push(`${inc.name}: never created in Kubernetes, yet ${inc.uri} exists in AWS`);
      continue;
    }
    if (inc.deletionPolicy === 'Delete') {
      if (rec) v.push(`${inc.name} (Delete): ${inc.uri} still exists in AWS`);
      else gone++;
    } else if (everPut.has(inc.uri)) {
      if (!rec) v.push(`${inc.name} (Retain): ${inc.uri} was deleted in AWS`);
      else kept++;
    }
  }
  return check('deleted resources: integration gone (Delete) or kept (Retain)', {
    deleted: deleted.filter((x) => x.state === 'deleted').length,
    deletedPolicyDelete: deleted.filter((x) => x.state === 'deleted' && x.deletionPolicy === 'Delete').length,
    deletedPolicyRetain: deleted.filter((x) => x.state === 'deleted' && x.deletionPolicy === 'Retain').length,
    goneInAws: gone,
    keptInAws: kept,
  }, v);
}

/** 4. No integration exists that no resource claims, except what a Retain resource left behind. */
export function checkNoOrphans(i: InvariantInput): Check {
  const claimed = new Set(i.objects.filter((o) => o.status?.uri).map((o) => `${o.spec.domainName}|${o.status!.uri}`));
  const retained = new Set(i.incarnations.filter((x) => x.state === 'deleted' && x.deletionPolicy === 'Retain').map((x) => `${x.domain}|${x.uri}`));
  const v: string[] = [];
  let total = 0;
  let leftovers = 0;
  for (const d of i.domains) {
    for (const uri of Object.keys(region(i).Domains[d]?.Integrations ?? {})) {
      total++;
      const key = `${d}|${uri}`;
      if (claimed.has(key)) continue;
      if (retained.has(key)) leftovers++;
      else v.push(`${d}/${uri}: in AWS, claimed by no resource`);
    }
  }
  return check('no integration without a resource (except Retain leftovers)', { integrationsInAws: total, claimed: claimed.size, retainLeftovers: leftovers }, v);
}

/** 5. No integration was created twice: per Uri, a successful Put onto nothing happens once. */
export function checkCreatedOnce(i: InvariantInput): Check {
  const v: string[] = [];
  const seqs = i.requests.map((r) => r.seq);
  const complete = seqs.length > 0 && seqs[0] === 1 && seqs.every((s, k) => s === k + 1);
  if (!complete) v.push(`the request log is incomplete (${seqs.length} entries, first seq ${seqs[0]}): raise the emulator's --log-limit`);
  const exists = new Map<string, boolean>();
  const creates = new Map<string, number>();
  for (const r of i.requests) {
    if (r.status !== 200) continue;
    if (r.operation === 'PutIntegration') {
      const uri = putUri(i, r);
      if (!uri) continue;
      if (!exists.get(uri)) creates.set(uri, (creates.get(uri) ?? 0) + 1);
      exists.set(uri, true);
    } else if (r.operation === 'DeleteIntegration') {
      const uri = (r.body as { Uri?: string } | undefined)?.Uri;
      if (uri) exists.set(uri, false);
    }
  }
  for (const [uri, n] of creates) if (n > 1) v.push(`${uri}: created ${n} times`);
  return check('no integration created twice', { uris: creates.size, creates: [...creates.values()].reduce((a, b) => a + b, 0), logEntries: seqs.length }, v);
}

const identityOf = (r: RequestLogEntry) => r.userAgent?.match(/cpi-controller\/(\S+)/)?.[1];

/** 6. No AWS write from a replica that was not the leader at that moment. */
export function checkSingleWriter(i: InvariantInput): Check {
  const v: string[] = [];
  const byId = new Map<string, LeadershipInterval[]>();
  for (const iv of i.intervals) byId.set(iv.identity, [...(byId.get(iv.identity) ?? []), iv]);
  const writes = i.requests.filter((r) => WRITE_OPERATIONS.has(r.operation));
  const writers = new Set<string>();
  for (const r of writes) {
    const id = identityOf(r);
    if (!id) {
      v.push(`seq ${r.seq} ${r.operation}: not from a controller (user agent ${r.userAgent})`);
      continue;
    }
    writers.add(id);
    const ok = (byId.get(id) ?? []).some((iv) => r.time >= iv.from && r.time <= iv.to + i.slackMs);
    if (!ok) v.push(`seq ${r.seq} ${r.operation} at ${new Date(r.time).toISOString()} from ${id}, which was not leader then (its terms: ${JSON.stringify((byId.get(id) ?? []).map((x) => [new Date(x.from).toISOString(), new Date(x.to).toISOString()]))})`);
  }
  // Two replicas' terms must not overlap.
  const sorted = [...i.intervals].sort((a, b) => a.from - b.from);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (cur.from < prev.to) v.push(`terms overlap: ${prev.identity} until ${new Date(prev.to).toISOString()} (${prev.end}), ${cur.identity} from ${new Date(cur.from).toISOString()}`);
  }
  // The Lease agrees: while a replica believed it led, the Lease never named another holder.
  let samples = 0;
  for (const iv of i.intervals) {
    for (const s of i.lease) {
      if (s.time < iv.from + 1000 || s.time > iv.to - 1000) continue;
      samples++;
      if (s.holder !== iv.identity) v.push(`the Lease named ${s.holder} at ${new Date(s.time).toISOString()} while ${iv.identity} was leader`);
    }
  }
  return check('no AWS write outside the writer\'s leadership', { writes: writes.length, writers: writers.size, terms: i.intervals.length, leaseSamplesInTerms: samples }, v);
}

export function checkAll(i: InvariantInput): Check[] {
  return [checkReady(i), checkMatchesAws(i), checkDeletions(i), checkNoOrphans(i), checkCreatedOnce(i), checkSingleWriter(i)];
}
