// An AWS in memory for `cpi plan` unit tests: it answers reads from what the test gives it and
// fails the test on any write, so a plan that only reads is proved to.
import type { DomainDescription, DomainGateway, IntegrationGateway, ObjectTypeDescription, ObjectTypeGateway, ObservedIntegration } from '../../../src/aws/types.ts';
import { ACCOUNT } from '../../support/aws.ts';

export type Gateway = IntegrationGateway & DomainGateway & ObjectTypeGateway & { reads: string[] };

/** AWS in memory: domains by name, object types by domain/name, integrations. Any write fails the test. */
export function readOnlyAws(o: { domains?: DomainDescription[]; objectTypes?: Record<string, ObjectTypeDescription[]>; integrations?: ObservedIntegration[] } = {}): Gateway {
  const reads: string[] = [];
  const write = async (): Promise<never> => {
    throw new Error('plan wrote to AWS');
  };
  const domain = (name: string) => o.domains?.find((d) => d.DomainName === name);
  return {
    reads,
    account: async () => ACCOUNT,
    checkCredentials: async () => {},
    getIntegration: async (_t, d, uri) => (reads.push('GetIntegration'), o.integrations?.find((i) => i.domainName === d && i.uri === uri)),
    listIntegrations: async (_t, d) => (reads.push('ListIntegrations'), (o.integrations ?? []).filter((i) => i.domainName === d)),
    getDomain: async (_t, name) => (reads.push('GetDomain'), domain(name)),
    listDomains: async () => (reads.push('ListDomains'), []),
    // As AWS: an object type of a missing domain is NotFound, which the gateway answers as undefined.
    getObjectType: async (_t, d, name) => (reads.push('GetProfileObjectType'), o.objectTypes?.[d]?.find((t) => t.ObjectTypeName === name)),
    listObjectTypes: async () => (reads.push('ListProfileObjectTypes'), []),
    putIntegration: write,
    deleteIntegration: write,
    tagResource: write,
    untagResource: write,
    flowExists: write,
    deleteFlow: write,
    createDomain: write,
    updateDomain: write,
    deleteDomain: write,
    putObjectType: write,
    deleteObjectType: write,
  };
}
