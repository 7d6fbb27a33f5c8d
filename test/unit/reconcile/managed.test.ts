// The generic managed reconciler (reconcile/managed.ts) with an in-memory kind (a Widget: a Map as
// AWS) and fake cluster dependencies. Each case: what AWS and the cluster hold, one reconcile, and
// what it must and must not have done: AWS calls, status and finalizer writes, conditions, Events,
// the result and what the `ended` hook was told.
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, FINALIZER, OWNER_TAG } from '../../../src/api/group.ts';
import type { Condition } from '../../../src/api/types.ts';
import { AwsFailure } from '../../../src/aws/errors.ts';
import {
  DEPENDENCY_WAIT_MS,
  ManagedReconciler,
  NAMESPACE_WAIT_MS,
  STALLED_RETRY_MS,
  type ManagedDeps,
  type ReconcileLog,
  type ReconcileResult,
  type Trigger,
} from '../../../src/reconcile/managed.ts';
import { ACCOUNT, ROLE, ROLE_ACCOUNT, SAME_ACCOUNT_ROLE, WidgetCloud, WidgetKind, type ObservedWidget, type Widget, type WidgetSpec, type WidgetStatus } from './widget-kind.ts';

const REGION = 'us-east-1';
const HERE = `${ACCOUNT}/${REGION}`;
const POLL_MS = 60_000;
const T0 = Date.parse('2026-12-05T00:00:00Z');
const OWNER = 'uid-1 shop/w1';
const STALLED = { requeueAfterMs: STALLED_RETRY_MS, stalled: true };
const POLL = { requeueAfterMs: POLL_MS };

const quiet: ReconcileLog = { info() {}, warn() {}, debug() {}, child: () => quiet };

/** What the world around the reconciler answers; a test may change it between reconciles. */
interface World {
  namespaceKnown: boolean;
  role?: string | undefined;
  older?: string | undefined;
  waitsFor?: string | undefined;
  deleteWaitsFor?: string | undefined;
  /** How far the clock moves on each now() (0: it stands still). */
  tickMs: number;
  /** The API server refuses the next writes of this kind (a conflict, a timeout). */
  refuse?: { status?: (s: WidgetStatus) => Error | undefined; finalizers?: Error } | undefined;
}

interface Ended {
  result: ReconcileResult | undefined;
  stalled: boolean;
  seconds: number;
}

interface EventRecord {
  type: string;
  reason: string;
  action: string;
  note: string;
  on: string;
}

const clone = <T>(v: T): T => structuredClone(v);

function harness(w: Partial<World> = {}) {
  const world: World = { namespaceKnown: true, tickMs: 0, ...w };
  /** AWS calls and cluster writes, in the order they happened. */
  const timeline: string[] = [];
  const cloud = new WidgetCloud(timeline);
  const kind = new WidgetKind(cloud, timeline);
  const statuses: WidgetStatus[] = [];
  const finalizerWrites: string[][] = [];
  const events: EventRecord[] = [];
  const ended: Ended[] = [];
  let clock = T0;
  /** The object as the API server holds it (what the informer delivers next). */
  let stored: Widget | undefined;

  const deps: ManagedDeps<Widget> = {
    account: (t) => cloud.account(t),
    writer: {
      async patchStatus(_obj, status) {
        const refused = world.refuse?.status?.(status);
        if (refused) throw refused;
        const ready = status.conditions?.find((c) => c.type === 'Ready');
        timeline.push(`status Ready=${ready?.status}/${ready?.reason}`);
        statuses.push(clone(status));
        stored = { ...stored!, status: clone(status) };
      },
      async setFinalizers(obj, finalizers) {
        if (world.refuse?.finalizers) throw world.refuse.finalizers;
        timeline.push(`finalizers [${finalizers.join(',')}]`);
        finalizerWrites.push([...finalizers]);
        stored = { ...stored!, metadata: { ...stored!.metadata, finalizers: [...finalizers] } };
        return { ...obj, metadata: { ...obj.metadata, finalizers: [...finalizers] } };
      },
    },
    events: {
      emit: (obj, type, reason, action, note) => void events.push({ type, reason, action, note, on: `${obj.metadata.namespace}/${obj.metadata.name}` }),
    },
    defaultRegion: REGION,
    roleFor: () => (world.namespaceKnown ? { known: true, roleArn: world.role } : { known: false }),
    olderClaimant: () => world.older,
    waitsFor: () => world.waitsFor,
    deleteWaitsFor: () => world.deleteWaitsFor,
    pollIntervalMs: () => POLL_MS,
    now: () => {
      const d = new Date(clock);
      clock += world.tickMs;
      return d;
    },
    log: quiet,
    ended: (result, stalled, seconds) => void ended.push({ result, stalled, seconds }),
  };
  const reconciler = new ManagedReconciler(kind, deps);

  const t = {
    world,
    cloud,
    kind,
    reconciler,
    timeline,
    statuses,
    finalizerWrites,
    events,
    ended,
    get stored(): Widget {
      return stored!;
    },
    /** One reconcile of obj, as the informer delivered it. */
    reconcile(obj: Widget, trigger: Trigger = 'change'): Promise<ReconcileResult> {
      stored = clone(obj);
      return reconciler.reconcile(clone(obj), trigger);
    },
    /** The stored object, edited as a person would (a spec change, an annotation, a delete). */
    edit(change: (o: Widget) => void = () => {}): Widget {
      const next = clone(stored!);
      change(next);
      return next;
    },
    /** Reconcile the stored object again (the next event or poll). */
    again(trigger: Trigger = 'poll', change?: (o: Widget) => void): Promise<ReconcileResult> {
      return t.reconcile(t.edit(change), trigger);
    },
    /** Forget what was recorded so far (the start of a case). */
    reset(): void {
      for (const list of [timeline, cloud.calls, cloud.contexts, kind.hooks, statuses, finalizerWrites, events, ended] as unknown[][]) list.length = 0;
    },
    /** A widget this resource created, at rest: AWS matches, Ready=True, the finalizer on. */
    async settle(o: Parameters<typeof resource>[0] = {}): Promise<void> {
      await t.reconcile(resource(o));
      expect(conds(stored!.status)).toEqual({ Ready: 'True Available', Synced: 'True ReconcileSuccess' });
      t.reset();
    },
    /** The conditions of the stored status, as `status reason` by type. */
    conds: () => conds(stored?.status),
    cond: (type: string) => stored?.status?.conditions?.find((c) => c.type === type),
    eventLines: () => events.map((e) => `${e.type} ${e.reason}`),
    /** Advance the clock (between reconciles). */
    advance(ms: number): void {
      clock += ms;
    },
  };
  return t;
}
type Harness = ReturnType<typeof harness>;

function conds(status: WidgetStatus | undefined): Record<string, string> {
  return Object.fromEntries((status?.conditions ?? []).map((c: Condition) => [c.type, `${c.status} ${c.reason}`]));
}

const SPEC: WidgetSpec = { domainName: 'shop', name: 'blue', size: 1, color: 'blue', tags: { team: 'a' } };
/** What AWS holds when it matches SPEC (no owner tag: nobody's). */
const MATCHING: Partial<ObservedWidget> & { name: string } = { name: 'blue', size: 1, color: 'blue', tags: { team: 'a' } };

