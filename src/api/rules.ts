// The cross-field rules of each kind (RULES for integrations, DOMAIN_RULES, OBJECT_TYPE_RULES),
// each written once in two languages: CEL for the API
// server (they become the CRD's `x-kubernetes-validations`) and TypeScript for `cpi validate`,
// which must reject exactly what `kubectl apply` rejects without a cluster. A unit test runs every
// CEL expression with a real CEL engine against the fixtures and checks that both sides agree, on
// the verdict and on the message.
//
// CEL cost: the API server estimates each rule's worst case from maxItems/maxProperties/maxLength
// in the schema, so every list and map the rules iterate is bounded there, and no rule runs a regex
// over an unbounded string (map keys are estimated as size 0, so key regexes are cheap).

/** Where a rule sits in the schema: property names, `*` for every item of a list. */
export type RulePath = readonly string[];

/** One problem a rule finds, at `path` relative to the rule's location (`''` = the location). */
export interface Finding {
  path: string;
  message: string;
}

export interface Rule {
  name: string;
  at: RulePath;
  /** CEL; uses `oldSelf` only when `transition` is set. */
  rule: string;
  message: string;
  messageExpression?: string;
  /** Relative JSON path the API server reports instead of the rule's location. */
  fieldPath?: string;
  reason?: 'FieldValueRequired' | 'FieldValueForbidden' | 'FieldValueInvalid';
  /** Checked only on update, against the old object (immutability). */
  transition?: boolean;
  /**
   * How the API server's message relates to the offline finding's: the `same` text, or one that
   * `contains` it (when the finding names a list item that the API server cannot name).
   */
  serverMessage: 'same' | 'contains';
  check(self: unknown, oldSelf?: unknown): Finding[];
}

/** `connectorType` enum value (AWS spelling) -> the camelCase key of its properties/operator. */
export const CONNECTOR_KEYS = {
  Salesforce: 'salesforce',
  Marketo: 'marketo',
  Zendesk: 'zendesk',
  Servicenow: 'serviceNow',
  S3: 's3',
} as const;
export type ConnectorType = keyof typeof CONNECTOR_KEYS;
const connectorKeyList = Object.values(CONNECTOR_KEYS);

export const TAG_KEY_PATTERN = '^[a-zA-Z+-=._:/]+$';
export const TAG_KEY_CHARS = 'letters, digits and + , - . / : ; < = _';

export const OPERATOR_PROPERTY_KEYS = [
  'VALUE',
  'VALUES',
  'DATA_TYPE',
  'UPPER_BOUND',
  'LOWER_BOUND',
  'SOURCE_DATA_TYPE',
  'DESTINATION_DATA_TYPE',
  'VALIDATION_ACTION',
  'MASK_VALUE',
  'MASK_LENGTH',
  'TRUNCATE_LENGTH',
  'MATH_OPERATION_FIELDS_ORDER',
  'CONCAT_FORMAT',
  'SUBFIELD_CATEGORY_MAP',
] as const;

import { MAX_SPEC_TAGS, RESERVED_TAG_PREFIX } from './group.ts';

/**
 * TagResource takes ARNs of at most 256 characters. The integration's ARN is
 * arn:PARTITION:profile:REGION:ACCOUNT:domains/DOMAIN/integrations/URI, and a flow's URI is
 * arn:PARTITION:appflow:REGION:ACCOUNT:flow/FLOWNAME. Without spec.region the controller's default
 * applies, unknown at admission: the bound assumes a 14-character region (ap-southeast-1).
 */
export const MAX_TAG_ARN = 256;
const ASSUMED_REGION_LENGTH = 14;
const ARN_FIXED = 'arn::profile::123456789012:domains//integrations/'.length; // 49
const FLOW_URI_FIXED = 'arn::appflow::123456789012:flow/'.length; // 32
const partitionLength = (region: string | undefined) =>
  region === undefined ? 3 : region.startsWith('us-gov-') ? 10 : region.startsWith('cn-') ? 6 : 3;
