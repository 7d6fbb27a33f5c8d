// SIGKILL of the controller in the middle of creating and deleting resources, then a restart:
// every deleted resource's integration is gone (no lost delete), every new resource is Ready, and
// AWS holds exactly the integrations the cluster declares (none twice, none orphaned). New ones are
// flow-based, so a Put whose answer died with the process must be found again by listing the domain.
import { describe, expect, it } from 'vitest';
import type { IntegrationSpec } from '../../src/api/types.ts';
import { startCapture, type CapturedRequest } from './harness/capture.ts';
import { condition } from './harness/resources.ts';
import { controllerStack } from './harness/stack.ts';
import { waitFor } from './support/index.ts';

const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const connectUri = (i: number) => `arn:aws:connect:us-east-1:123456789012:instance/abababab-bbbb-cccc-dddd-${String(i).padStart(12, '0')}`;
const flowUri = (i: number) => `arn:aws:appflow:us-east-1:123456789012:flow/kill-flow-${i}`;
const flowSpec = (i: number): IntegrationSpec => ({
  domainName: 'retail',
  objectTypeName: 'CustomerCsv',
  flowDefinition: {
    flowName: `kill-flow-${i}`,
    kmsArn: KMS,
    sourceFlowConfig: { connectorType: 'S3', sourceConnectorProperties: { s3: { bucketName: 'crm-export', bucketPrefix: `part-${i}/` } } },
    tasks: [{ taskType: 'Filter', sourceFields: ['id'], connectorOperator: { s3: 'PROJECTION' } }],
    triggerConfig: { triggerType: 'OnDemand' },
  },
});

type Matcher = (r: CapturedRequest) => boolean;
const isFlowPut: Matcher = (r) => r.method === 'PUT' && /^\/domains\/retail\/integrations$/.test(r.path) && r.body.includes('"FlowDefinition"');
const isDelete: Matcher = (r) => r.method === 'POST' && r.path === '/domains/retail/integrations/delete';

describe('controller: SIGKILL mid-run and restart', () => {
  // The controller reaches AWS through a proxy that can kill it while one of its writes is on the
  // wire, then deliver that write: AWS applies it, the controller never hears the answer.
  let killWhen: { match: Matcher; seen: number; at: number; done?: (r: CapturedRequest) => void } | undefined;
  const stack = controllerStack('ctl-kill', {
    emulatorArgs: ['--quota', 'PutIntegration=4', '--quota', 'DeleteIntegration=4'],
    controllerArgs: ['--put-tps', '4', '--log-level', 'info'],
    async beforeController(s) {
      const proxy = await startCapture({
        target: s.emulator.url,
        onRequest: async (r) => {
          const k = killWhen;
          if (!k || !k.match(r) || ++k.seen < k.at) return;
          killWhen = undefined;
          expect(await s.controller.kill()).toBe('SIGKILL');
          k.done!(r);
        },
      });
      s.defer(() => proxy.stop());
      return { AWS_ENDPOINT_URL_CUSTOMER_PROFILES: proxy.url };
    },
  });

  /** Resolves (with that write) once the controller was SIGKILLed while the `at`-th matching write was in flight. */
  const killOnWrite = (match: Matcher, at: number) =>
    new Promise<CapturedRequest>((resolve) => (killWhen = { match, seen: 0, at, done: resolve }));

  const allReady = async (names: string[]) => {
    const items = new Map((await stack.res.list()).map((o) => [o.metadata.name, o]));
    return names.every((n) => {
      const c = condition(items.get(n), 'Ready');
      return c?.status === 'True' && c.observedGeneration === items.get(n)!.metadata.generation;
    });
  };

  it('loses no delete and duplicates no integration', async () => {
    const old = Array.from({ length: 16 }, (_, i) => `old-${i}`);
    await Promise.all(old.map((name, i) => stack.res.create(name, { domainName: 'retail', uri: connectUri(i), objectTypeName: 'CTR' })));
    await waitFor(() => allReady(old), { what: '16 resources Ready before the kill', timeoutMs: 30_000 });

    // Work in flight: 12 new flow resources and 4 deletions, all at once. The first kill lands
    // while the 2nd flow PutIntegration is on the wire.
    const mark = await stack.aws.mark();
    const fresh = Array.from({ length: 12 }, (_, i) => `new-${i}`);
    const doomed = old.slice(0, 8);
    const firstKill = killOnWrite(isFlowPut, 2);
    await Promise.all([...fresh.map((name, i) => stack.res.create(name, flowSpec(i))), ...doomed.slice(0, 4).map((name) => stack.res.delete(name))]);
    const putInFlight = JSON.parse((await firstKill).body) as { FlowDefinition: { FlowName: string } };
    await waitFor(async () => stack.aws.flow(putInFlight.FlowDefinition.FlowName), { what: 'the in-flight flow PutIntegration to reach AWS' });

    // Restarted, with 4 more deletions asked for at once, it is killed again while its first
    // DeleteIntegration is on the wire (at least those 4 are still to come, so one surely is).
    const secondKill = killOnWrite(isDelete, 1);
    await stack.restartController();
    await Promise.all(doomed.slice(4).map((name) => stack.res.delete(name)));
    const inFlight = JSON.parse((await secondKill).body) as { Uri: string };
    const applied = await waitFor(async () => (await stack.aws.since(mark, 'DeleteIntegration')).find((e) => (e.body as { Uri: string }).Uri === inFlight.Uri), {
      what: `the in-flight DeleteIntegration of ${inFlight.Uri} to reach AWS`,
    });
    expect(applied.status).toBe(200); // AWS deleted it; the controller never heard so

    await stack.restartController();
    await waitFor(async () => (await allReady(fresh)) && (await stack.res.list()).length === old.length - doomed.length + fresh.length, {
      what: 'new resources Ready and deleted ones gone after the restarts',
      timeoutMs: 45_000,
    });

    // AWS holds exactly what the cluster declares: nothing deleted survived, nothing twice.
    const uris = (await stack.aws.integrations('retail')).map((i) => i.Uri).sort();
    const expected = [...old.slice(8).map((_, i) => connectUri(i + 8)), ...fresh.map((_, i) => flowUri(i))].sort();
    expect(uris).toEqual(expected);
    const items = new Map((await stack.res.list()).map((o) => [o.metadata.name, o]));
    for (const [i, name] of fresh.entries()) expect(items.get(name)!.status?.uri).toBe(flowUri(i));
    for (const i of fresh.keys()) expect(await stack.aws.flow(`kill-flow-${i}`)).toMatchObject({ Uri: flowUri(i) });
    // Every doomed integration was deleted; the one whose answer was lost was asked again and
    // found already gone (404), which counts as done.
    const deletes = await stack.aws.since(mark, 'DeleteIntegration');
    const deleted = deletes.filter((e) => e.status === 200).map((e) => (e.body as { Uri: string }).Uri);
    expect(deleted.sort()).toEqual(doomed.map((_, i) => connectUri(i)).sort());
    expect(deletes.filter((e) => e.status !== 200).every((e) => e.status === 404)).toBe(true);
  }, 120_000);
});