function resource(o: { spec?: Partial<WidgetSpec>; annotations?: Record<string, string>; status?: WidgetStatus; finalizers?: string[]; deleting?: boolean } = {}): Widget {
  return {
    apiVersion: 'test.gitops.dev/v1',
    kind: 'Widget',
    metadata: {
      name: 'w1',
      namespace: 'shop',
      uid: 'uid-1',
      generation: 1,
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.finalizers ? { finalizers: o.finalizers } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-12-05T00:00:00Z' } : {}),
    },
    spec: { ...SPEC, ...o.spec },
    ...(o.status ? { status: o.status } : {}),
  };
}

const bump = (o: Widget) => void (o.metadata.generation = (o.metadata.generation ?? 0) + 1);
const deleting = (o: Widget) => void (o.metadata.deletionTimestamp = '2026-12-05T01:00:00Z');

interface Want {
  result: ReconcileResult;
  /** Every AWS call made (STS included), in order. */
  calls: string[];
  /** How many status writes. */
  statusWrites: number;
  /** The conditions of the stored status after it (omitted: not checked). */
  conditions?: Record<string, string>;
  /** `type reason` of each Event, in order. */
  events: string[];
  /** Each finalizer write. */
  finalizers: string[][];
  /** What `ended` was told: is the resource Stalled now. */
  stalled: boolean;
}

interface Case {
  name: string;
  world?: Partial<World>;
  /** Sets AWS and the cluster up; returns the object to reconcile. */
  given: (t: Harness) => Widget | Promise<Widget>;
  trigger?: Trigger;
  want: Want;
  /** What else this case must (not) have done. */
  also?: (t: Harness) => void;
}

/** A case's starting point, then its one reconcile: what the harness recorded is that reconcile's alone. */
async function once(c: Case, world: Partial<World> = {}) {
  const t = harness({ ...c.world, ...world });
  const obj = await c.given(t);
  t.reset();
  const result = await t.reconcile(obj, c.trigger ?? 'change');
  return { t, obj, result };
}

async function run(c: Case): Promise<Harness> {
  const { t, result } = await once(c);
  expect(result).toEqual(c.want.result);
  expect(t.cloud.calls).toEqual(c.want.calls);
  expect(t.statuses).toHaveLength(c.want.statusWrites);
  if (c.want.conditions) expect(t.conds()).toEqual(c.want.conditions);
  expect(t.eventLines()).toEqual(c.want.events);
  expect(t.finalizerWrites).toEqual(c.want.finalizers);
  expect(t.ended).toHaveLength(1);
  expect(t.ended[0]).toMatchObject({ result: c.want.result, stalled: c.want.stalled });
  expect(t.ended[0]!.seconds).toBeGreaterThanOrEqual(0);
  c.also?.(t);
  return t;
}

const READY = { Ready: 'True Available', Synced: 'True ReconcileSuccess' };
const stalledWith = (reason: string) => ({ Ready: 'False Error', Synced: `False ${reason}`, Stalled: `True ${reason}` });
const retrying = (ready: string, reason: string) => ({ Ready: `False ${ready}`, Synced: `False ${reason}`, Reconciling: 'True Retrying' });

/** The message of the stored status's condition of a type. */
const message = (t: Harness, type: string) => t.cond(type)?.message ?? '';

