// Failures AWS answers with: a missing domain (retried until it exists) and a request AWS refuses
// (Stalled InvalidSpec with AWS's own message, and no retry loop until a person changes the spec).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { controllerStack } from './harness/stack.ts';
import { condition } from './harness/resources.ts';

const uri = (n: string) => `arn:aws:connect:us-east-1:123456789012:instance/bbbbbbbb-bbbb-cccc-dddd-${n.padStart(12, '0')}`;

describe('controller: AWS errors', () => {
  // A domain holds at most 2 integrations here, so AWS itself refuses a third (BadRequestException).
  const stack = controllerStack('ctl-errors', { domains: [], emulatorArgs: ['--max-integrations-per-domain', '2'] });

  it('reports DomainNotFound while the domain is missing, then Ready once it exists', async () => {
    const mark = await stack.aws.mark();
    await stack.res.create('early', { domainName: 'later', uri: uri('1'), objectTypeName: 'CTR' });
    const waiting = await stack.res.waitForCondition('early', 'Synced', 'False', { reason: 'DomainNotFound' });
    expect(condition(waiting, 'Ready')).toMatchObject({ status: 'False', reason: 'Creating' });
    expect(condition(waiting, 'Reconciling')).toMatchObject({ status: 'True' });
    expect(condition(waiting, 'Stalled')).toBeUndefined(); // retried: a domain may appear any time
    expect((await stack.aws.since(mark, 'PutIntegration')).map((e) => e.errorType)).toContain('ResourceNotFoundException');

    await stack.emulator.admin.createDomain('later');
    const ready = await stack.res.waitReady('early', 20_000);
    expect(condition(ready, 'Synced')).toMatchObject({ status: 'True' });
    expect(ready.status?.uri).toBe(uri('1'));
    expect((await stack.aws.integration('later', uri('1')))?.ObjectTypeName).toBe('CTR');
  });

  it('stalls with InvalidSpec and AWS\'s message on BadRequestException, without a retry loop', async () => {
    await stack.emulator.admin.createDomain('full');
    await stack.emulator.admin.putIntegrationOutOfBand('full', uri('90'), { ObjectTypeName: 'CTR' });
    await stack.emulator.admin.putIntegrationOutOfBand('full', uri('91'), { ObjectTypeName: 'CTR' });
    const mark = await stack.aws.mark();

    await stack.res.create('refused', { domainName: 'full', uri: uri('2'), objectTypeName: 'CTR' });
    const stalled = await stack.res.waitForCondition('refused', 'Stalled', 'True', { reason: 'InvalidSpec' });
    const message = 'The maximum number of integrations (2) for domain full has been reached.';
    expect(condition(stalled, 'Stalled')!.message).toContain(message);
    expect(condition(stalled, 'Synced')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(condition(stalled, 'Ready')).toMatchObject({ status: 'False' });
    expect(condition(stalled, 'Reconciling')).toBeUndefined();
    expect(stalled.status?.observedGeneration).toBe(1);

    // Time at rest is the thing measured: a stalled resource must not call AWS again by itself.
    await sleep(4_000);
    const puts = await stack.aws.since(mark, 'PutIntegration');
    expect(puts.map((e) => [e.status, e.errorType])).toEqual([[400, 'BadRequestException']]);
    const rv = (await stack.res.get('refused'))!.metadata.resourceVersion;
    expect(rv).toBe(stalled.metadata.resourceVersion); // and writes no status either

    // A person makes room and touches the spec: the next generation goes through.
    await stack.emulator.admin.deleteIntegrationOutOfBand('full', uri('91'));
    await stack.res.patchSpec('refused', { objectTypeName: 'CTR2' });
    const ready = await stack.res.waitReady('refused');
    expect(condition(ready, 'Stalled')).toBeUndefined();
    expect(ready.status?.observedGeneration).toBe(2);
    expect((await stack.aws.since(mark, 'PutIntegration')).map((e) => e.status)).toEqual([400, 200]);
  });

  it('stalls with AccessDenied (IAM must change), then recovers on the next spec change', async () => {
    await stack.emulator.admin.createDomain('guarded');
    await stack.emulator.admin.failNext('PutIntegration', 1, 'AccessDeniedException');
    const mark = await stack.aws.mark();
    await stack.res.create('denied', { domainName: 'guarded', uri: uri('3'), objectTypeName: 'CTR' });
    const stalled = await stack.res.waitForCondition('denied', 'Stalled', 'True', { reason: 'AccessDenied' });
    expect(condition(stalled, 'Synced')).toMatchObject({ status: 'False', reason: 'AccessDenied' });
    expect((await stack.aws.since(mark, 'PutIntegration')).map((e) => e.status)).toEqual([403]);
    await stack.res.patchSpec('denied', { objectTypeName: 'CTR2' });
    await stack.res.waitReady('denied');
    expect((await stack.aws.since(mark, 'PutIntegration')).map((e) => e.status)).toEqual([403, 200]);
  });
});
