// CustomerProfilesDomain as a managed kind: CreateDomain (with tags), UpdateDomain, GetDomain,
// DeleteDomain. Its deletionPolicy defaults to Retain: DeleteDomain deletes every profile, object
// and integration in the domain, with no undo.
import { domainConversionProblem, domainSpecFromAws, toCreateDomainInput, toUpdateDomainInput } from '../api/convert-domain.ts';
import { DOMAIN_NAMES } from '../api/group.ts';
import type { CustomerProfilesDomain } from '../api/types.ts';
import { domainArn } from '../aws/arn.ts';
import type { DomainDescription, DomainGateway } from '../aws/types.ts';
import { NamedObjectKind, type Tagger } from './named-object-kind.ts';

export function domainKind(gateway: DomainGateway & Tagger) {
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
    specOf: (aws) => domainSpecFromAws(aws as Record<string, unknown>),
    identity: ['domainName'],
    // UpdateDomain clears the key and the queue when the spec has none; AWS fills in matching's
    // and the data store's other settings (and reports their status), which the spec need not name.
    compare: { removable: new Set(['defaultEncryptionKey', 'deadLetterQueueUrl']), partial: new Set(['matching', 'ruleBasedMatching', 'dataStore']) },
    specProblem: (obj) => domainConversionProblem(obj.spec)?.message,
  }, gateway);
}