/** The longest the integration ARN of a spec can be (the TypeScript twin of the CEL rule). */
export function maxIntegrationArnLength(spec: { region?: unknown; domainName?: unknown; uri?: unknown; flowDefinition?: unknown }): number {
  const region = typeof spec.region === 'string' ? spec.region : undefined;
  const r = region === undefined ? ASSUMED_REGION_LENGTH : [...region].length;
  const p = partitionLength(region);
  const domain = typeof spec.domainName === 'string' ? [...spec.domainName].length : 0;
  const flowName = isObj(spec.flowDefinition) && typeof spec.flowDefinition.flowName === 'string' ? [...spec.flowDefinition.flowName].length : 0;
  const uri = typeof spec.uri === 'string' ? [...spec.uri].length : spec.flowDefinition !== undefined ? FLOW_URI_FIXED + p + r + flowName : 0;
  return ARN_FIXED + p + r + domain + uri;
}
const celRegionLength = `(has(self.region) ? size(self.region) : ${ASSUMED_REGION_LENGTH})`;
const celPartitionLength = "(has(self.region) && self.region.startsWith('us-gov-') ? 10 : has(self.region) && self.region.startsWith('cn-') ? 6 : 3)";
const ARN_MESSAGE = `the integration ARN (arn:PARTITION:profile:REGION:ACCOUNT:domains/DOMAIN/integrations/URI) would be longer than ${MAX_TAG_ARN} characters, the limit of AWS's tag calls: shorten domainName, uri or flowDefinition.flowName`;

// ---- small helpers over untyped input (the offline validator sees whatever the YAML holds) ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: unknown, k: string): boolean => isObj(o) && o[k] !== undefined && o[k] !== null;
const keysOf = (o: unknown): string[] => (isObj(o) ? Object.keys(o) : []);
const tagKeyRe = new RegExp(TAG_KEY_PATTERN);

// CEL: `type == 'S3' ? has(obj.s3) : type == 'Salesforce' ? ... : true` (an unknown type is the enum's problem).
function celHasKeyFor(typeExpr: string, objExpr: string): string {
  return (
    Object.entries(CONNECTOR_KEYS)
      .map(([type, key]) => `${typeExpr} == '${type}' ? has(${objExpr}.${key}) : `)
      .join('') + 'true'
  );
}
const celKeyMap = `{${Object.entries(CONNECTOR_KEYS)
  .map(([t, k]) => `'${t}': '${k}'`)
  .join(', ')}}`;
const celExactlyOne = `[${connectorKeyList.map((k) => `has(self.${k})`).join(', ')}].filter(x, x).size() == 1`;

function expectedKey(type: unknown): string | undefined {
  return typeof type === 'string' && type in CONNECTOR_KEYS ? CONNECTOR_KEYS[type as ConnectorType] : undefined;
}

const FLOW = ['spec', 'flowDefinition'] as const;

/** An object keyed by connector (source properties, a task's operator) sets exactly one key. */
function oneConnectorKey(name: string, at: RulePath): Rule {
  const message = `set exactly one of: ${connectorKeyList.join(', ')}`;
  return {
    name,
    at,
    rule: celExactlyOne,
    message,
    serverMessage: 'same',
    check: (self) => (isObj(self) && connectorKeyList.filter((k) => has(self, k)).length !== 1 ? [{ path: '', message }] : []),
  };
}

/**
 * The rules on spec.tags every kind has, in the order the integration's CRD lists them:
 * AWS's reserved prefix, the operator's, room for the owner tag, the key shape.
 */
