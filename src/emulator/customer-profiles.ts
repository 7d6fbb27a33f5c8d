// What the Customer Profiles operations do to the emulator's state, given validated input.
// Each handler returns the response body (timestamps as epoch seconds) or throws an ApiError.
import { randomUUID } from 'node:crypto';
import { pastStartProblem } from './appflow.ts';
import { ApiError, badRequest, notFound } from './errors.ts';
import { listResponse, page } from './paging.ts';
import { type Stamped, type WriteOptions, pick, stamps, writeRecord } from './records.ts';
import type { Semantics } from './semantics.ts';
import {
  type DomainRecord,
  type EmulatorState,
  type IntegrationRecord,
  type RegionState,
  type Tags,
  flowAttached,
  peekRegion,
  regionState,
} from './state.ts';
import { OBJECT_TYPE_MEMBERS, objectTypeItem, objectTypeMembers, objectTypeOf, objectTypeUsers, objectTypeView, templateItem, templateView } from './object-types.ts';
import { TEMPLATES } from './templates.ts';

export interface CallContext {
  account: string;
  region: string;
  partition: string;
  /** The caller's ARN (for AppFlow's createdBy). */
  callerArn: string;
}

export interface CustomerProfilesOptions {
  /** Epoch milliseconds. */
  now: () => number;
  maxIntegrationsPerDomain: number;
  maxDomains: number;
  maxObjectTypesPerDomain: number;
  /** Called after every change to state (persistence hooks in here). */
  onChange: () => void;
  /** The open-point switches in effect (read on every call: the admin API changes them). */
  semantics: () => Semantics;
}

type Input = Record<string, any>;
type Output = Record<string, unknown>;

const MAX_TAGS = 50;

export const integrationArn = (ctx: CallContext, domain: string, uri: string) =>
  `arn:${ctx.partition}:profile:${ctx.region}:${ctx.account}:domains/${domain}/integrations/${uri}`;
export const domainArn = (ctx: CallContext, domain: string) =>
  `arn:${ctx.partition}:profile:${ctx.region}:${ctx.account}:domains/${domain}`;
export const flowArn = (ctx: CallContext, flowName: string) =>
  `arn:${ctx.partition}:appflow:${ctx.region}:${ctx.account}:flow/${flowName}`;

/** The optional members PutIntegration writes: replaced on every call, or merged (put-omitted=merge). */
const WRITABLE = ['ObjectTypeName', 'ObjectTypeNames', 'RoleArn', 'EventTriggerNames', 'Scope'] as const;

export function integrationView(rec: IntegrationRecord): Output {
  const out: Output = { DomainName: rec.DomainName, Uri: rec.Uri };
  if (rec.ObjectTypeName !== undefined) out.ObjectTypeName = rec.ObjectTypeName;
  out.CreatedAt = rec.CreatedAt;
  out.LastUpdatedAt = rec.LastUpdatedAt;
  // AWS answers `"Tags": {}` for an untagged integration, so do we
  // (docs/design.md#aws-api-facts-the-code-relies-on).
  out.Tags = { ...rec.Tags };
  if (rec.ObjectTypeNames !== undefined) out.ObjectTypeNames = { ...rec.ObjectTypeNames };
  if (rec.WorkflowId !== undefined) out.WorkflowId = rec.WorkflowId;
  out.IsUnstructured = rec.IsUnstructured ?? false;
  if (rec.RoleArn !== undefined) out.RoleArn = rec.RoleArn;
  if (rec.EventTriggerNames !== undefined) out.EventTriggerNames = [...rec.EventTriggerNames];
  if (rec.Scope !== undefined) out.Scope = rec.Scope;
  return out;
}

/** The configuration members CreateDomain and UpdateDomain write. */
const DOMAIN_MEMBERS = ['DefaultExpirationDays', 'DefaultEncryptionKey', 'DeadLetterQueueUrl', 'Matching', 'RuleBasedMatching', 'DataStore'] as const;

function domainView(d: DomainRecord, withStats: boolean): Output {
  const out: Output = { DomainName: d.DomainName, ...pick(d, DOMAIN_MEMBERS) };
  if (withStats) out.Stats = { ProfileCount: 0, MeteringProfileCount: 0, ObjectCount: 0, TotalSize: 0 };
  // The matching jobs and the data store are ready at once: there is no data to work through.
  if (d.RuleBasedMatching !== undefined) out.RuleBasedMatching = { ...d.RuleBasedMatching, Status: 'ACTIVE' };
  if (d.DataStore !== undefined) out.DataStore = { ...d.DataStore, Readiness: { ProgressPercentage: 100 } };
  return { ...out, ...stamps(d) };
}

