// The reconciler with in-memory fakes (pure logic, no network): each case a starting point in AWS
// and in the cluster, one reconcile, and what it must and must not have done.
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, FINALIZER, OWNER_TAG } from '../../../src/api/group.ts';
import type { CustomerProfilesIntegration, IntegrationStatus } from '../../../src/api/types.ts';
import { AwsFailure } from '../../../src/aws/errors.ts';
import type { AwsTarget, IntegrationGateway, ObservedIntegration, PutIntegrationRequest } from '../../../src/aws/types.ts';
import { IntegrationReconciler, NAMESPACE_WAIT_MS, type ReconcileLog } from '../../../src/reconcile/reconciler.ts';
import { DomainSnapshots } from '../../../src/reconcile/snapshots.ts';

const URI = 'arn:aws:connect:us-east-1:111111111111:instance/i-1';
const ACCOUNTS: Record<string, string> = { '': '111111111111', 'arn:aws:iam::222222222222:role/r': '222222222222' };

/** AWS as a map, every call recorded as `Operation account/region`. */
class FakeAws implements IntegrationGateway {
  readonly integrations = new Map<string, ObservedIntegration>();
  readonly calls: string[] = [];
  failPut?: AwsFailure;
  private where(t: AwsTarget) {
    return `${ACCOUNTS[t.roleArn ?? '']}/${t.region}`;
  }
  private key(t: AwsTarget, uri: string) {
    return `${this.where(t)}|${uri}`;
  }
  seed(o: Partial<ObservedIntegration> & { uri: string }, t: AwsTarget = { region: 'us-east-1' }) {
    this.integrations.set(this.key(t, o.uri), { domainName: 'retail', createdAt: new Date(1000), lastUpdatedAt: new Date(1000), ...o });
  }
  async account(t: AwsTarget) {
    return ACCOUNTS[t.roleArn ?? '']!;
  }
  async checkCredentials() {}
  async getIntegration(t: AwsTarget, _d: string, uri: string) {
    this.calls.push(`GetIntegration ${this.where(t)}`);
    return this.integrations.get(this.key(t, uri));
  }
  async listIntegrations(t: AwsTarget) {
    this.calls.push(`ListIntegrations ${this.where(t)}`);
    return [...this.integrations.entries()].filter(([k]) => k.startsWith(`${this.where(t)}|`)).map(([, v]) => v);
  }
  async putIntegration(t: AwsTarget, r: PutIntegrationRequest) {
    this.calls.push(`PutIntegration ${this.where(t)}`);
    if (this.failPut) throw this.failPut;
    const before = this.integrations.get(this.key(t, r.Uri!));
    const o: ObservedIntegration = { domainName: r.DomainName!, uri: r.Uri!, objectTypeName: r.ObjectTypeName, tags: before?.tags ?? r.Tags, createdAt: before?.createdAt ?? new Date(2000), lastUpdatedAt: new Date(3000) };
    this.integrations.set(this.key(t, r.Uri!), o);
    return o;
  }
  async deleteIntegration(t: AwsTarget, _d: string, uri: string) {
    this.calls.push(`DeleteIntegration ${this.where(t)}`);
    return this.integrations.delete(this.key(t, uri));
  }
  readonly flows = new Set<string>();
  async flowExists(t: AwsTarget, name: string) {
    this.calls.push(`DescribeFlow ${this.where(t)}`);
    return this.flows.has(`${this.where(t)}|${name}`);
  }
  async deleteFlow(t: AwsTarget, name: string) {
    this.calls.push(`DeleteFlow ${this.where(t)}`);
    return this.flows.delete(`${this.where(t)}|${name}`);
  }
  async tagResource(t: AwsTarget) {
    this.calls.push(`TagResource ${this.where(t)}`);
  }
  async untagResource(t: AwsTarget) {
    this.calls.push(`UntagResource ${this.where(t)}`);
  }
  writes() {
    return this.calls.filter((c) => !/^(Get|List|Describe)/.test(c));
  }
}

const quiet: ReconcileLog = { info() {}, warn() {}, debug() {}, child: () => quiet };