export const tagRules: readonly Rule[] = [
  {
    name: 'tagKeysNotReserved',
    at: ['spec', 'tags'],
    rule: "self.all(k, !k.startsWith('aws:'))",
    message: 'tag keys must not start with aws: (the prefix is reserved by AWS)',
    messageExpression: "'key ' + self.filter(k, k.startsWith('aws:'))[0] + ' must not start with aws: (the prefix is reserved by AWS)'",
    serverMessage: 'same',
    check: (self) =>
      keysOf(self)
        .filter((k) => k.startsWith('aws:'))
        .map((k) => ({ path: `[${k}]`, message: `key ${k} must not start with aws: (the prefix is reserved by AWS)` })),
  },
  {
    name: 'tagKeysNotOperators',
    at: ['spec', 'tags'],
    rule: `self.all(k, !k.startsWith('${RESERVED_TAG_PREFIX}'))`,
    message: `tag keys must not start with ${RESERVED_TAG_PREFIX} (reserved for the operator, e.g. its owner tag)`,
    messageExpression: `'key ' + self.filter(k, k.startsWith('${RESERVED_TAG_PREFIX}'))[0] + ' must not start with ${RESERVED_TAG_PREFIX} (reserved for the operator, e.g. its owner tag)'`,
    serverMessage: 'same',
    check: (self) =>
      keysOf(self)
        .filter((k) => k.startsWith(RESERVED_TAG_PREFIX))
        .map((k) => ({ path: `[${k}]`, message: `key ${k} must not start with ${RESERVED_TAG_PREFIX} (reserved for the operator, e.g. its owner tag)` })),
  },
  {
    name: 'tagsRoomForOwner',
    at: ['spec', 'tags'],
    rule: `self.size() <= ${MAX_SPEC_TAGS}`,
    message: `at most ${MAX_SPEC_TAGS} tags: AWS allows 50 and the operator adds its owner tag`,
    serverMessage: 'same',
    check: (self) => (keysOf(self).length <= MAX_SPEC_TAGS ? [] : [{ path: '', message: `at most ${MAX_SPEC_TAGS} tags: AWS allows 50 and the operator adds its owner tag` }]),
  },
  {
    name: 'tagKeysShape',
    at: ['spec', 'tags'],
    rule: `self.all(k, size(k) <= 128 && k.matches('${TAG_KEY_PATTERN}'))`,
    message: `tag keys must be 1-128 characters: ${TAG_KEY_CHARS}`,
    messageExpression: `'key ' + self.filter(k, !(size(k) <= 128 && k.matches('${TAG_KEY_PATTERN}')))[0] + ' is not a valid tag key: use 1-128 characters: ${TAG_KEY_CHARS}'`,
    serverMessage: 'same',
    check: (self) =>
      keysOf(self)
        .filter((k) => !([...k].length <= 128 && tagKeyRe.test(k)))
        .map((k) => ({ path: `[${k}]`, message: `key ${k} is not a valid tag key: use 1-128 characters: ${TAG_KEY_CHARS}` })),
  },
];

