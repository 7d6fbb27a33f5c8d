// Events as a person sees them with `kubectl events --for`: one Normal event for every AWS write
// (Created, Updated, Tagged, Deleted) and a Warning for every failure, from our controller.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPORTING_CONTROLLER } from '../../src/api/group.ts';
import { AwsView } from './harness/aws-view.ts';
import { eventsFor, kubectlEventsFor } from './harness/events.ts';
import { startController, startEmulator, type Emulator, type Proc } from './harness/processes.ts';
import { Resources } from './harness/resources.ts';
import { freshNamespace, waitFor } from './support/index.ts';

const URI = 'arn:aws:connect:us-east-1:123456789012:instance/eeeeeeee-bbbb-cccc-dddd-000000000001';

describe('controller: events', () => {
  let emulator: Emulator;
  let controller: Proc;
  let res: Resources;
  let aws: AwsView;
  let ns: string;

  beforeAll(async () => {
    ns = await freshNamespace('ctl-events');
    res = new Resources(ns);
    emulator = await startEmulator();
    aws = new AwsView(emulator.admin);
    await emulator.admin.createDomain('retail');
    controller = await startController({ kubeconfig: inject('e2e').controllerKubeconfig, emulator, namespace: ns });
  });
  afterAll(async () => {
    await controller?.stop();
    await emulator?.stop();
  });

  it('records Created, Updated, Tagged, a Warning for a failure, and Deleted', async () => {
    const mark = await aws.mark();
    await res.create('evented', { domainName: 'retail', uri: URI, objectTypeName: 'CTR', tags: { team: 'crm' } });
    await res.waitReady('evented');

    // The next PutIntegration fails once (a 500): a Warning, then the retry succeeds.
    await emulator.admin.failNext('PutIntegration', 1, 'InternalServerException');
    await res.patchSpec('evented', { objectTypeName: 'CTR2' });
    await res.waitReady('evented');
    await res.patchSpec('evented', { tags: { team: 'sales' } });
    await res.waitReady('evented');
    await res.delete('evented');
    await res.waitGone('evented');
    expect(await aws.okWrites(mark)).toEqual(['PutIntegration', 'PutIntegration', 'TagResource', 'DeleteIntegration']);

    const wanted = ['Created', 'AWSUnavailable', 'Updated', 'Tagged', 'Deleted'];
    const shown = await waitFor(async () => {
      const e = await kubectlEventsFor(ns, 'evented');
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

    const api = await eventsFor(ns, 'evented');
    expect(new Set(api.map((e) => e.reportingController))).toEqual(new Set([REPORTING_CONTROLLER]));
    expect(api.find((e) => e.reason === 'Created')?.action).toBe('PutIntegration');
    expect(api.find((e) => e.reason === 'Deleted')?.action).toBe('DeleteIntegration');
  });
});