function setup(o: { namespaceKnown?: boolean; role?: string } = {}) {
  const aws = new FakeAws();
  const statuses: IntegrationStatus[] = [];
  const events: string[] = [];
  const finalizers: string[][] = [];
  const reconciler = new IntegrationReconciler({
    gateway: aws,
    snapshots: new DomainSnapshots(aws, 0),
    writer: {
      async patchStatus(_obj, status) {
        statuses.push(status);
      },
      async setFinalizers(obj, f) {
        finalizers.push(f);
        return { ...obj, metadata: { ...obj.metadata, finalizers: f } };
      },
    },
    events: { emit: (_o, type, reason) => void events.push(`${type} ${reason}`) },
    defaultRegion: 'us-east-1',
    roleFor: () => (o.namespaceKnown === false ? { known: false } : { known: true, roleArn: o.role }),
    olderClaimant: () => undefined,
    pollIntervalMs: () => 60_000,
    now: () => new Date('2026-12-05T00:00:00Z'),
    log: quiet,
  });
  const last = () => statuses.at(-1);
  const cond = (type: string) => last()?.conditions?.find((c) => c.type === type);
  return { aws, reconciler, statuses, events, finalizers, last, cond };
}

const resource = (o: { spec?: Partial<CustomerProfilesIntegration['spec']>; status?: IntegrationStatus; annotations?: Record<string, string>; deleting?: boolean; finalizers?: string[] } = {}): CustomerProfilesIntegration => ({
  apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
  kind: 'CustomerProfilesIntegration',
  metadata: {
    name: 'ctr',
    namespace: 'crm',
    uid: 'uid-1',
    generation: 1,
    ...(o.annotations ? { annotations: o.annotations } : {}),
    ...(o.deleting ? { deletionTimestamp: '2026-12-05T00:00:00Z' } : {}),
    ...(o.finalizers ? { finalizers: o.finalizers } : {}),
  },
  spec: { domainName: 'retail', uri: URI, objectTypeName: 'CTR', ...o.spec },
  ...(o.status ? { status: o.status } : {}),
});
const owned: IntegrationStatus = { uri: URI, region: 'us-east-1', account: '111111111111', ownership: 'Created', createdAt: '1970-01-01T00:00:01Z', lastUpdatedAt: '1970-01-01T00:00:01Z' };

