// Events as a person sees them with `kubectl events --for`: one Normal event for every AWS write
// (Created, Updated, Tagged, Deleted) and a Warning for every failure, from our controller.
import { describe, expect, it } from 'vitest';
import { REPORTING_CONTROLLER } from '../../src/api/group.ts';
import { eventsFor, kubectlEventsFor } from './harness/events.ts';
import { controllerStack } from './harness/stack.ts';
import { waitFor } from './support/index.ts';

const URI = 'arn:aws:connect:us-east-1:123456789012:instance/eeeeeeee-bbbb-cccc-dddd-000000000001';

describe('controller: events', () => {
  const stack = controllerStack('ctl-events');

  it('records Created, Updated, Tagged, a Warning for a failure, and Deleted', async () => {
    const mark = await stack.aws.mark();
    await stack.res.create('evented', { domainName: 'retail', uri: URI, objectTypeName: 'CTR', tags: { team: 'crm' } });
    await stack.res.waitReady('evented');

    // The next PutIntegration fails once (a 500): a Warning, then the retry succeeds.
    await stack.emulator.admin.failNext('PutIntegration', 1, 'InternalServerException');
    await stack.res.patchSpec('evented', { objectTypeName: 'CTR2' });
    await stack.res.waitReady('evented');
    await stack.res.patchSpec('evented', { tags: { team: 'sales' } });
    await stack.res.waitReady('evented');
    await stack.res.delete('evented');
    await stack.res.waitGone('evented');
    expect(await stack.aws.okWrites(mark)).toEqual(['PutIntegration', 'PutIntegration', 'TagResource', 'DeleteIntegration']);

    const wanted = ['Created', 'AWSUnavailable', 'Updated', 'Tagged', 'Deleted'];
    const shown = await waitFor(async () => {
      const e = await kubectlEventsFor(stack.ns, 'evented');
      return wanted.every((r) => e.some((x) => x.reason === r)) ? e : undefined;
    }, { what: `kubectl events showing ${wanted.join(', ')}`, timeoutMs: 10_000 });
    const byReason = (r: string) => shown.filter((e) => e.reason === r);
    expect(byReason('Created')[0]).toMatchObject({ type: 'Normal' });
    expect(byReason('Created')[0]!.message).toContain(URI);
    expect(byReason('Updated')[0]!.message).toContain('objectTypeName');
    expect(byReason('Tagged')[0]!.message).toContain('team');
    expect(byReason('Deleted')[0]).toMatchObject({ type: 'Normal' });
    expect(byReason('AWSUnavailable')[0]).toMatchObject({ type: 'Warning' });
    expect(byReason('AWSUnavailable')[0]!.message).toContain('Injected fault');
    // One event per write: no duplicates of the single Created, Tagged and Deleted.
    for (const r of ['Created', 'Tagged', 'Deleted']) expect(byReason(r)).toHaveLength(1);

    const api = await eventsFor(stack.ns, 'evented');
    expect(new Set(api.map((e) => e.reportingController))).toEqual(new Set([REPORTING_CONTROLLER]));
    expect(api.find((e) => e.reason === 'Created')?.action).toBe('PutIntegration');
    expect(api.find((e) => e.reason === 'Deleted')?.action).toBe('DeleteIntegration');
  });
});