const manage: Case[] = [
  {
    name: 'create: the finalizer goes on before AWS is read or written; the owner tag goes with the create',
    given: () => resource(),
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `CreateWidget ${HERE}`], statusWrites: 2, conditions: READY, events: ['Normal Created'], finalizers: [[FINALIZER]], stalled: false },
    also: (t) => {
      expect(t.timeline).toEqual([
        `GetCallerIdentity ${HERE}`,
        `finalizers [${FINALIZER}]`,
        `GetWidget ${HERE}`,
        'status Ready=False/Creating',
        `invalidate ${HERE}`,
        `CreateWidget ${HERE}`,
        'status Ready=True/Available',
      ]);
      expect(conds(t.statuses[0])).toEqual({ Ready: 'False Creating', Reconciling: 'True Progressing' });
      expect(t.statuses[0]!.conditions![0]!.message).toBe('the widget does not exist yet');
      expect(t.cloud.peek('blue')!.tags).toEqual({ team: 'a', [OWNER_TAG]: OWNER });
      expect(t.stored.status).toMatchObject({ widgetId: 'blue', ownership: 'Created', account: ACCOUNT, region: REGION, observedGeneration: 1, lastSyncTime: '2026-12-05T00:00:00.000Z' });
      expect(t.stored.status?.assumedRoleArn).toBeUndefined();
      expect(t.events[0]).toMatchObject({ on: 'shop/w1', action: 'CreateWidget' });
    },
  },
  {
    name: 'create with a namespace role: acts as the role, records it',
    world: { role: ROLE },
    given: () => resource(),
    want: { result: POLL, calls: [`GetCallerIdentity ${ROLE_ACCOUNT}/${REGION}`, `GetWidget ${ROLE_ACCOUNT}/${REGION}`, `CreateWidget ${ROLE_ACCOUNT}/${REGION}`], statusWrites: 2, conditions: READY, events: ['Normal Created'], finalizers: [[FINALIZER]], stalled: false },
    also: (t) => expect(t.stored.status).toMatchObject({ account: ROLE_ACCOUNT, assumedRoleArn: ROLE, ownership: 'Created' }),
  },
  {
    name: "a kind whose deletionPolicy defaults to Retain: no finalizer on create",
    given: (t) => {
      t.kind.defaultDeletionPolicy = 'Retain';
      return resource();
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `CreateWidget ${HERE}`], statusWrites: 2, conditions: READY, events: ['Normal Created'], finalizers: [], stalled: false },
  },
  {
    name: 'adopt on opt-in, AWS matching: zero writes, Adopted once',
    given: (t) => {
      t.cloud.seed(MATCHING);
      return resource({ annotations: { [ANNOTATIONS.adopt]: 'true' } });
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: READY, events: ['Normal Adopted'], finalizers: [[FINALIZER]], stalled: false },
    also: (t) => {
      expect(t.stored.status).toMatchObject({ ownership: 'Adopted', widgetId: 'blue', account: ACCOUNT });
      expect(t.stored.status?.lastSyncTime).toBeUndefined(); // nothing was synced
      expect(t.cloud.peek('blue')!.tags).toEqual({ team: 'a' }); // no owner tag added to what it adopted
      expect(t.events[0]).toMatchObject({ action: 'Adopt', note: 'Adopted widget blue: it already matches the spec, nothing written' });
    },
  },
  {
    name: 'adopt on opt-in, AWS differing: converges it, Adopted',
    given: (t) => {
      t.cloud.seed({ ...MATCHING, size: 3, tags: { team: 'a', [OWNER_TAG]: 'uid-9 shop/other' } });
      return resource({ annotations: { [ANNOTATIONS.adopt]: 'true' } });
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `UpdateWidget ${HERE}`], statusWrites: 2, conditions: READY, events: ['Normal Adopted'], finalizers: [[FINALIZER]], stalled: false },
    also: (t) => {
      expect(t.stored.status?.ownership).toBe('Adopted');
      expect(t.cloud.peek('blue')!.size).toBe(1);
      expect(conds(t.statuses[0])).toEqual({ Ready: 'False Updating', Reconciling: 'True Progressing' });
    },
  },
  {
    name: 'refuse without the annotation: Stalled AlreadyExists, zero writes',
    given: (t) => {
      t.cloud.seed(MATCHING);
      return resource();
    },
    want: { result: STALLED, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: stalledWith('AlreadyExists'), events: ['Warning AlreadyExists'], finalizers: [[FINALIZER]], stalled: true },
    also: (t) => {
      expect(message(t, 'Stalled')).toContain('widget blue already exists and this resource did not create it');
      expect(message(t, 'Stalled')).toContain(`${ANNOTATIONS.adopt}: "true"`);
      expect(t.stored.status?.ownership).toBeUndefined();
      expect(t.stored.status?.observedGeneration).toBe(1);
    },
  },
  {
    name: "refuse another resource's widget (its owner tag): names that owner",
    given: (t) => {
      t.cloud.seed({ ...MATCHING, tags: { team: 'a', [OWNER_TAG]: 'uid-9 shop/other' } });
      return resource();
    },
    want: { result: STALLED, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: stalledWith('AlreadyExists'), events: ['Warning AlreadyExists'], finalizers: [[FINALIZER]], stalled: true },
    also: (t) => expect(message(t, 'Stalled')).toContain('created by another resource (shop/other'),
  },
  {
    name: 'its own owner tag after a lost status: Created, no write, no Adopted Event',
    given: (t) => {
      t.cloud.seed({ ...MATCHING, tags: { team: 'a', [OWNER_TAG]: OWNER } });
      return resource({ finalizers: [FINALIZER] });
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: READY, events: [], finalizers: [], stalled: false },
    also: (t) => expect(t.stored.status).toMatchObject({ ownership: 'Created', widgetId: 'blue', createdAt: '1970-01-01T00:00:01.000Z' }),
  },
  {
    name: 'update: a spec change is written, observedGeneration follows',
    given: async (t) => {
      await t.settle();
      return t.edit((o) => {
        o.spec.size = 2;
        bump(o);
      });
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `UpdateWidget ${HERE}`], statusWrites: 2, conditions: READY, events: ['Normal Updated'], finalizers: [], stalled: false },
    also: (t) => {
      expect(t.statuses[0]!.conditions![0]).toMatchObject({ status: 'False', reason: 'Updating', message: 'size: 1 -> 2' });
      expect(t.statuses[0]!.observedGeneration).toBe(1); // moves only when the reconcile ends Ready or Stalled
      expect(t.stored.status?.observedGeneration).toBe(2);
      expect(t.cond('Ready')!.observedGeneration).toBe(2);
      expect(t.cloud.peek('blue')).toMatchObject({ size: 2, color: 'blue' });
      expect(t.stored.status?.lastUpdatedAt).toBe(t.cloud.peek('blue')!.lastUpdatedAt.toISOString());
    },
  },
  {
    name: 'drift: an out-of-band change is undone on a poll',
    given: async (t) => {
      await t.settle();
      t.cloud.outOfBand('blue', { color: 'red' });
      return t.edit();
    },
    trigger: 'poll',
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `UpdateWidget ${HERE}`], statusWrites: 2, conditions: READY, events: ['Normal Updated'], finalizers: [], stalled: false },
    also: (t) => {
      expect(t.statuses[0]!.conditions![0]!.message).toBe('color: "red" -> "blue"');
      expect(t.events[0]!.note).toContain('corrected an out-of-band change');
      expect(t.cloud.peek('blue')!.color).toBe('blue');
      // Our own write is recorded, so the next poll does not take it for drift.
      expect(t.stored.status?.lastUpdatedAt).toBe(t.cloud.peek('blue')!.lastUpdatedAt.toISOString());
    },
  },
  {
    name: 'tags only: tag and untag calls, no update, the owner tag kept',
    given: async (t) => {
      await t.settle();
      return t.edit((o) => {
        o.spec.tags = { env: 'prod' };
        bump(o);
      });
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `TagWidget ${HERE}`, `UntagWidget ${HERE}`], statusWrites: 2, conditions: READY, events: ['Normal Tagged'], finalizers: [], stalled: false },
    also: (t) => {
      expect(t.cloud.peek('blue')!.tags).toEqual({ env: 'prod', [OWNER_TAG]: OWNER });
      expect(t.statuses[0]!.conditions![0]!.message).toBe('+tags.env; -tags.team');
    },
  },
  {
    name: 'paused: no AWS call at all, Synced=False Paused, Ready Unknown before the first reconcile',
    given: () => resource({ annotations: { [ANNOTATIONS.paused]: 'true' } }),
    want: { result: {}, calls: [], statusWrites: 1, conditions: { Ready: 'Unknown Paused', Synced: 'False Paused' }, events: [], finalizers: [], stalled: false },
  },
  {
    name: 'paused at rest: no AWS call, Ready keeps what it knew',
    given: async (t) => {
      await t.settle();
      return t.edit((o) => void (o.metadata.annotations = { [ANNOTATIONS.paused]: 'true' }));
    },
    want: { result: {}, calls: [], statusWrites: 1, conditions: { Ready: 'True Available', Synced: 'False Paused' }, events: [], finalizers: [], stalled: false },
  },
  {
    name: 'InvalidSpec from the kind: no AWS call, Stalled naming the field',
    given: () => resource({ spec: { size: 0 } }),
    want: { result: STALLED, calls: [], statusWrites: 1, conditions: stalledWith('InvalidSpec'), events: ['Warning InvalidSpec'], finalizers: [], stalled: true },
    also: (t) => expect(message(t, 'Stalled')).toBe('spec.size: must be at least 1; fix the spec (nothing was sent to AWS)'),
  },
  {
    name: 'Conflict: an older resource claims the same widget; no AWS call',
    world: { older: 'shop/w0' },
    given: () => resource(),
    want: { result: STALLED, calls: [], statusWrites: 1, conditions: stalledWith('Conflict'), events: ['Warning Conflict'], finalizers: [], stalled: true },
    also: (t) => expect(message(t, 'Stalled')).toBe('another resource, shop/w0, already manages this widget (widget blue); delete one of them'),
  },
  {
    name: 'waiting for a dependency: no AWS call, Ready=False Waiting, looked at again',
    world: { waitsFor: 'shelf shop/s1 to be Ready' },
    given: () => resource(),
    want: { result: { requeueAfterMs: DEPENDENCY_WAIT_MS }, calls: [], statusWrites: 1, conditions: { Ready: 'False Waiting', Reconciling: 'True Waiting' }, events: [], finalizers: [], stalled: false },
    also: (t) => expect(message(t, 'Ready')).toBe('shelf shop/s1 to be Ready'),
  },
  {
    name: 'namespace not cached yet: no call, no write, back in NAMESPACE_WAIT_MS',
    world: { namespaceKnown: false },
    given: () => resource(),
    want: { result: { requeueAfterMs: NAMESPACE_WAIT_MS }, calls: [], statusWrites: 0, events: [], finalizers: [], stalled: false },
  },
  {
    name: 'target changed: spec.region moved after creation; Stalled TargetChanged, no widget call',
    given: async (t) => {
      await t.settle();
      return t.edit((o) => {
        o.spec.region = 'eu-west-1';
        bump(o);
      });
    },
    want: { result: STALLED, calls: [`GetCallerIdentity ${ACCOUNT}/eu-west-1`], statusWrites: 1, conditions: stalledWith('TargetChanged'), events: ['Warning TargetChanged'], finalizers: [], stalled: true },
    also: (t) => {
      expect(message(t, 'Stalled')).toContain('region us-east-1 -> eu-west-1');
      expect(t.cloud.widgets.size).toBe(1);
      expect(t.stored.status).toMatchObject({ region: REGION, account: ACCOUNT, ownership: 'Created' }); // the pin is kept
    },
  },
  {
    name: "target changed: the namespace's role now reaches another account",
    given: async (t) => {
      await t.settle();
      t.world.role = ROLE;
      return t.edit();
    },
    want: { result: STALLED, calls: [`GetCallerIdentity ${ROLE_ACCOUNT}/${REGION}`], statusWrites: 1, conditions: stalledWith('TargetChanged'), events: ['Warning TargetChanged'], finalizers: [], stalled: true },
    also: (t) => expect(message(t, 'Stalled')).toContain(`account ${ACCOUNT} -> ${ROLE_ACCOUNT}`),
  },
  {
    name: 'a new role into the same account is the same target: no write to AWS, the role recorded',
    given: async (t) => {
      await t.settle();
      t.world.role = SAME_ACCOUNT_ROLE;
      return t.edit();
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: READY, events: [], finalizers: [], stalled: false },
    also: (t) => expect(t.stored.status?.assumedRoleArn).toBe(SAME_ACCOUNT_ROLE),
  },
  {
    name: 'terminal error (AccessDenied on create): Stalled, slow requeue',
    given: (t) => {
      t.cloud.fail.CreateWidget = new AwsFailure('AccessDenied', 'CreateWidget', 'CreateWidget: not authorized');
      return resource();
    },
    want: { result: STALLED, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `CreateWidget ${HERE}`], statusWrites: 2, conditions: stalledWith('AccessDenied'), events: ['Warning AccessDenied'], finalizers: [[FINALIZER]], stalled: true },
    also: (t) => {
      expect(t.events[0]).toMatchObject({ action: 'CreateWidget', note: 'CreateWidget: not authorized' });
      expect(t.stored.status?.ownership).toBeUndefined();
    },
  },
  {
    name: 'terminal error (InvalidSpec from AWS, not a refusal the kind knows): Stalled InvalidSpec',
    given: (t) => {
      t.cloud.fail.CreateWidget = new AwsFailure('InvalidSpec', 'CreateWidget', 'CreateWidget: color must be a color');
      return resource();
    },
    want: { result: STALLED, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `CreateWidget ${HERE}`], statusWrites: 2, conditions: stalledWith('InvalidSpec'), events: ['Warning InvalidSpec'], finalizers: [[FINALIZER]], stalled: true },
  },
  {
    name: 'retryable error reading AWS (AWSUnavailable): retry, Synced=False, Ready=False Creating',
    given: (t) => {
      t.cloud.fail.GetWidget = new AwsFailure('AWSUnavailable', 'GetWidget', 'GetWidget: 503');
      return resource();
    },
    want: { result: { retry: true }, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: retrying('Creating', 'AWSUnavailable'), events: ['Warning AWSUnavailable'], finalizers: [[FINALIZER]], stalled: false },
  },
  {
    name: 'retryable error writing an existing widget (Throttled): retry, Ready=False Updating',
    given: async (t) => {
      await t.settle();
      t.cloud.fail.UpdateWidget = new AwsFailure('Throttled', 'UpdateWidget', 'UpdateWidget: slow down');
      return t.edit((o) => {
        o.spec.size = 2;
        bump(o);
      });
    },
    want: { result: { retry: true }, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `UpdateWidget ${HERE}`], statusWrites: 2, conditions: retrying('Updating', 'Throttled'), events: ['Warning Throttled'], finalizers: [], stalled: false },
    also: (t) => {
      expect(message(t, 'Synced')).toBe('UpdateWidget: slow down');
      expect(t.stored.status?.observedGeneration).toBe(1); // not Ready, not Stalled: the generation is not caught up
    },
  },
  {
    name: 'retryable error from the credentials (CredentialsError): retry, no widget call',
    given: (t) => {
      t.cloud.fail.GetCallerIdentity = new AwsFailure('CredentialsError', 'GetCallerIdentity', 'GetCallerIdentity: expired');
      return resource();
    },
    want: { result: { retry: true }, calls: [`GetCallerIdentity ${HERE}`], statusWrites: 1, conditions: retrying('Creating', 'CredentialsError'), events: ['Warning CredentialsError'], finalizers: [], stalled: false },
  },
  {
    name: "a kind's refusal (a reserved name): Stalled with the kind's reason and message",
    given: (t) => {
      t.cloud.fail.CreateWidget = new AwsFailure('InvalidSpec', 'CreateWidget', 'CreateWidget: name blue is reserved');
      return resource();
    },
    want: { result: STALLED, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `CreateWidget ${HERE}`], statusWrites: 2, conditions: stalledWith('AlreadyExists'), events: ['Warning AlreadyExists'], finalizers: [[FINALIZER]], stalled: true },
    also: (t) => {
      expect(message(t, 'Stalled')).toBe('CreateWidget: name blue is reserved: choose another spec.name than blue');
      expect(t.events[0]!.note).toBe('CreateWidget: name blue is reserved: choose another spec.name than blue');
    },
  },
  {
    name: 'NotConverged: AWS took the write and still differs; Ready=False NotConverged, retry',
    given: async (t) => {
      await t.settle();
      t.cloud.ignoresColor = true;
      return t.edit((o) => {
        o.spec.color = 'green';
        bump(o);
      });
    },
    want: {
      result: { retry: true },
      calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `UpdateWidget ${HERE}`],
      statusWrites: 2,
      conditions: { Ready: 'False NotConverged', Synced: 'False NotConverged', Reconciling: 'True Retrying' },
      events: ['Normal Updated', 'Warning NotConverged'],
      finalizers: [],
      stalled: false,
    },
    also: (t) => expect(message(t, 'Ready')).toContain('AWS accepted the write but reports color: "blue" -> "green" (AWS -> spec) for widget blue'),
  },
  {
    name: 'lost leadership while reading: {} and no status write, no Event',
    given: (t) => {
      t.cloud.fail.GetWidget = new AwsFailure('NotLeader', 'GetWidget', 'GetWidget refused: not the leader');
      return resource();
    },
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 0, events: [], finalizers: [[FINALIZER]], stalled: false },
  },
  {
    name: 'lost leadership at the write: {}; nothing written after the in-progress status, no Event',
    given: (t) => {
      t.cloud.fail.CreateWidget = new AwsFailure('NotLeader', 'CreateWidget', 'CreateWidget refused: not the leader');
      return resource();
    },
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `CreateWidget ${HERE}`], statusWrites: 1, conditions: { Ready: 'False Creating', Reconciling: 'True Progressing' }, events: [], finalizers: [[FINALIZER]], stalled: false },
  },
];

