// Correct whichever way AWS answers (issue I): the lifecycle of a flow-based resource under each of
// the emulator's answers to the API's open points (docs/aws-behaviour.md), alone and all at once.
// Each step must converge or end in a named condition, with a bound on PutIntegration calls counted
// on the emulator's request log. The table printed at the end is the closing note's.
import { afterAll, describe, expect, it } from 'vitest';
import type { IntegrationSpec } from '../../src/api/types.ts';
import { defaultSemantics, SWITCH_NAMES, SWITCHES, type Semantics } from '../../src/emulator/semantics.ts';
import type { RequestLogEntry } from '../../src/emulator/request-log.ts';
import { condition } from './harness/resources.ts';
import { controllerStack } from './harness/stack.ts';
import { waitFor } from './support/index.ts';

// Each switch's other answer: the inconvenient one (the first is the default).
const INCONVENIENT = Object.fromEntries(SWITCH_NAMES.map((n) => [n, SWITCHES[n][1]])) as Semantics;
const DEFAULTS = defaultSemantics();
const CONFIGS: Array<[string, Partial<Semantics>]> = [
  ['defaults', {}],
  ...Object.entries(INCONVENIENT).map(([k, v]) => [`${k}=${v}`, { [k]: v }] as [string, Partial<Semantics>]),
  ['all inconvenient', INCONVENIENT],
];

const spec = (flowName: string, o: { description?: string } = {}): IntegrationSpec => ({
  domainName: 'retail',
  objectTypeName: 'CustomerCsv',
  eventTriggerNames: ['trigger-1'],
  tags: { team: 'crm' },
  flowDefinition: {
    flowName,
    description: o.description ?? 'customers from S3',
    kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    sourceFlowConfig: { connectorType: 'S3', sourceConnectorProperties: { s3: { bucketName: 'crm-export' } } },
    tasks: [{ taskType: 'Filter', sourceFields: ['id'], connectorOperator: { s3: 'PROJECTION' } }],
    // A start time already past: AWS may refuse it on a re-send (past-start-time=reject).
    triggerConfig: { triggerType: 'Scheduled', triggerProperties: { scheduled: { scheduleExpression: 'rate(1hours)', scheduleStartTime: '2026-12-01T00:00:00Z' } } },
  },
});

const outcomes: Array<Record<string, string>> = [];

