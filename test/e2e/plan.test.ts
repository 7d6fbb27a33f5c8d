// `cpi plan` as a process, against the real API server (live status through the admin kubeconfig
// context) and the emulator as AWS: exit codes and the diff on an unchanged, a changed and a new
// resource, flowDefinition by field, and proof from the emulator's request log that it only reads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import type { CustomerProfilesIntegration, FlowDefinition, IntegrationSpec } from '../../src/api/types.ts';
import { runCpi as cpi } from '../support/cpi.ts';
import { controllerStack } from './harness/stack.ts';
import { kubectlOk } from './support/index.ts';

const READS = new Set(['GetCallerIdentity', 'GetIntegration', 'ListIntegrations']);
const instance = (n: number) => `arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-${String(n).padStart(12, '0')}`;
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function flow(dataType: string): FlowDefinition {
  return {
    flowName: 'plan-e2e-orders',
    kmsArn: KMS,
    sourceFlowConfig: { connectorType: 'S3', sourceConnectorProperties: { s3: { bucketName: 'orders-bucket', bucketPrefix: 'orders/' } } },
    tasks: [
      { taskType: 'Filter', sourceFields: ['id', 'total'], connectorOperator: { s3: 'PROJECTION' } },
      { taskType: 'Map', sourceFields: ['total'], destinationField: 'total', connectorOperator: { s3: 'NO_OP' }, taskProperties: { DATA_TYPE: dataType } },
    ],
    triggerConfig: { triggerType: 'Scheduled', triggerProperties: { scheduled: { scheduleExpression: 'rate(1hours)', scheduleStartTime: '2026-12-01T00:00:00Z' } } },
  };
}