describe('IntegrationReconciler', () => {
  it('waits, with no AWS call and no status write, while the namespace is not in the cache', async () => {
    const t = setup({ namespaceKnown: false });
    expect(await t.reconciler.reconcile(resource(), 'change')).toEqual({ requeueAfterMs: NAMESPACE_WAIT_MS });
    expect(t.aws.calls).toEqual([]);
    expect(t.statuses).toEqual([]);
  });

  it('creates with the owner tag and records Created, account and region', async () => {
    const t = setup();
    await t.reconciler.reconcile(resource(), 'change');
    expect(t.aws.writes()).toEqual(['PutIntegration 111111111111/us-east-1']);
    expect(t.aws.integrations.get(`111111111111/us-east-1|${URI}`)!.tags).toEqual({ [OWNER_TAG]: 'uid-1 crm/ctr' });
    expect(t.last()).toMatchObject({ ownership: 'Created', account: '111111111111', region: 'us-east-1', uri: URI });
    expect(t.cond('Ready')).toMatchObject({ status: 'True' });
  });

  it('refuses an integration it does not own: Stalled AlreadyExists, no write, one Event', async () => {
    const t = setup();
    t.aws.seed({ uri: URI, objectTypeName: 'CTR', tags: { env: 'prod' } });
    await t.reconciler.reconcile(resource({ spec: { objectTypeName: 'CTRX' } }), 'change');
    expect(t.aws.writes()).toEqual([]);
    expect(t.cond('Stalled')).toMatchObject({ status: 'True', reason: 'AlreadyExists' });
    expect(t.events).toEqual(['Warning AlreadyExists']);
  });

  it('adopts on the annotation without a write when AWS matches', async () => {
    const t = setup();
    t.aws.seed({ uri: URI, objectTypeName: 'CTR' });
    await t.reconciler.reconcile(resource({ annotations: { [ANNOTATIONS.adopt]: 'true' } }), 'change');
    expect(t.aws.writes()).toEqual([]);
    expect(t.last()?.ownership).toBe('Adopted');
    expect(t.events).toEqual(['Normal Adopted']);
  });

  it('ends bad input the API server let through in Stalled InvalidSpec naming the field; no AWS call, no loop of Events', async () => {
    const t = setup();
    const obj = resource({
      spec: {
        uri: undefined,
        flowDefinition: {
          flowName: 'f',
          kmsArn: 'arn:aws:kms:us-east-1:111111111111:key/k',
          sourceFlowConfig: { connectorType: 'S3', sourceConnectorProperties: { s3: { bucketName: 'b' } } },
          tasks: [{ taskType: 'Filter', sourceFields: ['id'], connectorOperator: { s3: 'PROJECTION' } }],
          triggerConfig: { triggerType: 'Scheduled', triggerProperties: { scheduled: { scheduleExpression: 'rate(1hours)', scheduleStartTime: '2026-02-30T00:00:00Z' } } },
        },
      },
    });
    const result = await t.reconciler.reconcile(obj, 'change');
    expect(result.retry).toBeUndefined();
    expect(t.aws.calls).toEqual([]);
    expect(t.cond('Stalled')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
    expect(t.cond('Stalled')!.message).toContain('spec.flowDefinition.triggerConfig.triggerProperties.scheduled.scheduleStartTime');
    obj.status = t.last();
    await t.reconciler.reconcile(obj, 'poll');
    expect(t.events).toEqual(['Warning InvalidSpec']);
  });

  it('refuses a moved target (TargetChanged) without any write', async () => {
    const t = setup({ role: 'arn:aws:iam::222222222222:role/r' });
    await t.reconciler.reconcile(resource({ status: owned }), 'change');
    expect(t.aws.writes()).toEqual([]);
    expect(t.cond('Stalled')).toMatchObject({ reason: 'TargetChanged' });
    expect(t.cond('Stalled')!.message).toContain('account 111111111111 -> 222222222222');
  });

  it('treats lost leadership as nothing to report', async () => {
    const t = setup();
    t.aws.failPut = new AwsFailure('NotLeader', 'PutIntegration', 'not the leader');
    expect(await t.reconciler.reconcile(resource(), 'change')).toEqual({});
    expect(t.cond('Synced')?.status).not.toBe('False');
  });

  const deletion: Array<[string, Parameters<typeof resource>[0], Array<Partial<ObservedIntegration> & { uri: string }>, string[]]> = [
    ['Delete, owned: deletes it where it was pinned', { status: owned }, [{ uri: URI, tags: { [OWNER_TAG]: 'uid-1 crm/ctr' } }], ['DeleteIntegration 111111111111/us-east-1']],
    ['Delete, not owned (never created, never adopted): keeps it', {}, [{ uri: URI, tags: { env: 'prod' } }], []],
    ['Delete, already gone: nothing to do', { status: owned }, [], []],
    ['Retain: keeps it', { status: owned, spec: { deletionPolicy: 'Retain' } }, [{ uri: URI }], []],
    ['Observe: keeps it', { status: owned, spec: { managementPolicy: 'Observe' } }, [{ uri: URI }], []],
  ];
  it.each(deletion)('deletion — %s; the finalizer goes', async (_name, o, seeded, writes) => {
    const t = setup();
    for (const s of seeded) t.aws.seed(s);
    await t.reconciler.reconcile(resource({ ...o, deleting: true, finalizers: [FINALIZER] }), 'change');
    expect(t.aws.writes()).toEqual(writes);
    expect(t.finalizers.at(-1)).toEqual([]);
  });

  it('deletes where it was pinned even after the namespace role changed to another account', async () => {
    const t = setup({ role: 'arn:aws:iam::222222222222:role/r' });
    t.aws.seed({ uri: URI, tags: { [OWNER_TAG]: 'uid-1 crm/ctr' } });
    await t.reconciler.reconcile(resource({ status: owned, deleting: true, finalizers: [FINALIZER] }), 'change');
    expect(t.aws.writes()).toEqual(['DeleteIntegration 111111111111/us-east-1']);
  });

  it('Observe never writes and reports drift per tag key, ignoring the owner tag', async () => {
    const t = setup();
    t.aws.seed({ uri: URI, objectTypeName: 'CTR', tags: { team: 'a', [OWNER_TAG]: 'uid-9 x/y' } });
    await t.reconciler.reconcile(resource({ spec: { managementPolicy: 'Observe', tags: { team: 'b' } } }), 'change');
    expect(t.aws.writes()).toEqual([]);
    expect(t.cond('Ready')).toMatchObject({ status: 'False', reason: 'Drifted' });
    expect(t.cond('Ready')!.message).toBe('AWS differs from the spec: tags.team: "a" -> "b"');
    expect(t.last()?.ownership).toBeUndefined();
  });
});
