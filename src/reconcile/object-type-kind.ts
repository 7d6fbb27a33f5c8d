// CustomerProfilesObjectType as a managed kind: PutProfileObjectType creates and replaces (tags
// only with the create; afterwards TagResource / UntagResource), GetProfileObjectType reads,
// DeleteProfileObjectType deletes (and with it the objects of that type).
import { objectTypeConversionProblem, objectTypeSpecFromAws, toPutProfileObjectTypeInput } from '../api/convert-object-type.ts';
import { OBJECT_TYPE_NAMES } from '../api/group.ts';
import type { CustomerProfilesObjectType, ObjectTypeSpec } from '../api/types.ts';
import { objectTypeArn } from '../aws/arn.ts';
import type { IntegrationGateway, ObjectTypeDescription, ObjectTypeGateway } from '../aws/types.ts';
import { NamedObjectKind } from './named-object-kind.ts';

/** The spec's members that are AWS's (the names are the identity; tags go their own way). */
export function objectTypeMembers(spec: Partial<ObjectTypeSpec>): Record<string, unknown> {
  const { domainName: _d, objectTypeName: _n, tags: _t, region: _r, deletionPolicy: _p, managementPolicy: _m, ...members } = spec;
  return members;
}

export function objectTypeKind(gateway: ObjectTypeGateway & Pick<IntegrationGateway, 'tagResource' | 'untagResource'>) {
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
    tag: (target, arn, tags, prio) => gateway.tagResource(target, arn, tags, prio),
    untag: (target, arn, keys, prio) => gateway.untagResource(target, arn, keys, prio),
    specOf: (aws) => objectTypeMembers(objectTypeSpecFromAws(aws as Record<string, unknown>)),
    members: (obj) => objectTypeMembers(obj.spec),
    // A member the spec leaves out is AWS's default or the template's (fields, keys): not drift.
    // One the spec sets is compared whole: PutProfileObjectType replaces it whole.
    compare: { removable: new Set(), partial: new Set() },
    tagsOf: (aws) => aws.Tags,
    createdAt: (aws) => aws.CreatedAt,
    lastUpdatedAt: (aws) => aws.LastUpdatedAt,
    extraStatus: (aws) => (aws.MaxAvailableProfileObjectCount !== undefined ? { maxAvailableProfileObjectCount: aws.MaxAvailableProfileObjectCount } : {}),
    specProblem: (obj) => objectTypeConversionProblem(obj.spec)?.message,
  });
}
