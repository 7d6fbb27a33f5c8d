// The one schema of CustomerProfilesObjectType: CRD (crd.ts), offline validator (validate.ts) and
// types (types.ts) come from it. The spec is the members of PutProfileObjectType in camelCase, with
// the constraints of the botocore model (test/unit/api/object-type-schema-model.test.ts compares
// them), plus the operator's own fields. Where the model sets no maximum (fields, keys and their
// lists, the counts) the schema adds one so the API server can bound its validation cost.
import Type from 'typebox';
import { OBJECT_TYPE_NAMES } from './group.ts';
import { OBJECT_TYPE_RULES } from './rules.ts';
import {
  commonStatusMembers,
  domainNameField,
  enumOf,
  int,
  NAME_PATTERN,
  obj,
  operatorSpecFields,
  resourceSchema,
  str,
  stringMap,
  tagsField,
  TYPE_NAME_PATTERN,
  type SchemaNode,
} from './schema-builders.ts';

export const FIELD_CONTENT_TYPES = ['STRING', 'NUMBER', 'PHONE_NUMBER', 'EMAIL_ADDRESS', 'NAME'] as const;
export const STANDARD_IDENTIFIERS = [
  'PROFILE', 'ASSET', 'CASE', 'DEVICE', 'WEB_ANALYTICS', 'ORDER', 'COMMUNICATION_RECORD', 'AIR_PREFERENCE', 'HOTEL_PREFERENCE',
  'AIR_BOOKING', 'AIR_SEGMENT', 'HOTEL_RESERVATION', 'HOTEL_STAY_REVENUE', 'LOYALTY', 'LOYALTY_TRANSACTION', 'LOYALTY_PROMOTION',
  'UNIQUE', 'SECONDARY', 'LOOKUP_ONLY', 'NEW_ONLY',
] as const;

/** Bounds the model leaves open. Real object types have tens of fields and a handful of keys. */
export const MAX_FIELDS = 500;
export const MAX_KEYS = 100;
export const MAX_KEY_ALTERNATIVES = 10;
export const MAX_KEY_FIELD_NAMES = 20;

// ---- spec ----

const field = obj('How one field of the source object maps to the standard profile.', {
  source: Type.Optional(str('The field of the source object, e.g. _source.FirstName.', { min: 1, max: 1000 })),
  target: Type.Optional(str('Where the value goes in the standard profile, e.g. _profile.FirstName. No personal data in the name.', { min: 1, max: 1000 })),
  contentType: Type.Optional(enumOf(FIELD_CONTENT_TYPES, 'What the value is, for equality when searching: STRING, NUMBER, PHONE_NUMBER, EMAIL_ADDRESS or NAME.')),
});

const key = obj('One way of using fields as a key.', {
  standardIdentifiers: Type.Optional(
    Type.Array(enumOf(STANDARD_IDENTIFIERS, 'A key type, e.g. PROFILE (ties the object to a profile) or UNIQUE (identifies the object).'), {
      description: 'What the key is for: PROFILE, ASSET, CASE or ORDER tie the object to one of those; UNIQUE identifies the object (one UNIQUE key per object type); SECONDARY, LOOKUP_ONLY and NEW_ONLY change how profiles are searched and created.',
      maxItems: STANDARD_IDENTIFIERS.length,
    }),
  ),
  fieldNames: Type.Optional(
    Type.Array(str('The name of a field of spec.fields.', { min: 1, max: 64, pattern: NAME_PATTERN }), {
      description: `The fields (names in spec.fields) the key is made of, at most ${MAX_KEY_FIELD_NAMES}.`,
      maxItems: MAX_KEY_FIELD_NAMES,
    }),
  ),
});

