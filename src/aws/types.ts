// What the reconciler sees of AWS: plain data, no SDK types (the gateway is the only SDK user).
import type {
  CreateDomainCommandInput,
  GetDomainCommandOutput,
  GetProfileObjectTypeCommandOutput,
  PutIntegrationCommandInput,
  PutProfileObjectTypeCommandInput,
  UpdateDomainCommandInput,
} from '@aws-sdk/client-customer-profiles';

export type PutIntegrationRequest = PutIntegrationCommandInput;
export type { CreateDomainCommandInput, PutProfileObjectTypeCommandInput, UpdateDomainCommandInput };

/** A domain as GetDomain, CreateDomain and UpdateDomain report it (Dates parsed by the SDK; no Stats). */
export type DomainDescription = Omit<GetDomainCommandOutput, '$metadata' | 'Stats'>;
/** An object type as GetProfileObjectType and PutProfileObjectType report it. */
export type ObjectTypeDescription = Omit<GetProfileObjectTypeCommandOutput, '$metadata'>;

/** One item of ListDomains. */
export interface DomainSummary {
  domainName: string;
  createdAt: Date;
  lastUpdatedAt: Date;
  tags?: Record<string, string>;
}

/** One item of ListProfileObjectTypes. */
export interface ObjectTypeSummary {
  objectTypeName: string;
  description?: string;
  createdAt?: Date;
  lastUpdatedAt?: Date;
  tags?: Record<string, string>;
}

/** An integration as Customer Profiles reports it (Get, Put and List share these members). */
export interface ObservedIntegration {
  domainName: string;
  uri: string;
  objectTypeName?: string | undefined;
  objectTypeNames?: Record<string, string> | undefined;
  tags?: Record<string, string> | undefined;
  createdAt: Date;
  lastUpdatedAt: Date;
  workflowId?: string | undefined;
  isUnstructured?: boolean | undefined;
  roleArn?: string | undefined;
  eventTriggerNames?: string[] | undefined;
  scope?: string | undefined;
}

/** Which credentials and region a call uses. `roleArn`: assume it (per-namespace credentials). */
export interface AwsTarget {
  region: string;
  roleArn?: string | undefined;
}

/** User changes and deletions go before routine drift checks. */
export type CallPriority = 'high' | 'low';

export interface IntegrationGateway {
  /** The account of the target's credentials (STS GetCallerIdentity, cached). */
  account(target: AwsTarget): Promise<string>;
  getIntegration(target: AwsTarget, domain: string, uri: string, prio: CallPriority): Promise<ObservedIntegration | undefined>;
  /** Every integration of a domain, all pages, hidden ones included (IncludeHidden). */
  listIntegrations(target: AwsTarget, domain: string, prio: CallPriority): Promise<ObservedIntegration[]>;
  putIntegration(target: AwsTarget, request: PutIntegrationRequest, prio: CallPriority): Promise<ObservedIntegration>;
  /** Resolves true when deleted, false when it was already gone. */
  deleteIntegration(target: AwsTarget, domain: string, uri: string, prio: CallPriority): Promise<boolean>;
  tagResource(target: AwsTarget, arn: string, tags: Record<string, string>, prio: CallPriority): Promise<void>;
  untagResource(target: AwsTarget, arn: string, keys: string[], prio: CallPriority): Promise<void>;
  /** Whether the AppFlow flow exists (DescribeFlow). */
  flowExists(target: AwsTarget, flowName: string, prio: CallPriority): Promise<boolean>;
  /** Deletes an AppFlow flow (one Customer Profiles left behind); false when already gone. */
  deleteFlow(target: AwsTarget, flowName: string, prio: CallPriority): Promise<boolean>;
  /** Whether credentials for the default target resolve (readiness). */
  checkCredentials(target: AwsTarget): Promise<void>;
}

export interface DomainGateway {
  getDomain(target: AwsTarget, domainName: string, prio: CallPriority): Promise<DomainDescription | undefined>;
  createDomain(target: AwsTarget, input: CreateDomainCommandInput, prio: CallPriority): Promise<DomainDescription>;
  updateDomain(target: AwsTarget, input: UpdateDomainCommandInput, prio: CallPriority): Promise<DomainDescription>;
  /** true when deleted, false when already gone. */
  deleteDomain(target: AwsTarget, domainName: string, prio: CallPriority): Promise<boolean>;
  /** Every domain of the target's account and region, all pages. */
  listDomains(target: AwsTarget, prio: CallPriority): Promise<DomainSummary[]>;
}

export interface ObjectTypeGateway {
  getObjectType(target: AwsTarget, domainName: string, objectTypeName: string, prio: CallPriority): Promise<ObjectTypeDescription | undefined>;
  /** Creates or replaces the object type (PutProfileObjectType). */
  putObjectType(target: AwsTarget, input: PutProfileObjectTypeCommandInput, prio: CallPriority): Promise<ObjectTypeDescription>;
  /** true when deleted, false when already gone (or the domain is). */
  deleteObjectType(target: AwsTarget, domainName: string, objectTypeName: string, prio: CallPriority): Promise<boolean>;
  /** Every object type of a domain, all pages. */
  listObjectTypes(target: AwsTarget, domainName: string, prio: CallPriority): Promise<ObjectTypeSummary[]>;
}
