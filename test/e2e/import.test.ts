// `cpi import` → `cpi validate` → `kubectl apply` → the controller adopts, against the real API
// server and the emulator: zero AWS writes in Observe mode and in Manage mode (the flow read back
// from AppFlow and its observed-flow-hash), then exactly one Put after a spec edit.
import { CustomerProfilesClient, PutIntegrationCommand } from '@aws-sdk/client-customer-profiles';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ANNOTATIONS } from '../../src/api/group.ts';
import type { CustomerProfilesIntegration } from '../../src/api/types.ts';
import { runCpi as cpi } from '../support/cpi.ts';
import { condition } from './harness/resources.ts';
import { controllerStack } from './harness/stack.ts';
import { kubectlOk, waitFor } from './support/index.ts';
import { WRITE_OPERATIONS as WRITES } from '../support/aws.ts';

const READS = new Set(['GetIntegration', 'ListIntegrations']);
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const instance = (n: number) => `arn:aws:connect:us-east-1:123456789012:instance/22222222-2222-3333-4444-${String(n).padStart(12, '0')}`;

describe('cpi import: adopt existing integrations through Git', () => {
  // The setup creates integrations back to back, as a script of the account's owner would.
  const stack = controllerStack('import', { domains: [], emulatorArgs: ['--quota', 'PutIntegration=10'], controllerArgs: ['--poll-interval', '2s'] });
  let dir: string;

  /** Integrations made outside the operator, as with the console or the AWS CLI. */
  async function existing(domain: string, n: number): Promise<void> {
    await stack.emulator.admin.createDomain(domain);
    const client = new CustomerProfilesClient({ region: 'us-east-1', endpoint: stack.emulator.url, credentials: { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'console' } });
    try {
      await client.send(new PutIntegrationCommand({ DomainName: domain, Uri: instance(n), ObjectTypeName: 'CTR', Tags: { team: 'crm', owner: 'console' } }));
      await client.send(
        new PutIntegrationCommand({
          DomainName: domain,
          ObjectTypeName: 'Orders',
          Tags: { team: 'data' },
          FlowDefinition: {
            FlowName: `${domain}-orders`,
            KmsArn: KMS,
            Description: 'Orders from S3',
            SourceFlowConfig: { ConnectorType: 'S3', SourceConnectorProperties: { S3: { BucketName: 'orders-bucket', BucketPrefix: 'orders/' } } },
            Tasks: [
              { TaskType: 'Filter', SourceFields: ['id', 'total'], ConnectorOperator: { S3: 'PROJECTION' } },
              { TaskType: 'Map', SourceFields: ['total'], DestinationField: 'total', ConnectorOperator: { S3: 'NO_OP' }, TaskProperties: { DATA_TYPE: 'string' } },
            ],
            TriggerConfig: { TriggerType: 'Scheduled', TriggerProperties: { Scheduled: { ScheduleExpression: 'rate(1hours)', DataPullMode: 'Incremental', ScheduleStartTime: new Date('2026-12-01T00:00:00Z') } } },
          },
        }),
      );
    } finally {
      client.destroy();
    }
    // A flow integration whose flow AppFlow cannot describe (made by another tool).
    await stack.emulator.admin.putIntegrationOutOfBand(domain, `arn:aws:appflow:us-east-1:123456789012:flow/${domain}-legacy`, { ObjectTypeName: 'Legacy' });
  }

  const lastSeq = async () => (await stack.emulator.admin.requestLog()).lastSeq;
  const opsSince = async (seq: number) => (await stack.emulator.admin.requests({ since: seq })).map((e) => e.operation);
  /** Waits until the controller has read AWS `polls` more times (drift checks at rest). */
  const waitForPolls = async (polls: number) => {
    const from = await lastSeq();
    await waitFor(async () => (await opsSince(from)).filter((o) => READS.has(o)).length >= polls, { what: `${polls} drift-check reads`, timeoutMs: 30_000 });
  };

  /** import → validate → apply; returns the imported objects and the YAML text. */
  async function importAndApply(domain: string, policy: 'Observe' | 'Manage') {
    const r = await cpi(['import', '--integrations-only', '--domain', domain, '--namespace', stack.ns, '--management-policy', policy], stack.emulator.awsEnv);
    expect(r.code, r.stderr).toBe(0);
    const file = join(dir, `${domain}.yaml`);
    writeFileSync(file, r.stdout);
    const v = await cpi(['validate', file], {});
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stderr).toContain('3 CustomerProfilesIntegration resources in 1 file: all valid');
    await kubectlOk(['apply', '-f', file]);
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as CustomerProfilesIntegration);
    return { objects, text: r.stdout };
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cpi-import-e2e-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Observe: import, apply, adopt with zero AWS writes; everything Ready', async () => {
    await existing('retail', 1);
    const before = await lastSeq();
    const { objects, text } = await importAndApply('retail', 'Observe');
    expect(objects.map((o) => o.metadata.name).sort()).toEqual(['connect-22222222-2222-3333-4444-000000000001', 'retail-legacy', 'retail-orders']);
    expect(text).toContain('# flowDefinition not recovered: AppFlow DescribeFlow retail-legacy failed');
    for (const o of objects) {
      const ready = await stack.res.waitReady(o.metadata.name);
      expect(condition(ready, 'Ready')?.reason).toBe('Available');
    }
    await waitForPolls(3);
    expect((await opsSince(before)).filter((o) => WRITES.has(o))).toEqual([]);
  });

  it('a second import reads the cluster: what resources already manage is skipped and named, or printed marked', async () => {
    const env = { ...stack.emulator.awsEnv, KUBECONFIG: inject('e2e').adminKubeconfig };
    // The resources applied by the Observe test above manage all three integrations of retail.
    const again = await cpi(['import', '--integrations-only', '--domain', 'retail', '--namespace', 'elsewhere'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('kind: CustomerProfilesIntegration');
    expect(again.stdout).toMatch(/^# skipped 3 integrations already managed in the cluster: /m);
    for (const name of ['connect-22222222-2222-3333-4444-000000000001', 'retail-legacy', 'retail-orders']) expect(again.stdout).toContain(`(by ${stack.ns}/${name})`);
    expect(again.stderr).toContain('cpi import: 0 resources for domain retail; skipped 3 already managed in the cluster');
    // Into the same namespace, marked: applying would rewrite those very resources.
    const marked = await cpi(['import', '--integrations-only', '--domain', 'retail', '--namespace', stack.ns, '--include-managed'], env);
    expect(parseAllDocuments(marked.stdout).length).toBe(3);
    expect(marked.stdout).toContain(`# already in the cluster as ${stack.ns}/retail-orders: applying this replaces that resource's spec with what AWS has now.`);
    // --no-cluster: the old behaviour, everything printed.
    const blind = await cpi(['import', '--integrations-only', '--domain', 'retail', '--no-cluster'], env);
    expect(parseAllDocuments(blind.stdout).length).toBe(3);
  });

  it('Manage: the flow comes back from AppFlow; adoption writes nothing, a spec edit makes one Put', async () => {
    await existing('shop', 2);
    const before = await lastSeq();
    const { objects } = await importAndApply('shop', 'Manage');
    const byName = Object.fromEntries(objects.map((o) => [o.metadata.name, o]));
    const orders = byName['shop-orders']!;
    expect(orders.spec).toMatchObject({ managementPolicy: 'Manage', objectTypeName: 'Orders', tags: { team: 'data' } });
    expect(orders.spec.flowDefinition?.tasks[1]?.taskProperties).toEqual({ DATA_TYPE: 'string' });
    const hash = orders.metadata.annotations?.[ANNOTATIONS.observedFlowHash];
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(byName['shop-legacy']!.spec.managementPolicy).toBe('Observe'); // unrecoverable: kept read-only

    for (const o of objects) await stack.res.waitReady(o.metadata.name);
    await waitForPolls(3);
    expect((await opsSince(before)).filter((o) => WRITES.has(o))).toEqual([]);
    const adopted = await stack.res.get('shop-orders');
    expect(adopted?.status?.appliedFlowDefinitionHash).toBe(hash);
    expect(adopted?.status?.uri).toBe('arn:aws:appflow:us-east-1:123456789012:flow/shop-orders');

    const edit = await lastSeq();
    await stack.res.patchSpec('shop-orders', { flowDefinition: { description: 'Orders from S3 edited' } });
    await stack.res.waitReady('shop-orders');
    await waitFor(async () => (await opsSince(edit)).includes('PutIntegration'), { what: 'the PutIntegration of the edit' });
    await waitForPolls(2);
    expect((await opsSince(edit)).filter((o) => WRITES.has(o))).toEqual(['PutIntegration']);
    expect(JSON.stringify(await stack.emulator.admin.state())).toContain('Orders from S3 edited'); // the flow itself changed
  });
});
