// The emulator's data: per account and region, domains with their integrations, and the AppFlow
// flows that FlowDefinitions created; plus the STS sessions AssumeRole issued. Plain JSON, so
// the admin API can return it and --state can persist it as it is.

export type Tags = Record<string, string>;

export interface IntegrationRecord {
  DomainName: string;
  Uri: string;
  ObjectTypeName?: string;
  ObjectTypeNames?: Record<string, string>;
  RoleArn?: string;
  EventTriggerNames?: string[];
  Scope?: string;
  WorkflowId?: string;
  IsUnstructured?: boolean;
  /** Epoch seconds. */
  CreatedAt: number;
  LastUpdatedAt: number;
  Tags: Tags;
  /** The AppFlow flow this integration created, if any. */
  FlowName?: string;
  /** Hidden integrations are listed only with include-hidden=true. */
  Hidden?: boolean;
  /** last-updated-after-put=bumps: the next read moves LastUpdatedAt, as the flow's workflow would. */
  WorkflowRunPending?: boolean;
}

/**
 * An object type: what PutProfileObjectType stored, or a name the admin API registered. Records from
 * state files older than PutProfileObjectType hold only ObjectTypeName and CreatedAt.
 */
export interface ObjectTypeRecord {
  ObjectTypeName: string;
  Description?: string;
  TemplateId?: string;
  ExpirationDays?: number;
  EncryptionKey?: string;
  AllowProfileCreation?: boolean;
  SourceLastUpdatedTimestampFormat?: string;
  MaxProfileObjectCount?: number;
  SourcePriority?: number;
  Fields?: Record<string, unknown>;
  Keys?: Record<string, unknown>;
  /** Epoch seconds. */
  CreatedAt: number;
  LastUpdatedAt?: number;
  Tags?: Tags;
}

export interface DomainRecord {
  DomainName: string;
  DefaultExpirationDays: number;
  DefaultEncryptionKey?: string;
  DeadLetterQueueUrl?: string;
  Matching?: Record<string, unknown>;
  RuleBasedMatching?: Record<string, unknown>;
  DataStore?: Record<string, unknown>;
  CreatedAt: number;
  LastUpdatedAt: number;
  Tags: Tags;
  Integrations: Record<string, IntegrationRecord>;
  /** Object types of the domain (PutProfileObjectType, the admin API); absent in older state files. */
  ObjectTypes?: Record<string, ObjectTypeRecord>;
}

export interface FlowRecord {
  FlowName: string;
  FlowArn: string;
  DomainName: string;
  Uri: string;
  /** The FlowDefinition exactly as PutIntegration received it (Customer Profiles casing). */
  Definition: Record<string, unknown>;
  ObjectTypeName?: string;
  CreatedAt: number;
  LastUpdatedAt: number;
  CreatedBy: string;
}

export interface RegionState {
  Domains: Record<string, DomainRecord>;
  Flows: Record<string, FlowRecord>;
}

export interface SessionRecord {
  AccessKeyId: string;
  SessionToken: string;
  Account: string;
  Arn: string;
  UserId: string;
  /** Epoch milliseconds. */
  Expiration: number;
}

export interface EmulatorState {
  version: 1;
  /** account -> region -> state */
  accounts: Record<string, Record<string, RegionState>>;
  /** access key id -> session issued by AssumeRole */
  sessions: Record<string, SessionRecord>;
}

export const emptyState = (): EmulatorState => ({ version: 1, accounts: {}, sessions: {} });

export function regionState(state: EmulatorState, account: string, region: string): RegionState {
  const regions = (state.accounts[account] ??= {});
  return (regions[region] ??= { Domains: {}, Flows: {} });
}

/** Only looks: never creates the account or region (reads must not write state). */
export function peekRegion(state: EmulatorState, account: string, region: string): RegionState | undefined {
  return state.accounts[account]?.[region];
}

/** Whether a flow still belongs to an integration (delete-flow=keep leaves flows that do not). */
export function flowAttached(rs: RegionState, flow: FlowRecord): boolean {
  return rs.Domains[flow.DomainName]?.Integrations[flow.Uri]?.FlowName === flow.FlowName;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the outline of a loaded state file; returns a reason when it is not emulator state. */
export function stateProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'the top level is not an object';
  if (value.version !== 1) return `"version" is ${JSON.stringify(value.version)}, expected 1`;
  if (!isRecord(value.accounts)) return '"accounts" is missing or not an object';
  if (!isRecord(value.sessions)) return '"sessions" is missing or not an object';
  for (const [account, regions] of Object.entries(value.accounts)) {
    if (!isRecord(regions)) return `accounts.${account} is not an object`;
    for (const [region, rs] of Object.entries(regions)) {
      if (!isRecord(rs) || !isRecord(rs.Domains) || !isRecord(rs.Flows)) return `accounts.${account}.${region} lacks Domains/Flows`;
      for (const [name, d] of Object.entries(rs.Domains)) {
        if (!isRecord(d) || !isRecord(d.Integrations) || typeof d.CreatedAt !== 'number') return `domain ${account}/${region}/${name} is malformed`;
      }
    }
  }
  return undefined;
}
