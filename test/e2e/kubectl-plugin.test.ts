// `kubectl cpi plan|import|validate`: our built kubectl finds bin/kubectl-cpi.js on PATH (as the
// package installs it) and runs it with the current kubeconfig context, whose namespace is the
// default for manifests without one.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import type { IntegrationSpec } from '../../src/api/types.ts';
import { run } from '../support/run.ts';
import { controllerStack } from './harness/stack.ts';
import { kubectlOk } from './support/index.ts';

const PLUGIN = resolve(import.meta.dirname, '../../bin/kubectl-cpi.js');
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CONNECT = 'arn:aws:connect:us-east-1:123456789012:instance/44444444-2222-3333-4444-555555555555';

const manifest = (name: string, spec: IntegrationSpec) =>
  stringify({ apiVersion: 'customerprofiles.gitops.dev/v1alpha1', kind: 'CustomerProfilesIntegration', metadata: { name }, spec });
const flowSpec: IntegrationSpec = {
  domainName: 'retail',
  objectTypeName: 'Orders',
  flowDefinition: {
    flowName: 'plugin-orders',
    kmsArn: KMS,
    sourceFlowConfig: { connectorType: 'S3', sourceConnectorProperties: { s3: { bucketName: 'orders-bucket' } } },
    tasks: [{ taskType: 'Filter', sourceFields: ['id'], connectorOperator: { s3: 'PROJECTION' } }],
    triggerConfig: { triggerType: 'OnDemand' },
  },
};

