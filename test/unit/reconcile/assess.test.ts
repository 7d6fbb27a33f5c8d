// assess(): the decisions before any write, in their order (pinned target, observe, ownership,
// plan), with the in-memory Widget kind. What it answers, and what it did not ask or read.
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, OWNER_TAG } from '../../../src/api/group.ts';
import type { AwsTarget } from '../../../src/aws/types.ts';
import { assess, type AssessOptions } from '../../../src/reconcile/assess.ts';
import { ACCOUNT, ROLE_ACCOUNT, WidgetCloud, WidgetKind, type Widget, type WidgetSpec, type WidgetStatus } from './widget-kind.ts';

const REGION = 'us-east-1';
const HERE = `${ACCOUNT}/${REGION}`;
const NOW = new Date('2026-12-05T00:00:00Z');
const OWNER = 'uid-1 shop/w1';
const PINNED: WidgetStatus = { widgetId: 'blue', region: REGION, account: ACCOUNT, ownership: 'Created', createdAt: '1970-01-01T00:00:01.000Z', lastUpdatedAt: '1970-01-01T00:00:01.000Z' };

function resource(o: { spec?: Partial<WidgetSpec>; annotations?: Record<string, string>; status?: WidgetStatus } = {}): Widget {
  return {
    apiVersion: 'test.gitops.dev/v1',
    kind: 'Widget',
    metadata: { name: 'w1', namespace: 'shop', uid: 'uid-1', generation: 1, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { domainName: 'shop', name: 'blue', size: 1, color: 'blue', tags: { team: 'a' }, ...o.spec },
    ...(o.status ? { status: o.status } : {}),
  };
}

function setup() {
  const timeline: string[] = [];
  const cloud = new WidgetCloud(timeline);
  const kind = new WidgetKind(cloud, timeline);
  const before: Widget[] = [];
  /** beforeObserve records its call on the timeline and hands back the object with a finalizer. */
  const beforeObserve = async (obj: Widget) => {
    before.push(obj);
    timeline.push('beforeObserve');
    return { ...obj, metadata: { ...obj.metadata, finalizers: ['f'] } };
  };
  const options = (o: Partial<AssessOptions<Widget>> = {}): AssessOptions<Widget> => ({
    target: { region: REGION },
    account: ACCOUNT,
    observe: { prio: 'high', fromSnapshot: false },
    beforeObserve,
    now: NOW,
    ...o,
  });
  return { timeline, cloud, kind, before, options };
}

describe('assess', () => {
  it.each<[string, Partial<WidgetSpec>, AwsTarget, string, string]>([
    ['spec.region moved', { region: 'eu-west-1' }, { region: 'eu-west-1' }, ACCOUNT, 'region us-east-1 -> eu-west-1'],
    ['the credentials reach another account', {}, { region: REGION, roleArn: 'arn:aws:iam::222222222222:role/shop' }, ROLE_ACCOUNT, `account ${ACCOUNT} -> ${ROLE_ACCOUNT}`],
    ["the kind's own identity moved (spec.name)", { name: 'green' }, { region: REGION }, ACCOUNT, 'name blue -> green'],
  ])('moved (%s): nothing read, nothing asked, beforeObserve not called', async (_name, spec, target, account, says) => {
    const t = setup();
    t.cloud.seed({ name: 'blue', tags: { [OWNER_TAG]: OWNER } });
    for (const managementPolicy of ['Manage', 'Observe'] as const) {
      const found = await assess(t.kind, resource({ spec: { ...spec, managementPolicy }, status: PINNED }), t.options({ target, account }));
      expect(found.outcome).toBe('moved');
      expect(found.outcome === 'moved' && found.message).toContain(says);
    }
    expect(t.cloud.calls).toEqual([]);
    expect(t.before).toEqual([]);
    expect(t.kind.decisions).toEqual({ plan: 0, ownership: 0, drift: 0 });
  });

  it('not moved: a status without a pin (never seen in AWS) pins nothing', async () => {
    const t = setup();
    const found = await assess(t.kind, resource({ spec: { region: 'eu-west-1' }, status: { region: REGION } }), t.options({ target: { region: 'eu-west-1' } }));
    expect(found.outcome).toBe('planned');
  });

  it('observed (Observe mode): reads, reports drift, judges no ownership, plans nothing, no beforeObserve', async () => {
    const t = setup();
    t.cloud.seed({ name: 'blue', size: 2, color: 'blue', tags: { team: 'a', [OWNER_TAG]: 'uid-9 shop/other' } });
    const found = await assess(t.kind, resource({ spec: { managementPolicy: 'Observe' } }), t.options());
    expect(found).toMatchObject({ outcome: 'observed', observed: { name: 'blue', size: 2 }, drift: [{ path: 'size', kind: 'change', from: 2, to: 1 }] });
    expect(t.timeline).toEqual([`GetWidget ${HERE}`]);
    expect(t.before).toEqual([]);
    expect(t.kind.decisions).toEqual({ plan: 0, ownership: 0, drift: 1 });
  });

  it('observed, nothing in AWS: no drift, and drift() is not asked', async () => {
    const t = setup();
    const found = await assess(t.kind, resource({ spec: { managementPolicy: 'Observe' } }), t.options());
    expect(found).toEqual({ outcome: 'observed', observed: undefined, drift: [] });
    expect(t.kind.decisions.drift).toBe(0);
  });

  it('refused: it exists and this resource may not touch it; no plan', async () => {
    const t = setup();
    t.cloud.seed({ name: 'blue', size: 1, color: 'blue', tags: { team: 'a' } });
    const found = await assess(t.kind, resource(), t.options());
    expect(found.outcome).toBe('refused');
    if (found.outcome !== 'refused') return;
    expect(found.observed.name).toBe('blue');
    expect(found.message).toContain('widget blue already exists and this resource did not create it');
    expect(t.kind.decisions).toEqual({ plan: 0, ownership: 1, drift: 0 });
  });

  it('planned, nothing in AWS: a create carrying the owner tag, ownership Created, ownership not asked', async () => {
    const t = setup();
    const obj = resource();
    const found = await assess(t.kind, obj, t.options());
    expect(found).toMatchObject({ outcome: 'planned', observed: undefined, ownership: 'Created', summary: { calls: ['CreateWidget'], reason: 'create', changes: [{ path: '', kind: 'add' }] } });
    if (found.outcome !== 'planned') return;
    expect(found.plan.create!.tags).toEqual({ team: 'a', [OWNER_TAG]: OWNER });
    expect(t.kind.decisions.ownership).toBe(0);
    expect(t.cloud.writes()).toEqual([]); // assess never writes
  });

  it.each<[string, Record<string, string>, Record<string, string> | undefined, 'Created' | 'Adopted', string[]]>([
    ['its own owner tag', { team: 'a', [OWNER_TAG]: OWNER }, undefined, 'Created', []],
    ['the adopt annotation, AWS matching', { team: 'a' }, { [ANNOTATIONS.adopt]: 'true' }, 'Adopted', []],
    ['the adopt annotation, tags differing', { team: 'b' }, { [ANNOTATIONS.adopt]: 'true' }, 'Adopted', ['TagWidget']],
  ])('planned, it exists and is ours by %s', async (_name, tags, annotations, ownership, calls) => {
    const t = setup();
    t.cloud.seed({ name: 'blue', size: 1, color: 'blue', tags });
    const found = await assess(t.kind, resource(annotations ? { annotations } : {}), t.options());
    expect(found).toMatchObject({ outcome: 'planned', ownership, summary: { calls } });
    expect(t.cloud.writes()).toEqual([]);
  });

  it('judgeOwnership false (no cluster to know it from): plans over what exists, ownership not asked', async () => {
    const t = setup();
    t.cloud.seed({ name: 'blue', size: 3, color: 'blue', tags: { team: 'a', [OWNER_TAG]: 'uid-9 shop/other' } });
    const found = await assess(t.kind, resource(), t.options({ judgeOwnership: false }));
    expect(found).toMatchObject({ outcome: 'planned', ownership: 'Created', summary: { calls: ['UpdateWidget'] } });
    expect(t.kind.decisions.ownership).toBe(0);
  });

  it('beforeObserve: only in Manage mode, once, before AWS is read; what it returns is what is observed, judged and planned', async () => {
    const t = setup();
    t.cloud.seed({ name: 'blue', size: 1, color: 'blue', tags: { team: 'a', [OWNER_TAG]: OWNER } });
    const obj = resource();
    const found = await assess(t.kind, obj, t.options());
    expect(t.timeline).toEqual(['beforeObserve', `GetWidget ${HERE}`]);
    expect(t.before).toEqual([obj]);
    expect(found.outcome === 'planned' && found.obj.metadata.finalizers).toEqual(['f']);
    expect(found.outcome === 'planned' && found.planned).toBe(found.outcome === 'planned' && found.obj);

    // Its answer decides: an object handed back with the adopt annotation is adopted.
    const u = setup();
    u.cloud.seed({ name: 'blue', size: 1, color: 'blue', tags: { team: 'a' } });
    const adopting = await assess(u.kind, resource(), u.options({ beforeObserve: async (o) => ({ ...o, metadata: { ...o.metadata, annotations: { [ANNOTATIONS.adopt]: 'true' } } }) }));
    expect(adopting).toMatchObject({ outcome: 'planned', ownership: 'Adopted' });
  });

  it('beforeObserve failing: nothing is read', async () => {
    const t = setup();
    const refused = new Error('finalizer write refused');
    await expect(assess(t.kind, resource(), t.options({ beforeObserve: () => Promise.reject(refused) }))).rejects.toBe(refused);
    expect(t.cloud.calls).toEqual([]);
  });

  it('observe is told the account with the read options', async () => {
    const t = setup();
    await assess(t.kind, resource(), t.options({ observe: { prio: 'low', fromSnapshot: true, snapshotAfter: 42 } }));
    expect(t.cloud.contexts).toEqual([{ prio: 'low', fromSnapshot: true, snapshotAfter: 42, account: ACCOUNT }]);
  });

  it("a kind's planStatus: the plan compares with it, and says so in `planned`", async () => {
    const t = setup();
    class RecordedWidgetKind extends WidgetKind {
      // As an import's record does: the status the plan sees says this resource has it already.
      planStatus(obj: Widget): Widget {
        return { ...obj, status: { ...obj.status, ownership: 'Adopted' } };
      }
    }
    const kind = new RecordedWidgetKind(t.cloud, t.timeline);
    t.cloud.seed({ name: 'blue', size: 2, color: 'blue', tags: { team: 'a' } });
    const obj = resource({ annotations: { [ANNOTATIONS.adopt]: 'true' } });
    const found = await assess(kind, obj, t.options({ beforeObserve: undefined }));
    expect(found.outcome).toBe('planned');
    if (found.outcome !== 'planned') return;
    expect(found.obj).toBe(obj);
    expect(found.planned).not.toBe(obj);
    expect(found.planned.status?.ownership).toBe('Adopted');
    expect(found.summary).toMatchObject({ calls: ['UpdateWidget'], reason: 'update' }); // not 'adopt': it compared with planStatus
  });
});