/** The rules of CustomerProfilesIntegration. */
export const RULES: readonly Rule[] = [
  immutable('domainName', 'create a new resource for another domain'),
  immutableOnceSet('uri', 'it identifies the integration in AWS; create a new resource for another uri'),
  immutableOnceSet('region', 'the integration lives in one region; create a new resource for another region'),
  {
    name: 'uriOrFlowDefinition',
    at: ['spec'],
    rule: 'has(self.uri) || has(self.flowDefinition)',
    message: 'set uri (an existing source, e.g. an Amazon Connect instance ARN) or flowDefinition (an AppFlow flow that AWS creates)',
    reason: 'FieldValueRequired',
    serverMessage: 'same',
    check: (self) =>
      has(self, 'uri') || has(self, 'flowDefinition')
        ? []
        : [{ path: '', message: 'set uri (an existing source, e.g. an Amazon Connect instance ARN) or flowDefinition (an AppFlow flow that AWS creates)' }],
  },
  {
    name: 'flowNameImmutable',
    at: FLOW,
    rule: 'self.flowName == oldSelf.flowName',
    message: 'flowName is immutable: AppFlow flows cannot be renamed; create a new resource for another flow',
    fieldPath: '.flowName',
    transition: true,
    serverMessage: 'same',
    check: (self, old) =>
      isObj(self) && isObj(old) && self.flowName !== old.flowName
        ? [{ path: '.flowName', message: 'flowName is immutable: AppFlow flows cannot be renamed; create a new resource for another flow' }]
        : [],
  },
  oneConnectorKey('sourceConnectorPropertiesOneKey', [...FLOW, 'sourceFlowConfig', 'sourceConnectorProperties']),
  {
    name: 'sourceConnectorPropertiesMatchType',
    at: [...FLOW, 'sourceFlowConfig'],
    rule: `!has(self.sourceConnectorProperties) || (${celHasKeyFor('self.connectorType', 'self.sourceConnectorProperties')})`,
    message: 'must have the key that matches connectorType (S3: s3, Salesforce: salesforce, Servicenow: serviceNow, Marketo: marketo, Zendesk: zendesk)',
    messageExpression: `'must have the key ' + ${celKeyMap}[self.connectorType] + ' to match connectorType ' + self.connectorType`,
    fieldPath: '.sourceConnectorProperties',
    serverMessage: 'same',
    check: (self) => {
      if (!isObj(self) || !has(self, 'sourceConnectorProperties')) return [];
      const key = expectedKey(self.connectorType);
      if (!key || has(self.sourceConnectorProperties, key)) return [];
      return [{ path: '.sourceConnectorProperties', message: `must have the key ${key} to match connectorType ${String(self.connectorType)}` }];
    },
  },
  oneConnectorKey('connectorOperatorOneKey', [...FLOW, 'tasks', '*', 'connectorOperator']),
  {
    name: 'connectorOperatorMatchesType',
    at: FLOW,
    rule: `!has(self.sourceFlowConfig) || !has(self.tasks) || self.tasks.all(t, !has(t.connectorOperator) || (${celHasKeyFor('self.sourceFlowConfig.connectorType', 't.connectorOperator')}))`,
    message: 'every task\'s connectorOperator must use the key that matches sourceFlowConfig.connectorType (S3: s3, Salesforce: salesforce, Servicenow: serviceNow, Marketo: marketo, Zendesk: zendesk)',
    // The API server can neither point its field path at one list item nor afford to compute
    // its index in a messageExpression (the estimated cost of tasks.map(...).indexOf() is far
    // over budget), so its message names the rule; `cpi validate` names the task.
    messageExpression: `"every task's connectorOperator must use the key " + ${celKeyMap}[self.sourceFlowConfig.connectorType] + ' to match sourceFlowConfig.connectorType ' + self.sourceFlowConfig.connectorType`,
    fieldPath: '.tasks',
    serverMessage: 'contains',
    check: (self) => {
      if (!isObj(self) || !isObj(self.sourceFlowConfig) || !Array.isArray(self.tasks)) return [];
      const type = self.sourceFlowConfig.connectorType;
      const key = expectedKey(type);
      if (!key) return [];
      const out: Finding[] = [];
      self.tasks.forEach((t, i) => {
        if (has(t, 'connectorOperator') && !has((t as Obj).connectorOperator, key)) {
          out.push({ path: `.tasks[${i}].connectorOperator`, message: `must use the key ${key} to match sourceFlowConfig.connectorType ${String(type)}` });
        }
      });
      return out;
    },
  },
  {
    name: 'scheduledPropertiesRequired',
    at: [...FLOW, 'triggerConfig'],
    rule: "self.triggerType != 'Scheduled' || (has(self.triggerProperties) && has(self.triggerProperties.scheduled))",
    message: 'triggerProperties.scheduled is required when triggerType is Scheduled',
    fieldPath: '.triggerProperties.scheduled',
    reason: 'FieldValueRequired',
    serverMessage: 'same',
    check: (self) =>
      isObj(self) && self.triggerType === 'Scheduled' && !has(self.triggerProperties, 'scheduled')
        ? [{ path: '.triggerProperties.scheduled', message: 'triggerProperties.scheduled is required when triggerType is Scheduled' }]
        : [],
  },
  {
    name: 'scheduledPropertiesOnlyWhenScheduled',
    at: [...FLOW, 'triggerConfig'],
    rule: "self.triggerType == 'Scheduled' || !has(self.triggerProperties) || !has(self.triggerProperties.scheduled)",
    message: 'triggerProperties.scheduled is allowed only with triggerType Scheduled',
    fieldPath: '.triggerProperties.scheduled',
    reason: 'FieldValueForbidden',
    serverMessage: 'same',
    check: (self) =>
      isObj(self) && self.triggerType !== 'Scheduled' && has(self.triggerProperties, 'scheduled')
        ? [{ path: '.triggerProperties.scheduled', message: 'triggerProperties.scheduled is allowed only with triggerType Scheduled' }]
        : [],
  },
  {
    name: 'scheduleWindow',
    at: [...FLOW, 'triggerConfig', 'triggerProperties', 'scheduled'],
    rule: '!has(self.scheduleStartTime) || !has(self.scheduleEndTime) || self.scheduleEndTime > self.scheduleStartTime',
    message: 'scheduleEndTime must be after scheduleStartTime',
    fieldPath: '.scheduleEndTime',
    serverMessage: 'same',
    check: (self) => {
      if (!isObj(self) || typeof self.scheduleStartTime !== 'string' || typeof self.scheduleEndTime !== 'string') return [];
      const start = Date.parse(self.scheduleStartTime);
      const end = Date.parse(self.scheduleEndTime);
      return Number.isNaN(start) || Number.isNaN(end) || end > start ? [] : [{ path: '.scheduleEndTime', message: 'scheduleEndTime must be after scheduleStartTime' }];
    },
  },
  tagRules[0]!,
  tagRules[1]!,
  tagRules[2]!,
  {
    name: 'integrationArnLength',
    at: ['spec'],
    rule: `${ARN_FIXED} + ${celPartitionLength} + ${celRegionLength} + (has(self.domainName) ? size(self.domainName) : 0) + (has(self.uri) ? size(self.uri) : has(self.flowDefinition) ? ${FLOW_URI_FIXED} + ${celPartitionLength} + ${celRegionLength} + size(self.flowDefinition.flowName) : 0) <= ${MAX_TAG_ARN}`,
    message: ARN_MESSAGE,
    serverMessage: 'same',
    check: (self) => (isObj(self) && maxIntegrationArnLength(self) > MAX_TAG_ARN ? [{ path: '', message: ARN_MESSAGE }] : []),
  },
  tagRules[3]!,
  {
    name: 'objectTypeNamesKeys',
    at: ['spec', 'objectTypeNames'],
    rule: 'self.all(k, size(k) >= 1 && size(k) <= 255)',
    message: 'keys (event types such as ShopifyCreateOrders) must be 1-255 characters',
    serverMessage: 'same',
    check: (self) =>
      keysOf(self)
        .filter((k) => !([...k].length >= 1 && [...k].length <= 255))
        .map((k) => ({ path: `[${k}]`, message: 'keys (event types such as ShopifyCreateOrders) must be 1-255 characters' })),
  },
  {
    name: 'taskPropertiesKeys',
    at: [...FLOW, 'tasks', '*', 'taskProperties'],
    rule: `self.all(k, k in [${OPERATOR_PROPERTY_KEYS.map((k) => `'${k}'`).join(', ')}])`,
    message: `keys must be one of: ${OPERATOR_PROPERTY_KEYS.join(', ')}`,
    messageExpression: `'key ' + self.filter(k, !(k in [${OPERATOR_PROPERTY_KEYS.map((k) => `'${k}'`).join(', ')}]))[0] + ' is not allowed: keys must be one of: ${OPERATOR_PROPERTY_KEYS.join(', ')}'`,
    serverMessage: 'same',
    check: (self) =>
      keysOf(self)
        .filter((k) => !(OPERATOR_PROPERTY_KEYS as readonly string[]).includes(k))
        .map((k) => ({ path: `[${k}]`, message: `key ${k} is not allowed: keys must be one of: ${OPERATOR_PROPERTY_KEYS.join(', ')}` })),
  },
];