const observe: Case[] = [
  {
    name: 'observe-only, AWS matching: Ready, owns nothing, writes nothing, no finalizer',
    given: (t) => {
      t.cloud.seed({ ...MATCHING, tags: { team: 'a', [OWNER_TAG]: 'uid-9 shop/other' } });
      return resource({ spec: { managementPolicy: 'Observe' } });
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: READY, events: [], finalizers: [], stalled: false },
    also: (t) => {
      expect(message(t, 'Ready')).toBe('widget blue matches the spec (Observe)');
      expect(t.stored.status).toMatchObject({ widgetId: 'blue', account: ACCOUNT, region: REGION });
      expect(t.stored.status?.ownership).toBeUndefined();
      expect(t.kind.decisions).toEqual({ plan: 0, ownership: 0, drift: 1 });
    },
  },
  {
    name: 'observe-only, AWS differing: Ready=False Drifted, field by field',
    given: (t) => {
      t.cloud.seed({ ...MATCHING, color: 'red', tags: { team: 'b' } });
      return resource({ spec: { managementPolicy: 'Observe' } });
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: { Ready: 'False Drifted', Synced: 'True ReconcileSuccess' }, events: [], finalizers: [], stalled: false },
    also: (t) => expect(message(t, 'Ready')).toBe('AWS differs from the spec: color: "red" -> "blue"; tags.team: "b" -> "a"'),
  },
  {
    name: 'observe-only, nothing in AWS: Ready=False NotFound, where it looked; never creates',
    given: () => resource({ spec: { managementPolicy: 'Observe' } }),
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: { Ready: 'False NotFound', Synced: 'True ReconcileSuccess' }, events: [], finalizers: [], stalled: false },
    also: (t) => {
      expect(t.stored.status).toMatchObject({ widgetId: 'blue', region: REGION });
      expect(t.cloud.widgets.size).toBe(0);
    },
  },
  {
    name: 'observe-only after Manage: drops the ownership it had, still writes nothing to AWS',
    given: async (t) => {
      await t.settle();
      return t.edit((o) => {
        o.spec.managementPolicy = 'Observe';
        o.spec.size = 5;
        bump(o);
      });
    },
    want: { result: POLL, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: { Ready: 'False Drifted', Synced: 'True ReconcileSuccess' }, events: [], finalizers: [], stalled: false },
    also: (t) => {
      expect(t.stored.status?.ownership).toBeUndefined();
      expect(t.cloud.peek('blue')!.size).toBe(1);
    },
  },
  {
    name: 'Manage after Observe, without the adopt annotation: what it watched is not taken over (AlreadyExists)',
    given: async (t) => {
      t.cloud.seed(MATCHING);
      await t.reconcile(resource({ spec: { managementPolicy: 'Observe' } }));
      expect(t.conds()).toEqual(READY);
      return t.edit((o) => {
        o.spec.managementPolicy = 'Manage';
        o.spec.size = 2;
        bump(o);
      });
    },
    want: { result: STALLED, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 1, conditions: stalledWith('AlreadyExists'), events: ['Warning AlreadyExists'], finalizers: [[FINALIZER]], stalled: true },
    also: (t) => expect(t.cloud.peek('blue')!.size).toBe(1),
  },
];

