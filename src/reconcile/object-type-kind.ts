// CustomerProfilesObjectType as a managed kind: PutProfileObjectType creates and replaces (tags
// only with the create; afterwards TagResource / UntagResource), GetProfileObjectType reads,
// DeleteProfileObjectType deletes (and with it the objects of that type).
import { objectTypeConversionProblem, objectTypeSpecFromAws, toPutProfileObjectTypeInput } from '../api/convert-object-type.ts';
import { OBJECT_TYPE_NAMES } from '../api/group.ts';
import type { CustomerProfilesObjectType } from '../api/types.ts';
import { objectTypeArn } from '../aws/arn.ts';
import type { ObjectTypeDescription, ObjectTypeGateway } from '../aws/types.ts';
import { NamedObjectKind, type Tagger } from './named-object-kind.ts';

export function objectTypeKind(gateway: ObjectTypeGateway & Tagger) {
  return new NamedObjectKind<CustomerProfilesObjectType, ObjectTypeDescription>({
    kind: OBJECT_TYPE_NAMES.kind,
    noun: 'object type',
    defaultDeletionPolicy: 'Delete',
    createOperation: 'PutProfileObjectType',
    updateOperation: 'PutProfileObjectType',
    deleteOperation: 'DeleteProfileObjectType',
    describe: (obj) => `object type ${obj.spec.objectTypeName} in domain ${obj.spec.domainName}`,
    arn: (obj, region, account) => objectTypeArn(region, account, obj.spec.domainName, obj.spec.objectTypeName),
    arnField: 'objectTypeArn',
    get: (obj, target, prio) => gateway.getObjectType(target, obj.spec.domainName, obj.spec.objectTypeName, prio),
    create: (obj, tags, target, prio) => gateway.putObjectType(target, { ...toPutProfileObjectTypeInput(obj.spec), Tags: tags }, prio),
    update: (obj, target, prio) => {
      const { Tags: _tags, ...input } = toPutProfileObjectTypeInput(obj.spec);
      return gateway.putObjectType(target, input, prio);
    },
    remove: (obj, target, prio) => gateway.deleteObjectType(target, obj.spec.domainName, obj.spec.objectTypeName, prio),
    specOf: (aws) => objectTypeSpecFromAws(aws as Record<string, unknown>),
    identity: ['domainName', 'objectTypeName'],
    // A member the spec leaves out is AWS's default or the template's (fields, keys): not drift.
    // One the spec sets is compared whole: PutProfileObjectType replaces it whole.
    compare: { removable: new Set(), partial: new Set() },
    extraStatus: (aws) => (aws.MaxAvailableProfileObjectCount !== undefined ? { maxAvailableProfileObjectCount: aws.MaxAvailableProfileObjectCount } : {}),
    specProblem: (obj) => objectTypeConversionProblem(obj.spec)?.message,
  }, gateway);
}
