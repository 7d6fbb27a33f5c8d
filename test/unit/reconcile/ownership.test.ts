// The ownership decision, as a table: who may write to and delete an integration that exists.
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, OWNER_TAG } from '../../../src/api/group.ts';
import type { CustomerProfilesIntegration, IntegrationStatus } from '../../../src/api/types.ts';
import type { ObservedIntegration } from '../../../src/aws/types.ts';
import { decideOwnership, ownerTags, ownerTagValue } from '../../../src/reconcile/ownership.ts';

const URI = 'arn:aws:connect:us-east-1:123456789012:instance/i-1';
const resource = (o: { uid?: string; annotations?: Record<string, string>; status?: IntegrationStatus } = {}): CustomerProfilesIntegration => ({
  apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
  kind: 'CustomerProfilesIntegration',
  metadata: { name: 'ctr', namespace: 'crm', ...(o.uid ? { uid: o.uid } : {}), ...(o.annotations ? { annotations: o.annotations } : {}) },
  spec: { domainName: 'retail', uri: URI },
  ...(o.status ? { status: o.status } : {}),
});
const aws = (tags?: Record<string, string>, uri = URI): ObservedIntegration => ({ domainName: 'retail', uri, tags, createdAt: new Date(0), lastUpdatedAt: new Date(0) });
const adopt = { [ANNOTATIONS.adopt]: 'true' };

describe('decideOwnership', () => {
  const table: Array<[string, CustomerProfilesIntegration, ObservedIntegration, string | false]> = [
    ['our owner tag (a crash after the create, status lost)', resource({ uid: 'u-1' }), aws({ [OWNER_TAG]: 'u-1 crm/ctr' }), 'Created/owner-tag'],
    ['our owner tag, cut short', resource({ uid: 'u-1' }), aws({ [OWNER_TAG]: 'u-1' }), 'Created/owner-tag'],
    ['status says Created for this uri (owner tag removed out of band)', resource({ uid: 'u-1', status: { uri: URI, ownership: 'Created' } }), aws({}), 'Created/status'],
    ['status says Adopted for this uri', resource({ uid: 'u-1', status: { uri: URI, ownership: 'Adopted' } }), aws(undefined), 'Adopted/status'],
    ['adopt annotation, no owner tag', resource({ uid: 'u-1', annotations: adopt }), aws({ env: 'prod' }), 'Adopted/adopt-annotation'],
    ['adopt annotation over another resource\'s owner tag (a person asked)', resource({ uid: 'u-1', annotations: adopt }), aws({ [OWNER_TAG]: 'u-9 other/x' }), 'Adopted/adopt-annotation'],
    ['status from before owner tags (createdAt, no ownership)', resource({ uid: 'u-1', status: { uri: URI, createdAt: '2026-01-01T00:00:00Z' } }), aws({}), 'Adopted/managed-before-owner-tags'],
    ['an Observe resource switched to Manage (its status has an account): no silent adoption', resource({ uid: 'u-1', status: { uri: URI, createdAt: '2026-01-01T00:00:00Z', account: '123456789012' } }), aws({}), false],
    ['made in the console: no tag, no annotation, no status', resource({ uid: 'u-1' }), aws({ env: 'prod' }), false],
    ['another resource\'s owner tag', resource({ uid: 'u-1' }), aws({ [OWNER_TAG]: 'u-2 other/ctr' }), false],
    ['adopt annotation set to something else than "true"', resource({ uid: 'u-1', annotations: { [ANNOTATIONS.adopt]: 'yes' } }), aws({}), false],
    ['status names another uri', resource({ uid: 'u-1', status: { uri: 'arn:other', ownership: 'Created' } }), aws({}), false],
    ['an in-progress status (no uri) is no record', resource({ uid: 'u-1', status: { conditions: [] } }), aws({}), false],
    ['no uid (a manifest not in the cluster) and no tag match', resource({}), aws({ [OWNER_TAG]: 'undefined crm/ctr' }), false],
  ];
  it.each(table)('%s', (_name, obj, observed, want) => {
    const d = decideOwnership(obj, observed);
    if (want === false) {
      expect(d.owned).toBe(false);
      if (!d.owned) {
        expect(d.message).toContain(`${ANNOTATIONS.adopt}: "true"`);
        expect(d.message).toContain('managementPolicy: Observe');
      }
    } else {
      expect(d.owned).toBe(true);
      if (d.owned) expect(`${d.ownership}/${d.because}`).toBe(want);
    }
  });

  it('names the other owner when the owner tag says who', () => {
    const d = decideOwnership(resource({ uid: 'u-1' }), aws({ [OWNER_TAG]: 'u-2 other/ctr' }));
    expect(!d.owned && d.message).toContain('created by another resource (other/ctr');
  });
});

describe('owner tag', () => {
  it('carries the uid first and the namespace/name for people, within 256 characters', () => {
    const obj = resource({ uid: '0b8f3f2e-1111-2222-3333-444444444444' });
    expect(ownerTagValue(obj)).toBe('0b8f3f2e-1111-2222-3333-444444444444 crm/ctr');
    obj.metadata.name = 'n'.repeat(253);
    expect(ownerTagValue(obj)!.length).toBe(256);
    expect(decideOwnership(obj, aws({ [OWNER_TAG]: ownerTagValue(obj)! }))).toMatchObject({ owned: true, ownership: 'Created' });
  });
  it('is not sent without a uid', () => {
    expect(ownerTags(resource())).toEqual({});
    expect(ownerTags(resource({ uid: 'u' }))).toEqual({ [OWNER_TAG]: 'u crm/ctr' });
  });
});