/** The rules of CustomerProfilesDomain: its name and region are its identity. */
export const DOMAIN_RULES: readonly Rule[] = [
  immutable('domainName', 'a domain cannot be renamed; create a new resource for another domain'),
  immutableOnceSet('region', 'the domain lives in one region; create a new resource for another region'),
  ...tagRules,
];

/** The rules of CustomerProfilesObjectType: domain, name and region are its identity; map keys as the model says. */
export const OBJECT_TYPE_RULES: readonly Rule[] = [
  immutable('domainName', 'create a new resource for another domain'),
  immutable('objectTypeName', 'an object type cannot be renamed; create a new resource for another name'),
  immutableOnceSet('region', 'the object type lives in one region; create a new resource for another region'),
  ...tagRules,
  mapKeysRule('fieldsKeys', ['spec', 'fields'], 64, '^[a-zA-Z0-9_.-]+$', 'field names', 'letters, digits, _ . and -'),
  mapKeysRule('keysKeys', ['spec', 'keys'], 64, '^[a-zA-Z0-9_-]+$', 'key names', 'letters, digits, _ and -'),
];

/** Map keys of 1-`max` characters matching `pattern` (a CRD cannot constrain keys itself). */
function mapKeysRule(name: string, at: RulePath, max: number, pattern: string, what: string, chars: string): Rule {
  const ok = (k: string) => `size(${k}) >= 1 && size(${k}) <= ${max} && ${k}.matches('${pattern}')`;
  const re = new RegExp(pattern);
  return {
    name,
    at,
    rule: `self.all(k, ${ok('k')})`,
    message: `${what} must be 1-${max} characters: ${chars}`,
    messageExpression: `'key ' + self.filter(k, !(${ok('k')}))[0] + ' is not allowed: ${what} must be 1-${max} characters: ${chars}'`,
    serverMessage: 'same',
    check: (self) =>
      keysOf(self)
        .filter((k) => !([...k].length >= 1 && [...k].length <= max && re.test(k)))
        .map((k) => ({ path: `[${k}]`, message: `key ${k} is not allowed: ${what} must be 1-${max} characters: ${chars}` })),
  };
}