/** The object type every domain has without registering it (IsUnstructured). */
const UNSTRUCTURED = '_unstructured';

export class CustomerProfiles {
  readonly state: () => EmulatorState;
  private readonly opts: CustomerProfilesOptions;

  constructor(state: () => EmulatorState, opts: CustomerProfilesOptions) {
    this.state = state;
    this.opts = opts;
  }

  /** Now in epoch seconds (fractional, millisecond precision). */
  private nowSeconds(): number {
    return this.opts.now() / 1000;
  }

  /** A LastUpdatedAt that is always later than the previous one, even within one millisecond. */
  private later(previous: number): number {
    const now = this.nowSeconds();
    return now > previous ? now : Math.round((previous + 0.001) * 1000) / 1000;
  }

  /** An integration as responses show it (workflow-id=never drops WorkflowId). */
  private view(rec: IntegrationRecord): Output {
    const out = integrationView(rec);
    if (this.opts.semantics()['workflow-id'] === 'never') delete out.WorkflowId;
    return out;
  }

  /**
   * Integrations as a read returns them. A Put under last-updated-after-put=bumps left a workflow
   * run pending: the first read after it shows LastUpdatedAt moved, as if the run had touched it.
   */
  private observed(recs: IntegrationRecord[]): Output[] {
    const pending = recs.filter((r) => r.WorkflowRunPending);
    for (const rec of pending) {
      delete rec.WorkflowRunPending;
      rec.LastUpdatedAt = this.later(rec.LastUpdatedAt);
    }
    if (pending.length) this.opts.onChange();
    return recs.map((r) => this.view(r));
  }

  private domain(ctx: CallContext, name: string): DomainRecord {
    const d = peekRegion(this.state(), ctx.account, ctx.region)?.Domains[name];
    if (!d) throw notFound(`Domain ${name} does not exist.`);
    return d;
  }

  handle(operation: string, ctx: CallContext, input: Input): Output {
    switch (operation) {
      case 'CreateDomain':
        return this.createDomain(ctx, input);
      case 'GetDomain':
        return domainView(this.domain(ctx, input.DomainName), true);
      case 'UpdateDomain':
        return this.updateDomain(ctx, input);
      case 'DeleteDomain':
        return this.deleteDomain(ctx, input.DomainName);
      case 'ListDomains':
        return this.listDomains(ctx, input);
      case 'PutIntegration':
        return this.putIntegration(ctx, input);
      case 'GetIntegration':
        return this.observed([this.integration(ctx, input.DomainName, input.Uri)])[0]!;
      case 'ListIntegrations':
        return this.listIntegrations(ctx, input);
      case 'DeleteIntegration':
        return this.deleteIntegration(ctx, input.DomainName, input.Uri);
      case 'ListAccountIntegrations':
        return this.listAccountIntegrations(ctx, input);
      case 'PutProfileObjectType':
        return this.putObjectType(ctx, input);
      case 'GetProfileObjectType':
        return objectTypeView(objectTypeOf(this.domain(ctx, input.DomainName), input.ObjectTypeName));
      case 'ListProfileObjectTypes':
        return this.listObjectTypes(ctx, input);
      case 'DeleteProfileObjectType':
        return this.deleteObjectType(ctx, input.DomainName, input.ObjectTypeName);
      case 'ListProfileObjectTypeTemplates':
        return listResponse(page([...TEMPLATES], (t) => t.TemplateId, input), templateItem);
      case 'GetProfileObjectTypeTemplate':
        return templateView(input.TemplateId);
      case 'TagResource':
        return this.tagResource(ctx, input.resourceArn, input.tags);
      case 'UntagResource':
        return this.untagResource(ctx, input.resourceArn, input.tagKeys);
      case 'ListTagsForResource':
        return { tags: { ...this.taggable(ctx, input.resourceArn) } };
      default:
        throw new ApiError('UnknownOperationException', `The emulator does not implement ${operation}.`);
    }
  }

  /** How domains and object types are written (records.ts): `omitted` for members a request leaves out. */
  private writeOptions(members: readonly string[], omitted: WriteOptions['omitted']): WriteOptions {
    const now = this.nowSeconds();
    return { members, omitted, tagsOnChange: this.opts.semantics()['update-tags'], now, later: (p) => this.later(p) };
  }