describe('cpi plan: what a merge would do to AWS, read-only', () => {
  const stack = controllerStack('plan');
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const resource = (name: string, spec: IntegrationSpec): CustomerProfilesIntegration => ({
    apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
    kind: 'CustomerProfilesIntegration',
    metadata: { name, namespace: stack.ns },
    spec,
  });
  const applied = () => [
    resource('same', { domainName: 'retail', uri: instance(1), objectTypeName: 'CTR', tags: { team: 'crm' } }),
    resource('changed', { domainName: 'retail', uri: instance(2), objectTypeName: 'CTR', tags: { old: 'x' } }),
    resource('orders', { domainName: 'retail', objectTypeName: 'Orders', flowDefinition: flow('string') }),
  ];
  const write = (file: string, objects: CustomerProfilesIntegration[]) => {
    const path = join(dir, file);
    writeFileSync(path, objects.map((o) => stringify(o)).join('---\n'));
    return path;
  };
  const lastSeq = async () => (await stack.emulator.admin.requestLog()).lastSeq;
  const versions = async () => Object.fromEntries((await stack.res.list()).map((o) => [o.metadata.name, o.metadata.resourceVersion]));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpi-plan-e2e-'));
    env = { ...stack.emulator.awsEnv, KUBECONFIG: inject('e2e').adminKubeconfig };
    // The controller brings the applied manifests to Ready (status remembers the applied flow),
    // then stops: every AWS request after that is the plan's.
    await kubectlOk(['apply', '-f', write('applied.yaml', applied())]);
    for (const r of applied()) await stack.res.waitReady(r.metadata.name);
    await stack.controller.stop();
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 and says so when AWS matches the manifests', async () => {
    const r = await cpi(['plan', write('same.yaml', applied())], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`# ${stack.ns}/same is up to date (domain retail, ${instance(1)})`);
    expect(r.stdout).toMatch(new RegExp(`# ${stack.ns}/orders is up to date \\(domain retail, arn:aws:appflow:us-east-1:123456789012:flow/plan-e2e-orders\\)`));
    expect(r.stdout.trim().split('\n').at(-1)).toBe('No changes. AWS matches the manifests (3 up to date).');
  });

  it('exits 2 with a field-level diff for a changed, a new and an edited flow resource, and only reads', async () => {
    const [same, changed, orders] = applied();
    changed!.spec.objectTypeName = 'CTR2';
    changed!.spec.tags = { team: 'crm' };
    orders!.spec.flowDefinition = flow('double');
    const created = resource('created', { domainName: 'retail', uri: instance(3), objectTypeName: 'CTR' });
    const file = write('changed.yaml', [same!, changed!, orders!, created]);
    const before = await lastSeq();
    const rv = await versions();

    const r = await cpi(['plan', file], env);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stdout.split('\n');
    expect(lines).toContain(`# ${stack.ns}/changed will be updated (domain retail, ${instance(2)}): PutIntegration, TagResource, UntagResource`);
    expect(lines).toContain('  ~ objectTypeName: "CTR" -> "CTR2"');
    expect(lines).toContain('  + tags.team: "crm"');
    expect(lines).toContain('  - tags.old: "x"');
    // The applied definition is in status: the diff names the field, not a hash.
    expect(lines).toContain('  ~ flowDefinition.tasks[1].taskProperties.DATA_TYPE: "string" -> "double"');
    expect(lines).toContain(`# ${stack.ns}/created will be created (domain retail, ${instance(3)}): PutIntegration`);
    expect(lines).toContain('  + create integration');
    expect(lines).toContain(`# ${stack.ns}/same is up to date (domain retail, ${instance(1)})`);
    expect(lines.filter(Boolean).at(-1)).toBe('Plan: 1 to create, 2 to update, 1 unchanged, 1 not in the cluster yet.');
    expect(lines).toContain(`  ! ${stack.ns}/created is not in the cluster: this is what applying the manifest would do, judged from AWS and the manifest alone`);

    // Read-only: AWS saw only reads, the cluster saw no write.
    const ops = (await stack.emulator.admin.requests({ since: before })).map((e) => e.operation);
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.filter((o) => !READS.has(o))).toEqual([]);
    // Four resources of one domain: one ListIntegrations page serves them, as drift checks do.
    expect(ops.filter((o) => o === 'ListIntegrations')).toHaveLength(1);
    // ... and the one the list misses (`created`) is confirmed with one Get (a hidden integration is not listed).
    expect(ops.filter((o) => o === 'GetIntegration')).toHaveLength(1);
    expect(await versions()).toEqual(rv);
    expect(JSON.stringify(await stack.emulator.admin.state())).not.toContain(instance(3));
  });

  it('prints the same plan as JSON for machines', async () => {
    const [same, changed] = applied();
    changed!.spec.objectTypeName = 'CTR2';
    const r = await cpi(['plan', '--output', 'json', write('json.yaml', [same!, changed!])], env);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.changes).toBe(true);
    expect(out.summary).toMatchObject({ create: 0, update: 1, unchanged: 1 });
    const byName = Object.fromEntries(out.resources.map((p: { name: string }) => [p.name, p]));
    expect(byName.changed).toMatchObject({ action: 'update', calls: ['PutIntegration'], statusSource: 'cluster', changes: [{ path: 'objectTypeName', kind: 'change', from: 'CTR', to: 'CTR2' }] });
    expect(byName.same).toMatchObject({ action: 'none', calls: [] });
  });

  it('without the cluster, a flow is compared by hash and counts as changed', async () => {
    const r = await cpi(['plan', '--no-cluster', write('flow.yaml', [applied()[2]!])], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/~ flowDefinition: \(none\) -> "sha256:[0-9a-f]{64}" \(by hash: the last applied definition is unknown, nothing recorded as applied\)/);
  });

  it('-n plans manifests without a namespace in that namespace (as kubectl apply -n); one that names another is refused', async () => {
    const bare = applied().map((o) => ({ ...o, metadata: { name: o.metadata.name } }));
    const file = write('bare.yaml', bare);
    const r = await cpi(['plan', '-n', stack.ns, file], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`# ${stack.ns}/same is up to date`);
    expect(r.stdout).not.toContain('not in the cluster');
    // Without -n: the context's namespace (default), where they are not; the plan says so and where they are.
    const d = await cpi(['plan', file], env);
    const note = d.stdout.split('\n').find((l) => l.startsWith('  ! default/same '))!;
    expect(note).toContain('! default/same is not in the cluster: this is what applying the manifest would do, judged from AWS and the manifest alone');
    // (other tests' namespaces of the shared cluster may hold a `same` too)
    expect(note).toMatch(new RegExp(`a resource named same is in namespace [a-z0-9, -]*\\b${stack.ns}\\b`));
    expect(note).toContain(`${stack.ns}/same already manages this integration, so this one would be Stalled with a Conflict and write nothing`);
    expect(d.stdout.trim().split('\n').at(-1)).toMatch(/3 not in the cluster yet\)?\.$/);
    const wrong = await cpi(['plan', '-n', 'default', write('named.yaml', applied())], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`same names namespace ${stack.ns}, not default (-n)`);
    const both = await cpi(['plan', '-n', stack.ns, '-A', file], env);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('-n/--namespace and -A/--all-namespaces exclude each other');
  });

  it('-A plans each resource in its own namespace and refuses one without', async () => {
    const r = await cpi(['plan', '--all-namespaces', write('own.yaml', applied())], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('No changes. AWS matches the manifests (3 up to date).');
    const homeless = await cpi(['plan', '-A', write('homeless.yaml', [{ ...applied()[0]!, metadata: { name: 'same' } }])], env);
    expect(homeless.code).toBe(1);
    expect(homeless.stderr).toContain('(document 1): same has no metadata.namespace; with -A every resource names its own (or use -n NS)');
  });

  it('exits 1 with the validation lines for invalid manifests, before asking AWS anything', async () => {
    const bad = resource('bad', { domainName: 'retail', objectTypeName: 'CTR' } as IntegrationSpec);
    const file = write('bad.yaml', [bad]);
    const before = await lastSeq();
    const r = await cpi(['plan', file], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[/.]/g, '\\$&')}:\\d+:\\d+: spec: set uri`));
    expect(r.stderr).toContain('nothing was planned');
    expect(await stack.emulator.admin.requests({ since: before })).toEqual([]);
  });
});