export const ObjectTypeSpecSchema = obj('The profile object type (the mapping of a source object onto profiles) as it should be in AWS, plus how the operator manages it.', {
  domainName: domainNameField('The Customer Profiles domain of the object type. Immutable.'),
  objectTypeName: str('Name of the object type in AWS, such as SalesforceAccount: a letter or _ first, then letters, digits, _ and -. Immutable.', {
    min: 1,
    max: 255,
    pattern: TYPE_NAME_PATTERN,
  }),
  description: str('What the object type holds, 1-1000 characters.', { min: 1, max: 1000 }),
  templateId: Type.Optional(
    str('An AWS object type template, e.g. Salesforce-Account. AWS then takes allowProfileCreation, sourceLastUpdatedTimestampFormat, fields and keys from the template; setting them too may be refused.', {
      min: 1,
      max: 64,
      pattern: NAME_PATTERN,
    }),
  ),
  expirationDays: Type.Optional(int('How many days the objects of this type are kept (1-1098). Default: the domain\'s defaultExpirationDays.', { min: 1, max: 1098 })),
  encryptionKey: Type.Optional(str('The KMS key (ARN or alias) that encrypts the objects of this type. Default: the domain\'s key.', { min: 0, max: 255 })),
  allowProfileCreation: Type.Optional(
    Type.Boolean({ description: 'Whether an object that matches no profile creates one (true) or is only attached to an existing one (false, AWS\'s default).' }),
  ),
  sourceLastUpdatedTimestampFormat: Type.Optional(
    str('The format of the source\'s last-updated timestamp, e.g. yyyy-MM-dd\'T\'HH:mm:ss.SSSZ, used to keep the newest object.', { min: 1, max: 255 }),
  ),
  maxProfileObjectCount: Type.Optional(int('At most this many objects of this type per profile (at least 1); older ones are removed.', { min: 1 })),
  sourcePriority: Type.Optional(
    int('Priority of this object type when several sources write the same profile: lower wins (at least 1). Without it the object type has the lowest priority.', { min: 1 }),
  ),
  fields: Type.Optional(
    stringMap(field, `The fields of the object, by name (letters, digits, _ . and -, 1-64 characters), at most ${MAX_FIELDS}.`, MAX_FIELDS),
  ),
  keys: Type.Optional(
    stringMap(
      Type.Array(key, { description: `The ways this key can be formed, at most ${MAX_KEY_ALTERNATIVES}.`, maxItems: MAX_KEY_ALTERNATIVES }),
      `The keys that tie objects to profiles (and identify them), by key name (letters, digits, _ and -, 1-64 characters), at most ${MAX_KEYS}.`,
      MAX_KEYS,
    ),
  ),
  tags: Type.Optional(tagsField('object type')),
  ...operatorSpecFields('object type', { default: 'Delete' }),
});

// ---- status ----

const common = commonStatusMembers('object type', 'region and assumedRoleArn');

export const ObjectTypeStatusSchema = obj('What the operator observed and did; written by the controller only.', {
  observedGeneration: common.observedGeneration,
  conditions: common.conditions,
  objectTypeArn: Type.Optional(
    str('ARN of the object type (for tags): arn:PARTITION:profile:REGION:ACCOUNT:domains/DOMAIN/object-types/OBJECT_TYPE.', { max: 1024 }),
  ),
  region: common.region,
  account: common.account,
  assumedRoleArn: common.assumedRoleArn,
  ownership: common.ownership,
  maxAvailableProfileObjectCount: Type.Optional(int('The most objects of this type a profile may hold, as AWS reports it.', { min: 0 })),
  createdAt: common.createdAt,
  lastUpdatedAt: common.lastUpdatedAt,
  lastSyncTime: common.lastSyncTime,
  lastHandledReconcileAt: common.lastHandledReconcileAt,
});

export const ObjectTypeResourceSchema = resourceSchema(
  OBJECT_TYPE_NAMES.kind,
  'An Amazon Connect Customer Profiles object type (PutProfileObjectType), kept by the operator in the state declared here.',
  ObjectTypeSpecSchema,
  ObjectTypeStatusSchema,
  OBJECT_TYPE_RULES,
);

export const objectTypeSpecNode = ObjectTypeSpecSchema as unknown as SchemaNode;