  createDomain(ctx: CallContext, input: Input): Output {
    const rs = regionState(this.state(), ctx.account, ctx.region);
    if (rs.Domains[input.DomainName]) throw badRequest(`Domain ${input.DomainName} already exists.`);
    if (Object.keys(rs.Domains).length >= this.opts.maxDomains) {
      throw badRequest(`The maximum number of domains (${this.opts.maxDomains}) for this account and region has been reached.`);
    }
    const d = writeRecord<DomainRecord>(undefined, { DomainName: input.DomainName, Integrations: {}, ObjectTypes: {} }, input, this.writeOptions(DOMAIN_MEMBERS, 'clear'));
    rs.Domains[d.DomainName] = d;
    this.opts.onChange();
    return domainView(d, false);
  }

  /**
   * UpdateDomain changes the members it is sent and keeps the others; an empty DefaultEncryptionKey
   * or DeadLetterQueueUrl clears it, as the model documents.
   */
  private updateDomain(ctx: CallContext, input: Input): Output {
    const existing = this.domain(ctx, input.DomainName);
    const identity = { DomainName: existing.DomainName, Integrations: existing.Integrations, ObjectTypes: existing.ObjectTypes ?? {} };
    const d = writeRecord(existing, identity, input, {
      ...this.writeOptions(DOMAIN_MEMBERS, 'keep'),
      emptyClears: ['DefaultEncryptionKey', 'DeadLetterQueueUrl'],
    });
    regionState(this.state(), ctx.account, ctx.region).Domains[d.DomainName] = d;
    this.opts.onChange();
    return domainView(d, false);
  }

  private deleteDomain(ctx: CallContext, name: string): Output {
    const d = this.domain(ctx, name);
    const rs = regionState(this.state(), ctx.account, ctx.region);
    if (this.opts.semantics()['delete-flow'] === 'delete') {
      for (const rec of Object.values(d.Integrations)) if (rec.FlowName) delete rs.Flows[rec.FlowName];
    }
    delete rs.Domains[name];
    this.opts.onChange();
    return { Message: `Domain ${name} deleted.` };
  }

  private listDomains(ctx: CallContext, input: Input): Output {
    const domains = Object.values(peekRegion(this.state(), ctx.account, ctx.region)?.Domains ?? {});
    return listResponse(page(domains, (d) => d.DomainName, input), (d) => ({ DomainName: d.DomainName, ...stamps(d) }));
  }

  /** PutProfileObjectType creates or replaces a type (object-types.ts decides what it stores). */
  private putObjectType(ctx: CallContext, input: Input): Output {
    const sem = this.opts.semantics();
    const d = this.domain(ctx, input.DomainName);
    const types = (d.ObjectTypes ??= {});
    const existing = types[input.ObjectTypeName];
    if (!existing && Object.keys(types).length >= this.opts.maxObjectTypesPerDomain) {
      throw badRequest(`The maximum number of object types (${this.opts.maxObjectTypesPerDomain}) for domain ${d.DomainName} has been reached.`);
    }
    const members = objectTypeMembers(input, sem['template-members']);
    const omitted = sem['put-omitted'] === 'merge' ? 'keep' : 'clear';
    const t = writeRecord(existing, { ObjectTypeName: input.ObjectTypeName }, members, this.writeOptions(OBJECT_TYPE_MEMBERS, omitted));
    types[t.ObjectTypeName] = t;
    this.opts.onChange();
    return objectTypeView(t);
  }

  private listObjectTypes(ctx: CallContext, input: Input): Output {
    const types = Object.values(this.domain(ctx, input.DomainName).ObjectTypes ?? {});
    return listResponse(page(types, (t) => t.ObjectTypeName, input), objectTypeItem);
  }

  /** object-type-in-use=refuse: a type an integration names stays (the model says deletion disables those integrations). */
  private deleteObjectType(ctx: CallContext, domainName: string, name: string): Output {
    const d = this.domain(ctx, domainName);
    objectTypeOf(d, name);
    const users = this.opts.semantics()['object-type-in-use'] === 'refuse' ? objectTypeUsers(d, name) : [];
    if (users.length) {
      throw badRequest(`Object type ${name} is used by integration${users.length > 1 ? 's' : ''} ${users.map((r) => r.Uri).sort().join(', ')} in domain ${domainName}.`);
    }
    delete d.ObjectTypes![name];
    this.opts.onChange();
    return { Message: `Object type ${name} deleted.` };
  }

