// The annotations people use to steer one resource, each taking effect at once: paused (hands off
// AWS, also on deletion), reconcile-requested-at (reconcile now, echoed in status) and poll-interval
// (this object's drift-check period). The controller's own poll interval is the default 10 min, so
// any AWS call seen here comes from an annotation, not from a routine poll.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../src/api/group.ts';
import { eventsFor } from './harness/events.ts';
import { controllerStack } from './harness/stack.ts';
import { condition } from './harness/resources.ts';
import { waitFor } from './support/index.ts';

const uri = (n: string) => `arn:aws:connect:us-east-1:123456789012:instance/cccccccc-bbbb-cccc-dddd-${n.padStart(12, '0')}`;

describe('controller: annotations', () => {
  const stack = controllerStack('ctl-annot', { domains: ['retail', 'fast', 'slow'] });

  it('paused: no AWS calls while paused, Synced=False Paused; unpausing applies what changed', async () => {
    await stack.res.create('paused', { domainName: 'retail', uri: uri('1'), objectTypeName: 'CTR' });
    await stack.res.waitReady('paused');

    await stack.res.annotate('paused', { [ANNOTATIONS.paused]: 'true' });
    const p = await stack.res.waitForCondition('paused', 'Synced', 'False', { reason: 'Paused' });
    expect(condition(p, 'Ready')).toMatchObject({ status: 'True' }); // it keeps what it last knew
    const mark = await stack.aws.mark();
    await stack.res.patchSpec('paused', { objectTypeName: 'CTR2' });
    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('1'), { ObjectTypeName: 'Console' });
    await sleep(3_000); // time at rest while paused is the thing measured
    expect(await stack.aws.operations(mark)).toEqual([]);

    await stack.res.annotate('paused', { [ANNOTATIONS.paused]: null });
    const ready = await stack.res.waitReady('paused');
    expect(ready.status?.observedGeneration).toBe(2);
    expect(await stack.aws.writes(mark)).toEqual(['PutIntegration']);
    expect((await stack.aws.integration('retail', uri('1')))?.ObjectTypeName).toBe('CTR2');
  });

  it('paused: deletion removes the finalizer and leaves AWS alone', async () => {
    await stack.res.annotate('paused', { [ANNOTATIONS.paused]: 'true' });
    await stack.res.waitForCondition('paused', 'Synced', 'False', { reason: 'Paused' });
    const mark = await stack.aws.mark();
    await stack.res.delete('paused');
    await stack.res.waitGone('paused');
    expect(await stack.aws.operations(mark)).toEqual([]);
    expect(await stack.aws.integration('retail', uri('1'))).toBeDefined();
  });

  it('reconcile-requested-at: reconciles now and echoes the value in status.lastHandledReconcileAt', async () => {
    await stack.res.create('requested', { domainName: 'retail', uri: uri('2'), objectTypeName: 'CTR' });
    await stack.res.waitReady('requested');
    // A change behind the operator's back, which a 10 min poll would find only much later.
    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('2'), { ObjectTypeName: 'Console' });
    const mark = await stack.aws.mark();
    const stamp = new Date().toISOString();
    await stack.res.annotate('requested', { [ANNOTATIONS.reconcileRequestedAt]: stamp });
    const obj = await waitFor(async () => {
      const o = await stack.res.get('requested');
      return o?.status?.lastHandledReconcileAt === stamp ? o : undefined;
    }, { what: `status.lastHandledReconcileAt = ${stamp}`, timeoutMs: 10_000 });
    expect(condition(obj, 'Ready')).toMatchObject({ status: 'True' });
    // It read AWS fresh (a request, not a cached poll snapshot) and corrected the change.
    const ops = await stack.aws.operations(mark);
    expect(ops[0]).toBe('GetIntegration');
    expect(ops.filter((o) => o === 'PutIntegration')).toHaveLength(1);
    expect((await stack.aws.integration('retail', uri('2')))?.ObjectTypeName).toBe('CTR');
  });

  it('poll-interval: sets this object\'s drift-check period, at once', async () => {
    await stack.res.create('fast', { domainName: 'fast', uri: uri('3'), objectTypeName: 'CTR' });
    await stack.res.create('slow', { domainName: 'slow', uri: uri('4'), objectTypeName: 'CTR' });
    await stack.res.waitReady('fast');
    await stack.res.waitReady('slow');

    await stack.res.annotate('fast', { [ANNOTATIONS.pollInterval]: '1s' });
    const mark = await stack.aws.mark();
    await stack.emulator.admin.putIntegrationOutOfBand('fast', uri('3'), { ObjectTypeName: 'Console' });
    await stack.emulator.admin.putIntegrationOutOfBand('slow', uri('4'), { ObjectTypeName: 'Console' });
    await waitFor(async () => (await stack.aws.integration('fast', uri('3')))?.ObjectTypeName === 'CTR', {
      what: 'the 1s-polled integration corrected',
      timeoutMs: 6_000,
    });
    await sleep(3_000); // a window of polls: reads of one domain, none of the other
    const reads = (await stack.aws.since(mark)).filter((e) => e.operation === 'ListIntegrations' || e.operation === 'GetIntegration');
    const inDomain = (d: string) => reads.filter((e) => e.path.startsWith(`/domains/${d}/`)).length;
    expect(inDomain('fast')).toBeGreaterThanOrEqual(3);
    expect(inDomain('slow')).toBe(0);
    expect((await stack.aws.integration('slow', uri('4')))?.ObjectTypeName).toBe('Console'); // not polled yet
  });

  it('warns about an annotation it cannot understand instead of ignoring it silently', async () => {
    await stack.res.annotate('slow', { [ANNOTATIONS.pollInterval]: '5 minutes', [ANNOTATIONS.paused]: 'yes' });
    const warnings = await waitFor(async () => {
      const e = (await eventsFor(stack.res.namespace, 'slow')).filter((x) => x.reason === 'InvalidAnnotation');
      return e.length === 2 ? e : undefined;
    }, { what: 'two InvalidAnnotation events for slow' });
    expect(warnings.every((w) => w.type === 'Warning')).toBe(true);
    expect(warnings.some((w) => w.note.includes('"5 minutes"'))).toBe(true);
    expect(warnings.some((w) => w.note.includes('"yes"'))).toBe(true);
    // Not paused: the reconcile it triggered corrected the drift left in the "slow" domain.
    await waitFor(async () => (await stack.aws.integration('slow', uri('4')))?.ObjectTypeName === 'CTR', { what: 'slow corrected' });
  });
});
