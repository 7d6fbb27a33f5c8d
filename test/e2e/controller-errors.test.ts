// Failures AWS answers with: a missing domain (retried until it exists) and a request AWS refuses
// (Stalled InvalidSpec with AWS's own message, and no retry loop until a person changes the spec).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AwsView } from './harness/aws-view.ts';
import { startController, startEmulator, type Emulator, type Proc } from './harness/processes.ts';
import { Resources, condition } from './harness/resources.ts';
import { freshNamespace } from './support/index.ts';

const uri = (n: string) => `arn:aws:connect:us-east-1:123456789012:instance/bbbbbbbb-bbbb-cccc-dddd-${n.padStart(12, '0')}`;

describe('controller: AWS errors', () => {
  let emulator: Emulator;
  let controller: Proc;
  let res: Resources;
  let aws: AwsView;

  beforeAll(async () => {
    const ns = await freshNamespace('ctl-errors');
    res = new Resources(ns);
    // A domain holds at most 2 integrations here, so AWS itself refuses a third (BadRequestException).
    emulator = await startEmulator(['--max-integrations-per-domain', '2']);
    aws = new AwsView(emulator.admin);
    controller = await startController({ kubeconfig: inject('e2e').controllerKubeconfig, emulator, namespace: ns });
  });
  afterAll(async () => {
    await controller?.stop();
    await emulator?.stop();
  });

  it('reports DomainNotFound while the domain is missing, then Ready once it exists', async () => {
    const mark = await aws.mark();
    await res.create('early', { domainName: 'later', uri: uri('1'), objectTypeName: 'CTR' });
    const waiting = await res.waitForCondition('early', 'Synced', 'False', { reason: 'DomainNotFound' });
    expect(condition(waiting, 'Ready')).toMatchObject({ status: 'False', reason: 'Creating' });
    expect(condition(waiting, 'Reconciling')).toMatchObject({ status: 'True' });
    expect(condition(waiting, 'Stalled')).toBeUndefined(); // retried: a domain may appear any time
    expect((await aws.since(mark, 'PutIntegration')).map((e) => e.errorType)).toContain('ResourceNotFoundException');

    await emulator.admin.createDomain('later');
    const ready = await res.waitReady('early', 20_000);
    expect(condition(ready, 'Synced')).toMatchObject({ status: 'True' });
    expect(ready.status?.uri).toBe(uri('1'));
    expect((await aws.integration('later', uri('1')))?.ObjectTypeName).toBe('CTR');
  });

  it('stalls with InvalidSpec and AWS\'s message on BadRequestException, without a retry loop', async () => {
    await emulator.admin.createDomain('full');
    await emulator.admin.putIntegrationOutOfBand('full', uri('90'), { ObjectTypeName: 'CTR' });
    await emulator.admin.putIntegrationOutOfBand('full', uri('91'), { ObjectTypeName: 'CTR' });
    const mark = await aws.mark();

    await res.create('refused', { domainName: 'full', uri: uri('2'), objectTypeName: 'CTR' });
    const stalled = await res.waitForCondition('refused', 'Stalled', 'True', { reason: 'InvalidSpec' });
    const message = 'The maximum number of integrations (2) for domain full has been reached.';
    expect(condition(stalled, 'Stalled')!.message).toContain(message);
    expect(condition(stalled, 'Synced')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(condition(stalled, 'Ready')).toMatchObject({ status: 'False' });
    expect(condition(stalled, 'Reconciling')).toBeUndefined();
    expect(stalled.status?.observedGeneration).toBe(1);

    // Time at rest is the thing measured: a stalled resource must not call AWS again by itself.
    await sleep(4_000);
    const puts = await aws.since(mark, 'PutIntegration');
    expect(puts.map((e) => [e.status, e.errorType])).toEqual([[400, 'BadRequestException']]);
    const rv = (await res.get('refused'))!.metadata.resourceVersion;
    expect(rv).toBe(stalled.metadata.resourceVersion); // and writes no status either

    // A person makes room and touches the spec: the next generation goes through.
    await emulator.admin.deleteIntegrationOutOfBand('full', uri('91'));
    await res.patchSpec('refused', { objectTypeName: 'CTR2' });
    const ready = await res.waitReady('refused');
    expect(condition(ready, 'Stalled')).toBeUndefined();
    expect(ready.status?.observedGeneration).toBe(2);
    expect((await aws.since(mark, 'PutIntegration')).map((e) => e.status)).toEqual([400, 200]);
  });

  it('stalls with AccessDenied (IAM must change), then recovers on the next spec change', async () => {
    await emulator.admin.createDomain('guarded');
    await emulator.admin.failNext('PutIntegration', 1, 'AccessDeniedException');
    const mark = await aws.mark();
    await res.create('denied', { domainName: 'guarded', uri: uri('3'), objectTypeName: 'CTR' });
    const stalled = await res.waitForCondition('denied', 'Stalled', 'True', { reason: 'AccessDenied' });
    expect(condition(stalled, 'Synced')).toMatchObject({ status: 'False', reason: 'AccessDenied' });
    expect((await aws.since(mark, 'PutIntegration')).map((e) => e.status)).toEqual([403]);
    await res.patchSpec('denied', { objectTypeName: 'CTR2' });
    await res.waitReady('denied');
    expect((await aws.since(mark, 'PutIntegration')).map((e) => e.status)).toEqual([403, 200]);
  });
});
