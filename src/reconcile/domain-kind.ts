// CustomerProfilesDomain as a managed kind: CreateDomain (with tags), UpdateDomain, GetDomain,
// DeleteDomain. Its deletionPolicy defaults to Retain: DeleteDomain deletes every profile, object
// and integration in the domain, with no undo.
import { domainConversionProblem, domainSpecFromAws, toCreateDomainInput, toUpdateDomainInput } from '../api/convert-domain.ts';
import { DOMAIN_NAMES } from '../api/group.ts';
import type { CustomerProfilesDomain, DomainSpec } from '../api/types.ts';
import { domainArn } from '../aws/arn.ts';
import type { DomainDescription, DomainGateway, IntegrationGateway } from '../aws/types.ts';
import { NamedObjectKind } from './named-object-kind.ts';

/** The spec's members that are AWS's (the name is the identity; tags go their own way). */
export function domainMembers(spec: DomainSpec): Record<string, unknown> {
  const { domainName: _n, tags: _t, region: _r, deletionPolicy: _d, managementPolicy: _m, ...members } = spec;
  return members;
}

export function domainKind(gateway: DomainGateway & Pick<IntegrationGateway, 'tagResource' | 'untagResource'>) {
  return new NamedObjectKind<CustomerProfilesDomain, DomainDescription>({
    kind: DOMAIN_NAMES.kind,
    noun: 'domain',
    defaultDeletionPolicy: 'Retain',
    createOperation: 'CreateDomain',
    updateOperation: 'UpdateDomain',
    deleteOperation: 'DeleteDomain',
    describe: (obj) => `domain ${obj.spec.domainName}`,
    arn: (obj, region, account) => domainArn(region, account, obj.spec.domainName),
    arnField: 'domainArn',
    get: (obj, target, prio) => gateway.getDomain(target, obj.spec.domainName, prio),
    create: (obj, tags, target, prio) => gateway.createDomain(target, { ...toCreateDomainInput(obj.spec), Tags: tags }, prio),
    update: (obj, target, prio) => gateway.updateDomain(target, toUpdateDomainInput(obj.spec), prio),
    remove: (obj, target, prio) => gateway.deleteDomain(target, obj.spec.domainName, prio),
    tag: (target, arn, tags, prio) => gateway.tagResource(target, arn, tags, prio),
    untag: (target, arn, keys, prio) => gateway.untagResource(target, arn, keys, prio),
    specOf: (aws) => domainMembers({ ...(domainSpecFromAws(aws as Record<string, unknown>) as DomainSpec) }),
    members: (obj) => domainMembers(obj.spec),
    // UpdateDomain clears the key and the queue when the spec has none; AWS fills in matching's
    // and the data store's other settings (and reports their status), which the spec need not name.
    compare: { removable: new Set(['defaultEncryptionKey', 'deadLetterQueueUrl']), partial: new Set(['matching', 'ruleBasedMatching', 'dataStore']) },
    tagsOf: (aws) => aws.Tags,
    createdAt: (aws) => aws.CreatedAt,
    lastUpdatedAt: (aws) => aws.LastUpdatedAt,
    specProblem: (obj) => domainConversionProblem(obj.spec)?.message,
  });
}