  private integration(ctx: CallContext, domainName: string, uri: string): IntegrationRecord {
    const rec = this.domain(ctx, domainName).Integrations[uri];
    if (!rec) throw notFound(`Integration ${uri} does not exist in domain ${domainName}.`);
    return rec;
  }

  putIntegration(ctx: CallContext, input: Input): Output {
    const sem = this.opts.semantics();
    const d = this.domain(ctx, input.DomainName);
    const rs = regionState(this.state(), ctx.account, ctx.region);
    const flow = input.FlowDefinition as Input | undefined;
    if (input.Uri === undefined && !flow) throw badRequest('Either Uri or FlowDefinition must be provided.');
    const uri: string = input.Uri ?? flowArn(ctx, flow!.FlowName);
    const existing = d.Integrations[uri];
    if (flow) this.checkFlow(rs, d, uri, flow, sem);
    if (sem['object-type-check'] === 'on') this.checkObjectTypes(d, input);
    if (!existing && Object.keys(d.Integrations).length >= this.opts.maxIntegrationsPerDomain) {
      throw badRequest(
        `The maximum number of integrations (${this.opts.maxIntegrationsPerDomain}) for domain ${d.DomainName} has been reached.`,
      );
    }
    const now = this.nowSeconds();
    const rec: IntegrationRecord = {
      DomainName: d.DomainName,
      Uri: uri,
      CreatedAt: existing?.CreatedAt ?? now,
      LastUpdatedAt: existing ? this.later(existing.LastUpdatedAt) : now,
      // Tags apply at creation only; later they change through TagResource/UntagResource.
      Tags: existing ? existing.Tags : { ...(input.Tags ?? {}) },
    };
    const merge = sem['put-omitted'] === 'merge';
    for (const k of WRITABLE) {
      const v = input[k] !== undefined ? input[k] : merge ? existing?.[k] : undefined;
      if (v !== undefined) (rec as any)[k] = structuredClone(v);
    }
    rec.IsUnstructured = rec.ObjectTypeName === UNSTRUCTURED;
    if (existing?.Hidden) rec.Hidden = true;
    if (flow) {
      rec.FlowName = flow.FlowName;
      rec.WorkflowId = existing?.WorkflowId ?? randomUUID();
      const prev = rs.Flows[flow.FlowName];
      rs.Flows[flow.FlowName] = {
        FlowName: flow.FlowName,
        FlowArn: flowArn(ctx, flow.FlowName),
        DomainName: d.DomainName,
        Uri: uri,
        Definition: structuredClone(flow),
        ...(rec.ObjectTypeName !== undefined ? { ObjectTypeName: rec.ObjectTypeName } : {}),
        CreatedAt: prev?.CreatedAt ?? now,
        LastUpdatedAt: rec.LastUpdatedAt,
        CreatedBy: prev?.CreatedBy ?? ctx.callerArn,
      };
    } else if (existing?.FlowName) {
      // An update without a FlowDefinition leaves the flow as it is (FlowDefinition is write-only).
      rec.FlowName = existing.FlowName;
      if (existing.WorkflowId) rec.WorkflowId = existing.WorkflowId;
    } else if (existing?.WorkflowId) {
      rec.WorkflowId = existing.WorkflowId;
    } else if (!existing) {
      // A flow that delete-flow=keep left behind for this Uri is taken up again by a Put without
      // a FlowDefinition: the integration's identity is its Uri, and the flow was made for it.
      const kept = Object.values(rs.Flows).find((f) => f.DomainName === d.DomainName && f.Uri === uri && !flowAttached(rs, f));
      if (kept) {
        rec.FlowName = kept.FlowName;
        rec.WorkflowId = randomUUID();
      }
    }
    if (existing?.FlowName && existing.FlowName !== rec.FlowName && sem['delete-flow'] === 'delete') delete rs.Flows[existing.FlowName];
    if (rec.FlowName && sem['last-updated-after-put'] === 'bumps') rec.WorkflowRunPending = true;
    d.Integrations[uri] = rec;
    this.opts.onChange();
    return this.view(rec);
  }

