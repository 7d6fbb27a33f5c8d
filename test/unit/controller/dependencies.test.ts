// What waits for what among the kinds of one namespace, over plain caches.
import { describe, expect, it } from 'vitest';
import type { ManagedObject } from '../../../src/api/managed-object.ts';
import type { CustomerProfilesDomain, CustomerProfilesIntegration, CustomerProfilesObjectType } from '../../../src/api/types.ts';
import {
  domainDeleteWaitsFor,
  domainDependents,
  heldUp,
  integrationWaitsFor,
  objectTypeDeleteWaitsFor,
  objectTypeDependents,
  objectTypeWaitsFor,
  type KindCaches,
} from '../../../src/controller/dependencies.ts';

const CREATED = { createdAt: '2026-12-01T00:00:00Z' };
const meta = (name: string, o: { ns?: string; deleting?: boolean } = {}) => ({ name, namespace: o.ns ?? 'crm', ...(o.deleting ? { deletionTimestamp: '2026-12-05T00:00:00Z' } : {}) });

const domain = (name: string, o: { exists?: boolean; ns?: string; deleting?: boolean } = {}): CustomerProfilesDomain => ({
  apiVersion: 'v', kind: 'CustomerProfilesDomain', metadata: meta(name, o), spec: { domainName: name, defaultExpirationDays: 1 }, ...(o.exists ? { status: CREATED } : {}),
});
const objectType = (name: string, d: string, o: { exists?: boolean; ns?: string; deleting?: boolean } = {}): CustomerProfilesObjectType => ({
  apiVersion: 'v', kind: 'CustomerProfilesObjectType', metadata: meta(`ot-${name}`, o), spec: { domainName: d, objectTypeName: name, description: 'd' }, ...(o.exists ? { status: CREATED } : {}),
});
const integration = (name: string, d: string, types: string[], o: { ns?: string } = {}): CustomerProfilesIntegration => ({
  apiVersion: 'v', kind: 'CustomerProfilesIntegration', metadata: meta(name, o),
  spec: { domainName: d, uri: `arn:aws:s3:::${name}`, objectTypeName: types[0], ...(types.length > 1 ? { objectTypeNames: Object.fromEntries(types.slice(1).map((t, i) => [`k${i}`, t])) } : {}) },
});

function caches(objs: { domains?: CustomerProfilesDomain[]; objectTypes?: CustomerProfilesObjectType[]; integrations?: CustomerProfilesIntegration[] }): KindCaches {
  const byNs = <T extends ManagedObject>(list: T[] = []) => ({ list: (ns?: string) => list.filter((o) => o.metadata.namespace === ns) });
  return { domains: byNs(objs.domains), objectTypes: byNs(objs.objectTypes), integrations: byNs(objs.integrations) };
}

describe('waits before converging', () => {
  it('an object type waits for its managed domain until AWS reported it, and only in its namespace', () => {
    const ot = objectType('CTR', 'shop');
    expect(objectTypeWaitsFor(caches({ domains: [domain('shop')] }), ot)).toMatch(/CustomerProfilesDomain crm\/shop \(domain shop\)/);
    expect(objectTypeWaitsFor(caches({ domains: [domain('shop', { exists: true })] }), ot)).toBeUndefined();
    expect(objectTypeWaitsFor(caches({ domains: [domain('shop', { ns: 'other' })] }), ot)).toBeUndefined();
    expect(objectTypeWaitsFor(caches({}), ot)).toBeUndefined(); // a domain made elsewhere: AWS answers
    expect(objectTypeWaitsFor(caches({ domains: [domain('shop', { exists: true, deleting: true })] }), ot)).toMatch(/waiting for/);
  });

  it('an integration waits for its domain first, then for every object type it names', () => {
    const i = integration('i', 'shop', ['CTR', 'Order']);
    const c = (d: boolean, ctr: boolean, order: boolean) =>
      caches({ domains: [domain('shop', { exists: d })], objectTypes: [objectType('CTR', 'shop', { exists: ctr }), objectType('Order', 'shop', { exists: order }), objectType('Other', 'shop')] });
    expect(integrationWaitsFor(c(false, false, false), i)).toMatch(/CustomerProfilesDomain crm\/shop/);
    expect(integrationWaitsFor(c(true, false, true), i)).toMatch(/CustomerProfilesObjectType crm\/ot-CTR \(object type CTR\)/);
    expect(integrationWaitsFor(c(true, true, false), i)).toMatch(/object type Order/);
    expect(integrationWaitsFor(c(true, true, true), i)).toBeUndefined(); // Other is not named: not waited for
  });
});

describe('deletion order', () => {
  it('a domain waits for the object types and integrations in it, naming them', () => {
    const d = domain('shop', { exists: true, deleting: true });
    const c = caches({ domains: [d], objectTypes: [objectType('CTR', 'shop')], integrations: [integration('i', 'shop', ['CTR']), integration('j', 'elsewhere', ['CTR'])] });
    const msg = domainDeleteWaitsFor(c, d);
    expect(msg).toContain('crm/ot-CTR');
    expect(msg).toContain('crm/i');
    expect(msg).not.toContain('crm/j');
    expect(domainDeleteWaitsFor(caches({ domains: [d] }), d)).toBeUndefined();
  });

  it('an object type waits only for the integrations that map into it', () => {
    const t = objectType('CTR', 'shop', { deleting: true });
    expect(objectTypeDeleteWaitsFor(caches({ integrations: [integration('i', 'shop', ['Other', 'CTR'])] }), t)).toContain('crm/i');
    expect(objectTypeDeleteWaitsFor(caches({ integrations: [integration('i', 'shop', ['Other'])] }), t)).toBeUndefined();
  });
});

describe('requeues', () => {
  it('a domain that exists requeues what is in it; an object type the integrations that use it', () => {
    const c = caches({ objectTypes: [objectType('CTR', 'shop')], integrations: [integration('i', 'shop', ['CTR']), integration('j', 'shop', ['Order'])] });
    expect(domainDependents(c, domain('shop')).sort()).toEqual(['crm/i', 'crm/j', 'crm/ot-CTR']);
    expect(objectTypeDependents(c, objectType('CTR', 'shop'))).toEqual(['crm/i']);
  });

  it('a resource that went requeues the deleting domain and object types it held up', () => {
    const c = caches({ domains: [domain('shop', { deleting: true }), domain('kept')], objectTypes: [objectType('CTR', 'shop', { deleting: true }), objectType('Order', 'shop', { deleting: true })] });
    expect(heldUp(c, integration('i', 'shop', ['CTR']), ['CTR']).sort()).toEqual(['crm/ot-CTR', 'crm/shop']);
    expect(heldUp(c, objectType('X', 'kept'))).toEqual([]);
  });
});
