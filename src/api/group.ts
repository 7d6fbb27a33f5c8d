// Names of the API that manifests, RBAC and scripts depend on. One place, never spelled twice.
export const GROUP = 'customerprofiles.gitops.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'CustomerProfilesIntegration';
export const LIST_KIND = 'CustomerProfilesIntegrationList';
export const PLURAL = 'customerprofilesintegrations';
export const SINGULAR = 'customerprofilesintegration';
export const SHORT_NAMES = ['cpi', 'cpint'] as const;
export const CATEGORIES = ['aws'] as const;
export const CRD_NAME = `${PLURAL}.${GROUP}`;

/** The names of one kind of the group: its CRD's `spec.names`, and the CRD's name. */
export interface KindNames {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  crdName: string;
}

export const INTEGRATION_NAMES = {
  kind: KIND,
  listKind: LIST_KIND,
  plural: PLURAL,
  singular: SINGULAR,
  shortNames: SHORT_NAMES,
  crdName: CRD_NAME,
} as const satisfies KindNames;

export const DOMAIN_NAMES = {
  kind: 'CustomerProfilesDomain',
  listKind: 'CustomerProfilesDomainList',
  plural: 'customerprofilesdomains',
  singular: 'customerprofilesdomain',
  shortNames: ['cpdomain', 'cpd'],
  crdName: `customerprofilesdomains.${GROUP}`,
} as const satisfies KindNames;

export const OBJECT_TYPE_NAMES = {
  kind: 'CustomerProfilesObjectType',
  listKind: 'CustomerProfilesObjectTypeList',
  plural: 'customerprofilesobjecttypes',
  singular: 'customerprofilesobjecttype',
  shortNames: ['cpot'],
  crdName: `customerprofilesobjecttypes.${GROUP}`,
} as const satisfies KindNames;

/** Every kind of the group, in the order they depend on each other: domain, object type, integration. */
export const ALL_KIND_NAMES = [DOMAIN_NAMES, OBJECT_TYPE_NAMES, INTEGRATION_NAMES] as const;
export type ResourceKind = (typeof ALL_KIND_NAMES)[number]['kind'];

export const FINALIZER = `${GROUP}/finalizer`;
export const FIELD_MANAGER = 'cpi-controller';
export const REPORTING_CONTROLLER = `${GROUP}/cpi-controller`;

export const ANNOTATIONS = {
  paused: `${GROUP}/paused`,
  reconcileRequestedAt: `${GROUP}/reconcile-requested-at`,
  pollInterval: `${GROUP}/poll-interval`,
  /** On a Namespace: the IAM role the controller assumes for resources in it. */
  roleArn: `${GROUP}/role-arn`,
  /** Set by `cpi import`: the flowDefinitionHash of the flow it read back from AppFlow. */
  observedFlowHash: `${GROUP}/observed-flow-hash`,
  /**
   * "true": a person asks this resource to take over an integration that already exists in AWS and
   * that it did not create. Without it, an existing integration that is not ours is never written.
   */
  adopt: `${GROUP}/adopt`,
} as const;

/**
 * Tags the operator keeps on integrations it creates, sent in the same PutIntegration that creates
 * (tags at creation are atomic with it), so ownership survives a lost status write or a restart.
 * They are never part of a spec's tag diff and never removed. Spec tags may not use the prefix.
 */
export const RESERVED_TAG_PREFIX = `${GROUP}/`;
export const OWNER_TAG = `${GROUP}/owner`;
/** AWS allows 50 tags; one is the operator's. */
export const MAX_SPEC_TAGS = 49;