  /**
   * Refusals AppFlow would send while Customer Profiles creates the flow. AWS creates it through
   * AppFlow CreateFlow, whose 409 for a taken name reaches the caller as this 400 (docs/aws-behaviour.md).
   */
  private checkFlow(rs: RegionState, d: DomainRecord, uri: string, flow: Input, sem: Semantics): void {
    const prev = rs.Flows[flow.FlowName];
    if (prev) {
      const ours = prev.DomainName === d.DomainName && prev.Uri === uri && flowAttached(rs, prev);
      if (!ours || sem['flow-resend'] === 'reject') throw badRequest(`Flow with name ${flow.FlowName} already exists.`);
    }
    const problem = sem['past-start-time'] === 'reject' ? pastStartProblem(flow, this.nowSeconds()) : undefined;
    if (problem) throw badRequest(problem);
  }

  /** object-type-check=on: every object type a Put names must exist in the domain. */
  private checkObjectTypes(d: DomainRecord, input: Input): void {
    const named = [input.ObjectTypeName, ...Object.values((input.ObjectTypeNames ?? {}) as Record<string, unknown>)];
    const missing = [...new Set(named)].filter((n): n is string => typeof n === 'string' && n !== UNSTRUCTURED && !d.ObjectTypes?.[n]);
    if (missing.length === 1) throw badRequest(`Object type ${missing[0]} does not exist in domain ${d.DomainName}.`);
    if (missing.length > 1) throw badRequest(`Object types ${missing.join(', ')} do not exist in domain ${d.DomainName}.`);
  }

  private listIntegrations(ctx: CallContext, input: Input): Output {
    const all = Object.values(this.domain(ctx, input.DomainName).Integrations);
    const visible = input.IncludeHidden ? all : all.filter((r) => !r.Hidden);
    const p = page(visible, (r) => r.Uri, input);
    return { Items: this.observed(p.Items), ...(p.NextToken ? { NextToken: p.NextToken } : {}) };
  }

  private deleteIntegration(ctx: CallContext, domainName: string, uri: string): Output {
    const rec = this.integration(ctx, domainName, uri);
    if (rec.FlowName && this.opts.semantics()['delete-flow'] === 'delete') {
      delete regionState(this.state(), ctx.account, ctx.region).Flows[rec.FlowName];
    }
    delete this.domain(ctx, domainName).Integrations[uri];
    this.opts.onChange();
    return { Message: `Integration ${uri} deleted.` };
  }

  private listAccountIntegrations(ctx: CallContext, input: Input): Output {
    const domains = Object.values(peekRegion(this.state(), ctx.account, ctx.region)?.Domains ?? {});
    const matches = domains
      .map((d) => d.Integrations[input.Uri])
      .filter((r): r is IntegrationRecord => r !== undefined && (input.IncludeHidden || !r.Hidden));
    const p = page(matches, (r) => r.DomainName, input);
    return { Items: this.observed(p.Items), ...(p.NextToken ? { NextToken: p.NextToken } : {}) };
  }

  /** The tag map of the domain, integration or object type an ARN names, for this caller's account and region. */
  private taggable(ctx: CallContext, arn: string): Tags {
    const m = /^arn:([^:]+):profile:([^:]*):([^:]*):domains\/([^/]+)(?:\/(integrations|object-types)\/(.+))?$/.exec(arn);
    const gone = () => notFound(`Resource ${arn} does not exist.`);
    if (!m || m[1] !== ctx.partition || m[2] !== ctx.region || m[3] !== ctx.account) throw gone();
    const rs: RegionState | undefined = peekRegion(this.state(), ctx.account, ctx.region);
    const d = rs?.Domains[m[4]!];
    if (!d) throw gone();
    if (m[5] === undefined) return d.Tags;
    if (m[5] === 'integrations') {
      const rec = d.Integrations[m[6]!];
      if (!rec) throw gone();
      return rec.Tags;
    }
    const t = d.ObjectTypes?.[m[6]!];
    if (!t) throw gone();
    return (t.Tags ??= {});
  }

  private tagResource(ctx: CallContext, arn: string, tags: Tags): Output {
    const current = this.taggable(ctx, arn);
    const merged = { ...current, ...tags };
    if (Object.keys(merged).length > MAX_TAGS) {
      throw badRequest(`A resource can have at most ${MAX_TAGS} tags; this request would leave ${Object.keys(merged).length}.`);
    }
    Object.assign(current, tags);
    this.opts.onChange();
    return {};
  }

  private untagResource(ctx: CallContext, arn: string, keys: string[]): Output {
    const current = this.taggable(ctx, arn);
    for (const k of keys) delete current[k];
    this.opts.onChange();
    return {};
  }