/** A widget this resource created, at rest, now being deleted. */
const settledThenDeleted = (change?: (o: Widget) => void) => async (t: Harness) => {
  await t.settle();
  return t.edit((o) => {
    change?.(o);
    deleting(o);
  });
};

const deletion: Case[] = [
  {
    name: 'delete, Delete policy, owned: deletes it, then lets go',
    given: settledThenDeleted(),
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `DeleteWidget ${HERE}`], statusWrites: 0, events: ['Normal Deleted'], finalizers: [[]], stalled: false },
    also: (t) => {
      expect(t.cloud.widgets.size).toBe(0);
      expect(t.kind.hooks).toEqual([`invalidate ${HERE}`, `afterDelete blue owned=true ${HERE}`]);
      expect(t.events[0]).toMatchObject({ action: 'DeleteWidget', note: 'Deleted widget blue' });
      expect(t.cloud.contexts).toEqual([{ account: ACCOUNT, prio: 'high', fromSnapshot: false }]);
    },
  },
  {
    name: 'delete, Retain: no AWS call, lets go, the widget stays',
    given: settledThenDeleted((o) => void (o.spec.deletionPolicy = 'Retain')),
    want: { result: {}, calls: [], statusWrites: 0, events: [], finalizers: [[]], stalled: false },
    also: (t) => {
      expect(t.cloud.widgets.size).toBe(1);
      expect(t.kind.hooks).toEqual([]);
    },
  },
  {
    name: "delete, the kind's default Retain: no AWS call",
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.kind.defaultDeletionPolicy = 'Retain';
      return obj;
    },
    want: { result: {}, calls: [], statusWrites: 0, events: [], finalizers: [[]], stalled: false },
  },
  {
    name: 'delete, Observe: keeps it',
    given: settledThenDeleted((o) => void (o.spec.managementPolicy = 'Observe')),
    want: { result: {}, calls: [], statusWrites: 0, events: [], finalizers: [[]], stalled: false },
  },
  {
    name: 'delete, paused: keeps it',
    given: settledThenDeleted((o) => void (o.metadata.annotations = { [ANNOTATIONS.paused]: 'true' })),
    want: { result: {}, calls: [], statusWrites: 0, events: [], finalizers: [[]], stalled: false },
  },
  {
    name: 'delete of a duplicate (an older resource claims it): keeps it',
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.world.older = 'shop/w0';
      return obj;
    },
    want: { result: {}, calls: [], statusWrites: 0, events: [], finalizers: [[]], stalled: false },
  },
  {
    name: 'delete, Retain, while what uses it is still there: Retain does not wait',
    world: { deleteWaitsFor: 'part shop/p1 to go' },
    given: settledThenDeleted((o) => void (o.spec.deletionPolicy = 'Retain')),
    want: { result: {}, calls: [], statusWrites: 0, events: [], finalizers: [[]], stalled: false },
  },
  {
    name: 'delete, already gone (NotFound): nothing to delete, lets go',
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.cloud.widgets.clear();
      return obj;
    },
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 0, events: [], finalizers: [[]], stalled: false },
    also: (t) => expect(t.kind.hooks).toEqual([`afterDelete (none) owned=true ${HERE}`]),
  },
  {
    name: 'delete of a widget gone between the read and the delete: no Deleted Event, lets go',
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.cloud.goneBeforeDelete = true;
      return obj;
    },
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `DeleteWidget ${HERE}`], statusWrites: 0, events: [], finalizers: [[]], stalled: false },
    also: (t) => expect(t.kind.hooks).toEqual([`invalidate ${HERE}`, `afterDelete blue owned=true ${HERE}`]),
  },
  {
    name: 'delete answered NotFound by AWS (its parent is gone): lets go, no status write',
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.cloud.fail.DeleteWidget = new AwsFailure('NotFound', 'DeleteWidget', 'DeleteWidget: no such shelf');
      return obj;
    },
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `DeleteWidget ${HERE}`], statusWrites: 0, events: [], finalizers: [[]], stalled: false },
  },
  {
    name: 'delete, not owned (never created nor adopted): Retained Event, no delete call',
    given: (t) => {
      t.cloud.seed(MATCHING);
      return resource({ finalizers: [FINALIZER], deleting: true });
    },
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`], statusWrites: 0, events: ['Normal Retained'], finalizers: [[]], stalled: false },
    also: (t) => {
      expect(t.cloud.widgets.size).toBe(1);
      expect(t.events[0]).toMatchObject({ action: 'DeleteWidget', note: 'Left widget blue alone: this resource did not create or adopt it' });
      expect(t.kind.hooks).toEqual([`afterDelete blue owned=false ${HERE}`]);
    },
  },
  {
    name: 'delete waits for what uses it (deleteWaitsFor): no AWS call, the finalizer kept',
    world: { deleteWaitsFor: 'part shop/p1 to go' },
    given: settledThenDeleted(),
    want: {
      result: { requeueAfterMs: DEPENDENCY_WAIT_MS },
      calls: [],
      statusWrites: 1,
      conditions: { Ready: 'False Waiting', Synced: 'True ReconcileSuccess', Reconciling: 'True Waiting' },
      events: [],
      finalizers: [],
      stalled: false,
    },
    also: (t) => expect(message(t, 'Ready')).toBe('part shop/p1 to go'),
  },
  {
    name: 'delete where it was pinned, though spec.region moved since',
    given: settledThenDeleted((o) => void (o.spec.region = 'eu-west-1')),
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `DeleteWidget ${HERE}`], statusWrites: 0, events: ['Normal Deleted'], finalizers: [[]], stalled: false },
  },
  {
    name: "delete with the role it was pinned with, though the namespace's role annotation is gone",
    world: { role: ROLE },
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.world.role = undefined;
      return obj;
    },
    want: { result: {}, calls: [`GetCallerIdentity ${ROLE_ACCOUNT}/${REGION}`, `GetWidget ${ROLE_ACCOUNT}/${REGION}`, `DeleteWidget ${ROLE_ACCOUNT}/${REGION}`], statusWrites: 0, events: ['Normal Deleted'], finalizers: [[]], stalled: false },
  },
  {
    name: 'delete of the widget it pinned, though spec.name moved since',
    given: settledThenDeleted((o) => void (o.spec.name = 'green')),
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `DeleteWidget ${HERE}`], statusWrites: 0, events: ['Normal Deleted'], finalizers: [[]], stalled: false },
    also: (t) => expect(t.cloud.widgets.size).toBe(0),
  },
  {
    name: 'delete with a pinned account the credentials no longer reach: TargetChanged, no delete, the finalizer kept',
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.cloud.accounts.set('', '333333333333');
      return obj;
    },
    want: { result: STALLED, calls: [`GetCallerIdentity 333333333333/${REGION}`], statusWrites: 1, conditions: stalledWith('TargetChanged'), events: ['Warning TargetChanged'], finalizers: [], stalled: true },
    also: (t) => {
      expect(message(t, 'Stalled')).toContain(`cannot delete widget blue: it lives in account ${ACCOUNT}`);
      expect(message(t, 'Stalled')).toContain('now reach account 333333333333');
    },
  },
  {
    name: 'delete failing (Throttled): retry, Ready=False Deleting, the finalizer kept',
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.cloud.fail.DeleteWidget = new AwsFailure('Throttled', 'DeleteWidget', 'DeleteWidget: slow down');
      return obj;
    },
    want: { result: { retry: true }, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `DeleteWidget ${HERE}`], statusWrites: 1, conditions: retrying('Deleting', 'Throttled'), events: ['Warning Throttled'], finalizers: [], stalled: false },
    also: (t) => expect(t.events[0]).toMatchObject({ action: 'DeleteWidget' }),
  },
  {
    name: 'delete failing with an error AWS did not classify: classified as the delete operation, retried',
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.cloud.fail.DeleteWidget = Object.assign(new Error('socket hang up'), { name: 'Error' });
      return obj;
    },
    want: { result: { retry: true }, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `DeleteWidget ${HERE}`], statusWrites: 1, conditions: retrying('Deleting', 'AWSUnavailable'), events: ['Warning AWSUnavailable'], finalizers: [], stalled: false },
    also: (t) => expect(t.events[0]).toMatchObject({ action: 'DeleteWidget', note: 'DeleteWidget: socket hang up' }),
  },
  {
    name: 'delete after lost leadership: {}, no status write, the finalizer kept',
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.cloud.fail.DeleteWidget = new AwsFailure('NotLeader', 'DeleteWidget', 'DeleteWidget refused: not the leader');
      return obj;
    },
    want: { result: {}, calls: [`GetCallerIdentity ${HERE}`, `GetWidget ${HERE}`, `DeleteWidget ${HERE}`], statusWrites: 0, events: [], finalizers: [], stalled: false },
  },
  {
    name: 'delete without our finalizer: nothing to do',
    given: (t) => {
      t.cloud.seed({ ...MATCHING, tags: { [OWNER_TAG]: OWNER } });
      return resource({ deleting: true, finalizers: ['someone.else/finalizer'] });
    },
    want: { result: {}, calls: [], statusWrites: 0, events: [], finalizers: [], stalled: false },
  },
  {
    name: 'delete while the namespace is not cached: waits, acts with no identity',
    given: async (t) => {
      const obj = await settledThenDeleted()(t);
      t.world.namespaceKnown = false;
      return obj;
    },
    want: { result: { requeueAfterMs: NAMESPACE_WAIT_MS }, calls: [], statusWrites: 0, events: [], finalizers: [], stalled: false },
  },
];

describe('ManagedReconciler', () => {
  describe.each([
    ['Manage', manage],
    ['Observe', observe],
    ['deletion', deletion],
  ] as const)('%s', (_group, cases) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      await run(c);
    });
  });

  /** Each write of the case, after the status it started from. */
  async function writes(c: Case): Promise<Array<WidgetStatus | undefined>> {
    const { t, obj } = await once(c, { tickMs: 1000 });
    return [obj.status, ...t.statuses];
  }
  /** Pairs of one condition type in consecutive statuses. */
  function transitions(seq: Array<WidgetStatus | undefined>): Array<{ type: string; before: Condition; after: Condition }> {
    return seq.slice(1).flatMap((s, i) =>
      (s?.conditions ?? []).flatMap((after) => {
        const before = seq[i]?.conditions?.find((c) => c.type === after.type);
        return before ? [{ type: after.type, before, after }] : [];
      }),
    );
  }
  const everyCase = [...manage, ...observe, ...deletion].map((c) => [c.name, c] as const);

  it.each(everyCase)("no condition's lastTransitionTime moves back (%s, the clock ticking)", async (_name, c) => {
    const seq = await writes(c);
    for (const { type, before, after } of transitions(seq)) {
      expect(Date.parse(after.lastTransitionTime!), type).toBeGreaterThanOrEqual(Date.parse(before.lastTransitionTime!));
    }
  });

  // apimachinery's rule (conditions.ts setCondition): lastTransitionTime moves only when the
  // condition's status changes, also between the in-progress write and the one that ends a reconcile.
  it.each(everyCase)("a condition's lastTransitionTime moves only when its status changes (%s, the clock ticking)", async (_name, c) => {
    const seq = await writes(c);
    for (const { type, before, after } of transitions(seq)) {
      if (after.status === before.status) expect(after.lastTransitionTime, `${type} stayed ${after.status}`).toBe(before.lastTransitionTime);
    }
  });

  // kstatus, as status.ts promises: Ready always there, Stalled=True only with Ready=False, never
  // Reconciling and Stalled both True.
  it.each(everyCase)('every status written follows kstatus (%s)', async (_name, c) => {
    const { t } = await once(c);
    for (const s of t.statuses) {
      const is = (type: string, status: string) => s.conditions?.some((x) => x.type === type && x.status === status);
      expect(s.conditions?.some((x) => x.type === 'Ready')).toBe(true);
      if (is('Stalled', 'True')) expect(is('Ready', 'False') && !is('Reconciling', 'True')).toBe(true);
    }
  });

  // The root observedGeneration says which spec the status answers: it moves only when a reconcile
  // ends Ready, Stalled or observed (Observe mode), never in an in-progress, retrying, waiting or paused write.
  it.each(everyCase)('observedGeneration moves only with an ending (%s)', async (_name, c) => {
    const { t, obj } = await once(c);
    let generation = obj.status?.observedGeneration;
    for (const s of t.statuses) {
      if (s.observedGeneration !== generation) {
        const ready = s.conditions?.find((x) => x.type === 'Ready');
        const ended = ready?.status === 'True' || s.conditions?.some((x) => x.type === 'Stalled' && x.status === 'True') || ['Drifted', 'NotFound'].includes(ready?.reason ?? '');
        expect(ended, `observedGeneration ${generation} -> ${s.observedGeneration} with Ready ${ready?.status}/${ready?.reason}`).toBe(true);
        expect(s.observedGeneration).toBe(obj.metadata.generation);
      }
      generation = s.observedGeneration;
    }
  });

  it.each(everyCase)('no AWS write before the finalizer is on, unless the policy is Retain (%s)', async (_name, c) => {
    const { t, obj } = await once(c);
    const retain = (obj.spec.deletionPolicy ?? t.kind.defaultDeletionPolicy) === 'Retain';
    let on = !!obj.metadata.finalizers?.includes(FINALIZER);
    for (const line of t.timeline) {
      if (line.startsWith('finalizers ')) on = line.includes(FINALIZER);
      if (/^(Create|Update|Tag|Untag)Widget /.test(line)) expect(on || retain, line).toBe(true);
    }
  });

  /** Starting points that must be at rest after one reconcile. */
  const resting: Array<[string, Partial<World>, (t: Harness) => Widget]> = [
    ['created', {}, () => resource()],
    ['adopted (Adopted Event once)', {}, (t) => (t.cloud.seed(MATCHING), resource({ annotations: { [ANNOTATIONS.adopt]: 'true' } }))],
    ['refused (its Event once)', {}, (t) => (t.cloud.seed(MATCHING), resource())],
    ['InvalidSpec', {}, () => resource({ spec: { size: 0 } })],
    ['Conflict', { older: 'shop/w0' }, () => resource()],
    ['paused', {}, () => resource({ annotations: { [ANNOTATIONS.paused]: 'true' } })],
    ['waiting', { waitsFor: 'shelf shop/s1 to be Ready' }, () => resource()],
    ['observed, matching', {}, (t) => (t.cloud.seed(MATCHING), resource({ spec: { managementPolicy: 'Observe' } }))],
    ['observed, drifted', {}, (t) => (t.cloud.seed({ ...MATCHING, size: 9 }), resource({ spec: { managementPolicy: 'Observe' } }))],
    ['observed, not found', {}, () => resource({ spec: { managementPolicy: 'Observe' } })],
  ];
  it.each(resting)('at rest (%s): later reconciles make zero AWS writes, zero status writes, no Event', async (_name, world, given) => {
    const t = harness(world);
    await t.reconcile(given(t));
    const first = t.ended[0]!;
    const status = clone(t.stored.status);
    for (const trigger of ['poll', 'change'] as const) {
      t.reset();
      t.advance(5 * 60_000);
      expect(await t.again(trigger)).toEqual(first.result);
      expect(t.cloud.writes()).toEqual([]);
      expect(t.statuses).toEqual([]);
      expect(t.finalizerWrites).toEqual([]);
      expect(t.events).toEqual([]);
      // No write: the stored status still tells how it ended (an unchanged Stalled stays Stalled).
      expect(t.ended).toMatchObject([{ result: first.result, stalled: first.stalled }]);
    }
    expect(t.stored.status).toEqual(status);
  });

  it.each<[string, Partial<World>, Partial<WidgetSpec>, (t: Harness) => void]>([
    ['InvalidSpec, the spec fixed', {}, { size: 0 }, () => {}],
    ['Conflict, the older resource gone', { older: 'shop/w0' }, {}, (t) => void (t.world.older = undefined)],
    ['waiting, the dependency Ready', { waitsFor: 'shelf shop/s1 to be Ready' }, {}, (t) => void (t.world.waitsFor = undefined)],
  ])('recovers: %s; Ready, Stalled and Reconciling gone, one create', async (_name, world, spec, fix) => {
    const t = harness(world);
    await t.reconcile(resource({ spec }));
    expect(t.cloud.writes()).toEqual([]);
    fix(t);
    t.reset();
    expect(
      await t.again('change', (o) => {
        o.spec = { ...SPEC };
        bump(o);
      }),
    ).toEqual(POLL);
    expect(t.cloud.writes()).toEqual([`CreateWidget ${HERE}`]);
    expect(t.conds()).toEqual(READY);
    expect(t.stored.status?.observedGeneration).toBe(2);
    expect(t.ended).toMatchObject([{ stalled: false }]);
  });

  it('a crash between the create and its status write: the next reconcile knows the widget by its owner tag, creates nothing', async () => {
    const t = harness();
    const lost = new Error('connection reset');
    t.world.refuse = { status: (s) => (s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? lost : undefined) };
    await expect(t.reconcile(resource())).rejects.toBe(lost);
    expect(t.cloud.writes()).toEqual([`CreateWidget ${HERE}`]);
    expect(t.conds()).toEqual({ Ready: 'False Creating', Reconciling: 'True Progressing' });
    t.world.refuse = undefined;
    t.reset();
    expect(await t.again('change')).toEqual(POLL);
    expect(t.cloud.writes()).toEqual([]);
    expect(t.conds()).toEqual(READY);
    expect(t.stored.status).toMatchObject({ ownership: 'Created', widgetId: 'blue', account: ACCOUNT });
    expect(t.events).toEqual([]);
  });

  it('adopted, then the annotation removed: still its own (status), nothing written, deleted with it', async () => {
    const t = harness();
    t.cloud.seed(MATCHING);
    await t.reconcile(resource({ annotations: { [ANNOTATIONS.adopt]: 'true' } }));
    t.reset();
    await t.again('change', (o) => void (o.metadata.annotations = {}));
    expect(t.cloud.writes()).toEqual([]);
    expect(t.statuses).toEqual([]);
    expect(t.events).toEqual([]);
    await t.again('change', deleting);
    expect(t.cloud.writes()).toEqual([`DeleteWidget ${HERE}`]);
    expect(t.finalizerWrites).toEqual([[]]);
  });

  it('Retain, then Delete: the finalizer goes on at the next reconcile, AWS untouched', async () => {
    const t = harness();
    await t.settle({ spec: { deletionPolicy: 'Retain' } });
    expect(t.stored.metadata.finalizers).toBeUndefined();
    await t.again('change', (o) => {
      o.spec.deletionPolicy = 'Delete';
      bump(o);
    });
    expect(t.finalizerWrites).toEqual([[FINALIZER]]);
    expect(t.cloud.writes()).toEqual([]);
  });

  it('a change reads AWS directly and first; a poll may read a snapshot taken after its previous look', async () => {
    const t = harness();
    await t.reconcile(resource());
    t.advance(60_000);
    await t.again('poll');
    expect(t.cloud.contexts).toEqual([
      { account: ACCOUNT, prio: 'high', fromSnapshot: false, snapshotAfter: undefined },
      { account: ACCOUNT, prio: 'low', fromSnapshot: true, snapshotAfter: T0 },
    ]);
    expect(t.reconciler.trackedKeys()).toBe(1);
    t.reconciler.forget('shop/w1');
    expect(t.reconciler.trackedKeys()).toBe(0);
  });

  it("Ready's lastTransitionTime never moves back: an update ends Ready later than it went Ready=False", async () => {
    const t = harness({ tickMs: 1000 });
    await t.settle();
    const settled = t.cond('Ready')!.lastTransitionTime;
    const synced = t.cond('Synced')!.lastTransitionTime;
    t.advance(60_000);
    await t.again('change', (o) => {
      o.spec.size = 2;
      bump(o);
    });
    const [progress, done] = t.statuses.map((s) => s.conditions!.find((c) => c.type === 'Ready')!);
    expect(progress).toMatchObject({ status: 'False', reason: 'Updating' });
    expect(done).toMatchObject({ status: 'True', reason: 'Available' });
    expect(Date.parse(progress!.lastTransitionTime!)).toBeGreaterThan(Date.parse(settled!));
    expect(Date.parse(done!.lastTransitionTime!)).toBeGreaterThan(Date.parse(progress!.lastTransitionTime!));
    // Synced stayed True throughout: its transition time stays where it was.
    expect(t.cond('Synced')!.lastTransitionTime).toBe(synced);
  });

  it('a requested reconcile counts as handled when it ends, not in the in-progress write', async () => {
    const t = harness();
    await t.settle();
    await t.again('change', (o) => {
      o.metadata.annotations = { [ANNOTATIONS.reconcileRequestedAt]: 'r1' };
      o.spec.size = 2;
      bump(o);
    });
    expect(t.statuses.map((s) => s.lastHandledReconcileAt)).toEqual([undefined, 'r1']);
    t.reset();
    // Asked again with nothing to do: one status write, no AWS write.
    await t.again('change', (o) => void (o.metadata.annotations = { [ANNOTATIONS.reconcileRequestedAt]: 'r2' }));
    expect(t.cloud.writes()).toEqual([]);
    expect(t.statuses.map((s) => s.lastHandledReconcileAt)).toEqual(['r2']);
  });

  it('a mistyped annotation is said on a change (Warning InvalidAnnotation), not on every poll, and does not pause', async () => {
    const t = harness();
    const annotations = { [ANNOTATIONS.paused]: 'yes', [ANNOTATIONS.pollInterval]: 'soon' };
    await t.reconcile(resource({ annotations }));
    expect(t.eventLines()).toEqual(['Warning InvalidAnnotation', 'Warning InvalidAnnotation', 'Normal Created']);
    expect(t.events[0]!.note).toMatch(new RegExp(`^${ANNOTATIONS.paused}: must be "true" or "false"`));
    expect(t.events[1]!.note).toMatch(new RegExp(`^${ANNOTATIONS.pollInterval}: must be a duration`));
    expect(t.cloud.writes()).toEqual([`CreateWidget ${HERE}`]);
    t.reset();
    await t.again('poll');
    expect(t.events).toEqual([]);
  });

  it("the kind's spec warnings are Events on a change, not on a poll, and stop nothing", async () => {
    const t = harness();
    t.kind.warnings = [{ reason: 'ColorFades', message: 'spec.color: blue fades' }];
    await t.reconcile(resource());
    expect(t.events.filter((e) => e.type === 'Warning')).toMatchObject([{ reason: 'ColorFades', action: 'Reconcile', note: 'spec.color: blue fades' }]);
    expect(t.cloud.writes()).toEqual([`CreateWidget ${HERE}`]);
    t.reset();
    await t.again('poll');
    expect(t.events).toEqual([]);
  });

  it('a Kubernetes error (the finalizer write refused) is thrown for the controller to retry: nothing written to AWS, ended told it threw', async () => {
    const conflict = new Error('Operation cannot be fulfilled: the object has been modified');
    const t = harness({ refuse: { finalizers: conflict } });
    await expect(t.reconcile(resource())).rejects.toBe(conflict);
    expect(t.cloud.calls).toEqual([`GetCallerIdentity ${HERE}`]);
    expect(t.statuses).toEqual([]);
    expect(t.ended).toMatchObject([{ result: undefined, stalled: false }]);
  });

  it('an in-progress status write the API server refuses: thrown, and AWS is not written', async () => {
    const t = harness();
    await t.settle();
    t.world.refuse = { status: () => new Error('etcdserver: request timed out') };
    await expect(t.again('change', (o) => void (o.spec.size = 2))).rejects.toThrow('request timed out');
    expect(t.cloud.writes()).toEqual([]);
    expect(t.ended).toMatchObject([{ result: undefined, stalled: false }]);
  });
});

describe('ManagedReconciler: what `ended` is told', () => {
  // `stalled` labels the reconcile requeue_after_error in the metrics (runtime/metrics.ts): "failed in
  // a way a person must fix, retried after a fixed delay". A deletion that let the resource go ended
  // well, whatever its last status said.
  it.each<[string, (t: Harness) => Widget]>([
    ['refused (AlreadyExists), then deleted: Retained, the finalizer removed', (t) => (t.cloud.seed(MATCHING), resource())],
    ['Conflict, then deleted: kept, the finalizer removed', (t) => ((t.world.older = 'shop/w0'), resource({ finalizers: [FINALIZER] }))],
  ])('a Stalled resource whose deletion lets it go is not told stalled (%s)', async (_name, given) => {
    const t = harness();
    await t.reconcile(given(t));
    expect(t.cond('Stalled')?.status).toBe('True');
    t.reset();
    expect(await t.again('change', deleting)).toEqual({});
    expect(t.finalizerWrites).toEqual([[]]);
    expect(t.ended).toMatchObject([{ result: {}, stalled: false }]);
  });
});
