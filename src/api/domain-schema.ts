// The one schema of CustomerProfilesDomain: CRD (crd.ts), offline validator (validate.ts) and
// types (types.ts) come from it. The spec is the members of CreateDomain / UpdateDomain in
// camelCase, with the constraints of the botocore model (test/unit/api/domain-schema-model.test.ts
// compares them shape by shape), plus the operator's own fields. As in schema.ts, list minimums of
// the model are carried (an empty list AWS refuses is refused at apply), map minimums are not (an
// empty map means none and is never sent), and where the model sets no maximum one is added.
import Type from 'typebox';
import { DOMAIN_NAMES } from './group.ts';
import { DOMAIN_RULES } from './rules.ts';
import {
  commonStatusMembers,
  domainNameField,
  enumOf,
  int,
  obj,
  operatorSpecFields,
  resourceSchema,
  str,
  tagsField,
  type SchemaNode,
} from './schema-builders.ts';

export const DAYS_OF_THE_WEEK = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
export const CONFLICT_RESOLVING_MODELS = ['RECENCY', 'SOURCE'] as const;
export const ATTRIBUTE_MATCHING_MODELS = ['ONE_TO_ONE', 'MANY_TO_MANY'] as const;

const attributeName = () => str('A profile attribute, e.g. EmailAddress or Address.City.', { min: 1, max: 255 });

function conflictResolution() {
  return obj('How to pick the values of a merged profile when the matched profiles disagree.', {
    conflictResolvingModel: enumOf(CONFLICT_RESOLVING_MODELS, 'RECENCY: the most recently updated profile wins. SOURCE: the profile from sourceName wins.'),
    sourceName: Type.Optional(str('The object type name whose profile wins, when conflictResolvingModel is SOURCE.', { min: 1, max: 255 })),
  });
}

function exportingConfig() {
  return obj('Where AWS writes the results of the matching jobs.', {
    s3Exporting: Type.Optional(
      obj('Export to Amazon S3.', {
        s3BucketName: str('The S3 bucket AWS writes the match results to (lowercase letters, digits, . and -).', { min: 3, max: 63, pattern: '^[a-z0-9.-]+$' }),
        s3KeyName: Type.Optional(str('Object key prefix (folder) of the results in the bucket.', { min: 1, max: 800, pattern: '.*' })),
      }),
    ),
  });
}

const matching = obj('Identity resolution by machine learning (Matching): a weekly job that finds profiles of the same person.', {
  enabled: Type.Boolean({ description: 'Whether the matching jobs run.' }),
  jobSchedule: Type.Optional(
    obj('When the weekly matching job starts (UTC).', {
      dayOfTheWeek: enumOf(DAYS_OF_THE_WEEK, 'The day of the week, e.g. SUNDAY.'),
      time: str('The time of day, HH:MM, e.g. 03:00.', { min: 3, max: 5, pattern: '^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$' }),
    }),
  ),
  autoMerging: Type.Optional(
    obj('Merge the profiles the job matched, automatically.', {
      enabled: Type.Boolean({ description: 'Whether matched profiles are merged.' }),
      consolidation: Type.Optional(
        obj('Which attributes must be equal for two matched profiles to be merged.', {
          matchingAttributesList: Type.Array(
            Type.Array(attributeName(), { description: 'Attributes that must all be equal, e.g. [FirstName, LastName, EmailAddress] (1-20).', minItems: 1, maxItems: 20 }),
            { description: 'Sets of attributes; profiles are merged when any one set matches (1-10 sets).', minItems: 1, maxItems: 10 },
          ),
        }),
      ),
      conflictResolution: Type.Optional(conflictResolution()),
      minAllowedConfidenceScoreForMerging: Type.Optional(
        Type.Number({ description: 'The lowest confidence score (0 to 1) of a match that is merged.', minimum: 0, maximum: 1 }),
      ),
    }),
  ),
  exportingConfig: Type.Optional(exportingConfig()),
});