  // Out-of-band edits, as someone in the AWS console would make them (admin API).

  createDomainOutOfBand(ctx: CallContext, name: string, expirationDays = 366): Output {
    const rs = regionState(this.state(), ctx.account, ctx.region);
    const existing = rs.Domains[name];
    if (existing) return domainView(existing, false);
    return this.createDomain(ctx, { DomainName: name, DefaultExpirationDays: expirationDays });
  }

  /** Creates or changes an integration; a change moves LastUpdatedAt, as a console edit does. */
  putIntegrationOutOfBand(ctx: CallContext, domainName: string, uri: string, changes: Input, hidden?: boolean): Output {
    const d = this.domain(ctx, domainName);
    const existing = d.Integrations[uri];
    const now = this.nowSeconds();
    const rec: IntegrationRecord = existing
      ? { ...existing, LastUpdatedAt: this.later(existing.LastUpdatedAt) }
      : { DomainName: domainName, Uri: uri, CreatedAt: now, LastUpdatedAt: now, Tags: {} };
    for (const k of [...WRITABLE, 'WorkflowId', 'IsUnstructured'] as const) {
      if (k in changes) {
        if (changes[k] === null) delete (rec as any)[k];
        else (rec as any)[k] = structuredClone(changes[k]);
      }
    }
    if (changes.Tags !== undefined) rec.Tags = { ...changes.Tags };
    if (hidden !== undefined) {
      if (hidden) rec.Hidden = true;
      else delete rec.Hidden;
    }
    d.Integrations[uri] = rec;
    this.opts.onChange();
    return this.view(rec);
  }

  /**
   * The record an out-of-band edit leaves: `changes` names only what changes (null removes a
   * member, Tags replace the tag map), and LastUpdatedAt moves, as a console edit does.
   */
  private changedOutOfBand<R extends Stamped>(existing: R | undefined, identity: Input, changes: Input, members: readonly string[]): R {
    const rec = writeRecord(existing, identity, changes, { ...this.writeOptions(members, 'keep'), tagsOnChange: 'ignore' }) as Input;
    for (const k of members) if (changes[k] === null) delete rec[k];
    if (changes.Tags !== undefined) rec.Tags = { ...changes.Tags };
    return rec as R;
  }

  /** Changes a domain's members out of band, e.g. its DefaultExpirationDays (drift). */
  updateDomainOutOfBand(ctx: CallContext, name: string, changes: Input): Output {
    const existing = this.domain(ctx, name);
    const identity = { DomainName: name, Integrations: existing.Integrations, ObjectTypes: existing.ObjectTypes ?? {} };
    const d = this.changedOutOfBand(existing, identity, changes, DOMAIN_MEMBERS);
    regionState(this.state(), ctx.account, ctx.region).Domains[name] = d;
    this.opts.onChange();
    return domainView(d, false);
  }

  /** Creates or changes an object type out of band (a new one needs a Description in `changes`). */
  putObjectTypeOutOfBand(ctx: CallContext, domainName: string, name: string, changes: Input): Output {
    const types = (this.domain(ctx, domainName).ObjectTypes ??= {});
    const t = this.changedOutOfBand(types[name], { ObjectTypeName: name }, changes, OBJECT_TYPE_MEMBERS);
    types[name] = t;
    this.opts.onChange();
    return objectTypeView(t);
  }

  /** Registers object types by name only (answers show a stand-in Description); a name already there is kept. */
  putObjectTypesOutOfBand(ctx: CallContext, domainName: string, names: string[]): Output {
    const d = this.domain(ctx, domainName);
    const types = (d.ObjectTypes ??= {});
    const now = this.nowSeconds();
    for (const name of names) types[name] ??= { ObjectTypeName: name, CreatedAt: now, LastUpdatedAt: now, Tags: {} };
    this.opts.onChange();
    return { DomainName: domainName, ObjectTypeNames: Object.keys(types).sort() };
  }

  deleteObjectTypeOutOfBand(ctx: CallContext, domainName: string, name: string): Output {
    const d = this.domain(ctx, domainName);
    objectTypeOf(d, name);
    delete d.ObjectTypes![name];
    this.opts.onChange();
    return { DomainName: domainName, ObjectTypeNames: Object.keys(d.ObjectTypes!).sort() };
  }

  deleteIntegrationOutOfBand(ctx: CallContext, domainName: string, uri: string): Output {
    return this.deleteIntegration(ctx, domainName, uri);
  }
}