describe('kubectl cpi: the plugin', () => {
  const stack = controllerStack('plugin');
  let dir: string;
  let env: NodeJS.ProcessEnv;

  /** Our kubectl with the plugin directory first on PATH; never throws on a non-zero exit. */
  const kubectl = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    run(inject('e2e').kubectlPath, args, { cwd: inject('e2e').repoRoot, env: { ...process.env, ...env, ...extraEnv } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpi-plugin-e2e-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // As `npm install -g` does: a kubectl-cpi link to the package's bin, found through PATH,
    // run by the `node` on PATH (here the Node that runs the tests).
    symlinkSync(PLUGIN, join(bin, 'kubectl-cpi'));
    symlinkSync(process.execPath, join(bin, 'node'));
    // A kubeconfig whose current context points at the test's namespace.
    const kubeconfig = join(dir, 'kubeconfig');
    copyFileSync(inject('e2e').adminKubeconfig, kubeconfig);
    await kubectlOk(['config', 'set-context', '--current', `--namespace=${stack.ns}`], { kubeconfig });

    env = { ...stack.emulator.awsEnv, PATH: `${bin}:${process.env.PATH}`, KUBECONFIG: kubeconfig, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    writeFileSync(join(dir, 'orders.yaml'), manifest('orders', flowSpec));
    await kubectlOk(['apply', '-n', stack.ns, '-f', join(dir, 'orders.yaml')]);
    await stack.res.waitReady('orders');
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is listed by kubectl plugin list', async () => {
    const r = await kubectl(['plugin', 'list']);
    expect(r.stdout).toContain(join(dir, 'bin', 'kubectl-cpi'));
    expect(r.stderr).not.toContain('kubectl-cpi');
  });

  it('kubectl cpi validate examples/ and a file: exit 0 when valid, 1 with the problem when not', async () => {
    const examples = await kubectl(['cpi', 'validate', 'examples/']);
    expect(examples.code, examples.stdout + examples.stderr).toBe(0);
    expect(examples.stderr).toMatch(/^kubectl cpi validate: /m);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, manifest('bad', { domainName: 'retail', objectTypeName: 'CTR' } as IntegrationSpec));
    const r = await kubectl(['cpi', 'validate', join(dir, 'orders.yaml'), bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${bad.replace(/[/.]/g, '\\$&')}:\\d+:\\d+: spec: set uri`, 'm'));
  });

  it('kubectl cpi plan reads status through the current context: the applied flow is up to date (0), a new resource is a change (2)', async () => {
    const same = await kubectl(['cpi', 'plan', join(dir, 'orders.yaml')]);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toContain(`# ${stack.ns}/orders is up to date`);

    const both = join(dir, 'both.yaml');
    writeFileSync(both, `${manifest('orders', flowSpec)}---\n${manifest('connect', { domainName: 'retail', uri: CONNECT, objectTypeName: 'CTR' })}`);
    const changed = await kubectl(['cpi', 'plan', both]);
    expect(changed.code, changed.stdout + changed.stderr).toBe(2);
    expect(changed.stdout).toContain(`# ${stack.ns}/connect will be created (domain retail, ${CONNECT}): PutIntegration`);
    expect(changed.stdout).toContain('Plan: 1 to create, 0 to update, 1 unchanged, 1 not in the cluster yet.');
  });

  it('kubectl cpi plan -n: resources without a namespace are planned there; elsewhere it says they are not in the cluster and where they are', async () => {
    const bare = join(dir, 'bare.yaml');
    writeFileSync(bare, manifest('orders', flowSpec).replace(/^ {2}namespace: .*\n/m, ''));
    const there = await kubectl(['cpi', 'plan', '-n', stack.ns, bare]);
    expect(there.code, there.stdout + there.stderr).toBe(0);
    expect(there.stdout).toContain(`# ${stack.ns}/orders is up to date`);
    const elsewhere = await kubectl(['cpi', 'plan', '--namespace', 'default', bare]);
    expect(elsewhere.stdout).toContain(`! default/orders is not in the cluster: this is what applying the manifest would do`);
    // (other tests' namespaces of the shared cluster may hold an `orders` too)
    expect(elsewhere.stdout).toMatch(new RegExp(`a resource named orders is in namespace [a-z0-9, -]*\\b${stack.ns}\\b[a-z0-9, -]*: to plan against it, pass -n `));
    expect(elsewhere.stdout).toContain(`${stack.ns}/orders already manages this integration, so this one would be Stalled with a Conflict`);
    // -A: every resource names its own namespace; this one does not.
    const all = await kubectl(['cpi', 'plan', '-A', bare]);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain(`${bare} (document 1): orders has no metadata.namespace; with -A every resource names its own`);
    expect(all.stderr).toContain('kubectl cpi plan: 1 resource not in the namespace asked for; nothing was planned');
  });

  it('kubectl cpi import skips what the cluster already manages, and prints it marked on request; hints in the plugin form', async () => {
    const r = await kubectl(['cpi', 'import', '--integrations-only', '--domain', 'retail']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('name: plugin-orders');
    expect(r.stdout).toContain(`# skipped 1 integration already managed in the cluster: plugin-orders (by ${stack.ns}/orders)`);
    expect(r.stderr).toContain(`kubectl cpi import: 0 resources for domain retail; skipped 1 already managed in the cluster (${stack.ns}/orders; --include-managed prints them)`);
    const marked = await kubectl(['cpi', 'import', '--integrations-only', '--domain', 'retail', '--include-managed']);
    expect(marked.stdout).toContain('name: plugin-orders');
    expect(marked.stdout).toContain('managementPolicy: Observe');
    expect(marked.stdout).toContain(`# already managed by ${stack.ns}/orders in the cluster: applying this copy makes it a Conflict`);
    const usage = await kubectl(['cpi', 'import']);
    expect(usage.stderr).toContain('e.g. kubectl cpi import --domain retail');
  });

  it('offers only plan, import and validate', async () => {
    const run = await kubectl(['cpi', 'run']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('unknown command "run"');
    expect(run.stderr).toContain('Usage: kubectl cpi <command>');
    const help = await kubectl(['cpi', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.match(/^ {2}(\w+) /gm)?.map((s) => s.trim())).toEqual(['validate', 'plan', 'import']);
  });
});