const ruleBasedMatching = obj('Rule-based identity resolution: profiles match when the attributes of one of your rules are equal.', {
  enabled: Type.Boolean({ description: 'Whether rule-based matching runs.' }),
  matchingRules: Type.Optional(
    Type.Array(
      obj('One matching rule.', {
        rule: Type.Array(attributeName(), { description: 'Attributes that must all match, e.g. [Email, Phone] (1-15).', minItems: 1, maxItems: 15 }),
      }),
      { description: 'The rules, tried in order: the first is level 1 (1-15 rules).', minItems: 1, maxItems: 15 },
    ),
  ),
  maxAllowedRuleLevelForMerging: Type.Optional(int('Profiles matched by a rule of this level or a lower one are merged (1-15).', { min: 1, max: 15 })),
  maxAllowedRuleLevelForMatching: Type.Optional(int('Rules above this level are not used for matching (1-15).', { min: 1, max: 15 })),
  attributeTypesSelector: Type.Optional(
    obj('Which address, phone and email attributes take part in matching.', {
      attributeMatchingModel: enumOf(ATTRIBUTE_MATCHING_MODELS, 'ONE_TO_ONE: a value matches only the same attribute type. MANY_TO_MANY: any of the listed types.'),
      address: Type.Optional(Type.Array(attributeName(), { description: 'Address types, e.g. [Address, ShippingAddress] (1-4).', minItems: 1, maxItems: 4 })),
      phoneNumber: Type.Optional(Type.Array(attributeName(), { description: 'Phone number types, e.g. [PhoneNumber, MobilePhoneNumber] (1-4).', minItems: 1, maxItems: 4 })),
      emailAddress: Type.Optional(Type.Array(attributeName(), { description: 'Email types, e.g. [EmailAddress, PersonalEmailAddress] (1-3).', minItems: 1, maxItems: 3 })),
    }),
  ),
  conflictResolution: Type.Optional(conflictResolution()),
  exportingConfig: Type.Optional(exportingConfig()),
});

// ---- spec ----

export const DomainSpecSchema = obj('The Customer Profiles domain as it should be in AWS, plus how the operator manages it.', {
  domainName: domainNameField('Name of the domain in AWS: letters, digits, _ and -, at most 64 characters. Immutable: a domain cannot be renamed.'),
  defaultExpirationDays: int('How many days profile data is kept by default (1-1098).', { min: 1, max: 1098 }),
  defaultEncryptionKey: Type.Optional(
    str('The KMS key (ARN or alias) that encrypts the domain\'s profile data at rest. Default: an AWS managed key.', { min: 0, max: 255 }),
  ),
  deadLetterQueueUrl: Type.Optional(
    str('URL of the SQS queue that receives the events AWS could not ingest (the queue must allow Customer Profiles to send to it).', { min: 0, max: 255 }),
  ),
  matching: Type.Optional(matching),
  ruleBasedMatching: Type.Optional(ruleBasedMatching),
  dataStore: Type.Optional(
    obj('The data store of the domain, for calculated attributes and segments over all data.', {
      enabled: Type.Optional(Type.Boolean({ description: 'Whether the data store is on.' })),
    }),
  ),
  tags: Type.Optional(tagsField('domain')),
  ...operatorSpecFields('domain', {
    default: 'Retain',
    note: 'The default is Retain because DeleteDomain deletes every profile, object and integration in the domain, with no undo; choose Delete only for domains you can rebuild.',
  }),
});

// ---- status ----

const common = commonStatusMembers('domain', 'region and assumedRoleArn');

export const DomainStatusSchema = obj('What the operator observed and did; written by the controller only.', {
  observedGeneration: common.observedGeneration,
  conditions: common.conditions,
  domainArn: Type.Optional(str('ARN of the domain (for tags): arn:PARTITION:profile:REGION:ACCOUNT:domains/DOMAIN.', { max: 1024 })),
  region: common.region,
  account: common.account,
  assumedRoleArn: common.assumedRoleArn,
  ownership: common.ownership,
  createdAt: common.createdAt,
  lastUpdatedAt: common.lastUpdatedAt,
  lastSyncTime: common.lastSyncTime,
  lastHandledReconcileAt: common.lastHandledReconcileAt,
});

export const DomainResourceSchema = resourceSchema(
  DOMAIN_NAMES.kind,
  'An Amazon Connect Customer Profiles domain (CreateDomain / UpdateDomain), kept by the operator in the state declared here.',
  DomainSpecSchema,
  DomainStatusSchema,
  DOMAIN_RULES,
);

export const domainSpecNode = DomainSpecSchema as unknown as SchemaNode;