/** The CRD form of the rules (of one kind) at one schema location. */
export function celValidationsAt(rules: readonly Rule[], at: RulePath): Array<Record<string, string>> {
  const key = at.join('.');
  return rules.filter((r) => r.at.join('.') === key).map((r) => {
    const v: Record<string, string> = { rule: r.rule, message: r.message };
    if (r.messageExpression) v.messageExpression = r.messageExpression;
    if (r.fieldPath) v.fieldPath = r.fieldPath;
    if (r.reason) v.reason = r.reason;
    return v;
  });
}

/** A required spec field that never changes: it names the resource in AWS. */
export function immutable(field: string, instead: string): Rule {
  const message = `${field} is immutable: ${instead}`;
  return {
    name: `${field}Immutable`,
    at: ['spec', field],
    rule: 'self == oldSelf',
    message,
    transition: true,
    serverMessage: 'same',
    check: (self, old) => (self === old ? [] : [{ path: '', message }]),
  };
}

/** A spec field that may be added once and never changed or removed afterwards. */
export function immutableOnceSet(field: string, why: string): Rule {
  const message = `${field} is immutable once set: ${why}`;
  return {
    name: `${field}Immutable`,
    at: ['spec'],
    rule: `!has(oldSelf.${field}) || (has(self.${field}) && self.${field} == oldSelf.${field})`,
    message,
    fieldPath: `.${field}`,
    transition: true,
    serverMessage: 'same',
    check: (self, old) =>
      !has(old, field) || (has(self, field) && (self as Obj)[field] === (old as Obj)[field]) ? [] : [{ path: `.${field}`, message }],
  };
}