describe('controller: correct whichever way AWS answers', () => {
  const stack = controllerStack('ctl-sem', { controllerArgs: ['--poll-interval', '2s'] });
  afterAll(() => {
    if (outcomes.length === 0) return;
    const steps = Object.keys(outcomes[0]!).filter((k) => k !== 'mode');
    const lines = [`| mode | ${steps.join(' | ')} |`, `|---|${steps.map(() => '---').join('|')}|`, ...outcomes.map((o) => `| ${o.mode} | ${steps.map((s) => o[s]).join(' | ')} |`)];
    process.stderr.write(`\n[aws-semantics] mode x lifecycle step -> outcome (PutIntegration calls)\n${lines.join('\n')}\n`);
  });

  it.each(CONFIGS)('%s: create, edit, flow edit, tags, drift, omitted member, delete, re-create', async (mode, changes) => {
    const s: Semantics = { ...DEFAULTS, ...changes };
    await stack.emulator.admin.setSemantics(s);
    await stack.emulator.admin.createObjectTypes('retail', ['CustomerCsv', 'CustomerCsv2']);
    const name = `f-${mode.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 50);
    const flowName = `sem-${name}`;
    const out: Record<string, string> = { mode };
    let flowUri = '';
    const puts = async (seq: number): Promise<RequestLogEntry[]> =>
      (await stack.aws.since(seq, 'PutIntegration')).filter((e) => {
        const b = e.body as { Uri?: string; FlowDefinition?: { FlowName?: string } };
        return b.FlowDefinition?.FlowName === flowName || (flowUri !== '' && b.Uri === flowUri);
      });
    const readyAt = (gen: number) =>
      waitFor(async () => {
        const o = await stack.res.get(name);
        const r = condition(o, 'Ready');
        return o && r?.status === 'True' && r.observedGeneration === gen && o.metadata.generation === gen ? o : undefined;
      }, { what: `${name} Ready at generation ${gen}` });
    const polls = async (seq: number, n: number) =>
      waitFor(async () => (await stack.aws.since(seq, 'ListIntegrations')).length >= n, { what: `${n} drift checks`, timeoutMs: 30_000 });

    // 1. create
    let mark = await stack.aws.mark();
    await stack.res.create(name, spec(flowName));
    let obj = await readyAt(1);
    flowUri = obj.status!.uri!;
    expect(await puts(mark)).toHaveLength(1);
    if (s['workflow-id'] === 'never') expect(obj.status!.workflowId).toBeUndefined();
    out.create = 'Ready (1)';

    // 2. a non-flow field: one Put, without FlowDefinition
    mark = await stack.aws.mark();
    obj = await stack.res.patchSpec(name, { objectTypeName: 'CustomerCsv2' });
    await readyAt(obj.metadata.generation!);
    const edit = await puts(mark);
    expect(edit).toHaveLength(1);
    expect((edit[0]!.body as { FlowDefinition?: unknown }).FlowDefinition).toBeUndefined();
    out['edit field'] = 'Ready (1)';

    // 3. the flow: re-sent once; where AWS refuses it, Stalled FlowImmutable, and reverting recovers
    mark = await stack.aws.mark();
    obj = await stack.res.patchSpec(name, { flowDefinition: { description: 'customers from S3, v2' } });
    if (s['flow-resend'] === 'reject') {
      const stalled = await stack.res.waitForCondition(name, 'Stalled', 'True', { reason: 'FlowImmutable' });
      expect(condition(stalled, 'Stalled')!.message).toContain('recreate the integration');
      expect(await puts(mark)).toHaveLength(1);
      const m2 = await stack.aws.mark();
      obj = await stack.res.patchSpec(name, { flowDefinition: { description: 'customers from S3' } });
      await readyAt(obj.metadata.generation!);
      expect(await puts(m2)).toHaveLength(0);
      out['edit flow'] = 'Stalled FlowImmutable (1); revert: Ready (0)';
    } else {
      await readyAt(obj.metadata.generation!);
      const flowPuts = await puts(mark);
      expect(flowPuts).toHaveLength(1);
      expect((flowPuts[0]!.body as { FlowDefinition?: { Description?: string } }).FlowDefinition?.Description).toBe('customers from S3, v2');
      out['edit flow'] = 'Ready (1)';
    }

    // 4. tags: tag calls only
    mark = await stack.aws.mark();
    obj = await stack.res.patchSpec(name, { tags: { team: 'sales' } });
    await readyAt(obj.metadata.generation!);
    expect(await puts(mark)).toHaveLength(0);
    expect(await stack.aws.writes(mark)).toEqual(['TagResource']);
    out['edit tags'] = 'Ready (0)';

    // 5. out-of-band drift: one correcting Put, then at rest over three more polls (no loop on bumps)
    mark = await stack.aws.mark();
    await stack.emulator.admin.putIntegrationOutOfBand('retail', flowUri, { ObjectTypeName: 'CustomerCsv' });
    await waitFor(async () => (await stack.aws.integration('retail', flowUri))?.ObjectTypeName === 'CustomerCsv2', { what: 'the drift corrected', timeoutMs: 20_000 });
    const afterFix = await stack.aws.mark();
    await polls(afterFix, 3);
    expect(await puts(mark)).toHaveLength(1);
    expect(condition(await stack.res.get(name), 'Ready')).toMatchObject({ status: 'True' });
    out.drift = 'Ready (1)';

    // 6. an optional member removed from the spec: where AWS keeps it, NotConverged (never Ready, bounded Puts)
    mark = await stack.aws.mark();
    obj = await stack.res.patchSpec(name, { eventTriggerNames: null });
    if (s['put-omitted'] === 'merge') {
      const nc = await stack.res.waitForCondition(name, 'Ready', 'False', { reason: 'NotConverged' });
      expect(condition(nc, 'Ready')!.message).toContain('eventTriggerNames');
      // A 10 s window: retries back off (1 s, 2 s, 4 s ...); a Put at every 2 s poll would be 5 or more.
      const m2 = await stack.aws.mark();
      const t0 = Date.now();
      await waitFor(async () => Date.now() - t0 >= 10_000, { what: 'a 10 s observation window', timeoutMs: 15_000 });
      expect((await puts(m2)).length).toBeLessThanOrEqual(4);
      expect(condition(await stack.res.get(name), 'Ready')).toMatchObject({ status: 'False', reason: 'NotConverged' });
      const m3 = await stack.aws.mark();
      obj = await stack.res.patchSpec(name, { eventTriggerNames: ['trigger-1'] });
      await readyAt(obj.metadata.generation!);
      out['remove member'] = `NotConverged (${(await puts(mark)).length - (await puts(m3)).length}); restore: Ready (${(await puts(m3)).length})`;
    } else {
      await readyAt(obj.metadata.generation!);
      expect(await puts(mark)).toHaveLength(1);
      expect((await stack.aws.integration('retail', flowUri))?.EventTriggerNames ?? []).toEqual([]);
      out['remove member'] = 'Ready (1)';
    }

    // 7. delete: the integration and its flow go (a flow AWS leaves behind is deleted through AppFlow)
    mark = await stack.aws.mark();
    await stack.res.delete(name);
    await stack.res.waitGone(name);
    expect(await stack.aws.integration('retail', flowUri)).toBeUndefined();
    expect(await stack.aws.flow(flowName)).toBeUndefined();
    const deleteOps = (await stack.aws.operations(mark)).filter((o) => o === 'DeleteIntegration' || o === 'DeleteFlow');
    expect(deleteOps).toEqual(s['delete-flow'] === 'keep' ? ['DeleteIntegration', 'DeleteFlow'] : ['DeleteIntegration']);
    out.delete = `gone (${deleteOps.join(' + ')})`;

    // 8. re-create the same manifest
    mark = await stack.aws.mark();
    await stack.res.create(name, spec(flowName));
    obj = await readyAt(1);
    expect(await puts(mark)).toHaveLength(1);
    expect(obj.status!.ownership).toBe('Created');
    out['re-create'] = 'Ready (1)';
    outcomes.push(out);
    await stack.res.delete(name);
    await stack.res.waitGone(name);
  });
});
