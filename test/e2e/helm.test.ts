// The Helm chart (charts/customer-profiles-operator) with the real helm v4 (built from Go modules and
// cached, src/dev/go-tools.ts): `helm lint`, the schema refusing bad values, `helm template` applied to
// the run's API server as a server-side dry run (admission, schemas and pod security all run), and
// the rendered Deployment and RBAC compared field by field with deploy/base's.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { CHART_CRD_PATH, CRD_FILES, SOURCE_CRD_PATH, renderDeployCrd } from '../../scripts/sync-deploy-crd.ts';
import { HELM_VERSION, ensureGoTool } from '../../src/dev/go-tools.ts';
import { K8S_VERSION } from '../../src/dev/k8s-binaries.ts';
import { e2eContext, freshNamespace, kubectl, kubectlOk } from './support/index.ts';

type Obj = Record<string, any>;

const root = fileURLToPath(new URL('../../', import.meta.url));
// HELM_* homes in a throwaway place: no user config, no repositories, no cache writes in $HOME.
const helmHome = mkdtempSync(join(tmpdir(), 'cpi-helm-'));
afterAll(() => rmSync(helmHome, { recursive: true, force: true }));
const chart = join(root, 'charts/customer-profiles-operator');
const pkgVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;

let helmPath = '';
// helm is ~2-3 minutes of Go on 2 cores the first time; cached afterwards.
beforeAll(async () => {
  helmPath = await ensureGoTool('helm');
}, 900_000);

function helm(args: string[]): { code: number; stdout: string; stderr: string } {
  const home = helmHome;
  const res = spawnSync(helmPath, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') },
  });
  if (res.error) throw res.error;
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

function template(namespace: string, sets: string[] = [], extra: string[] = []): Obj[] {
  const res = helm(['template', 'cpi', chart, '--namespace', namespace, '--kube-version', K8S_VERSION, ...extra, ...sets.flatMap((s) => ['--set', s])]);
  expect(res.code, res.stderr).toBe(0);
  return parseAllDocuments(res.stdout).map((d) => d.toJS() as Obj).filter((o) => o);
}

const find = (objs: Obj[], kind: string, name?: string) => {
  const o = objs.find((x) => x.kind === kind && (name === undefined || x.metadata?.name === name));
  if (!o) throw new Error(`${kind}${name ? `/${name}` : ''} is not rendered`);
  return o;
};

describe('the chart', () => {
  it('is helm v4.3.2 that checks it', () => {
    expect(helm(['version', '--short']).stdout).toMatch(new RegExp(`^${HELM_VERSION.replace(/\./g, '\\.')}`));
  });

  it('passes `helm lint --strict`, with defaults and with every option on', () => {
    const plain = helm(['lint', chart, '--strict', '--kube-version', K8S_VERSION]);
    expect(plain.code, plain.stdout + plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const all = helm(['lint', chart, '--strict', '--kube-version', K8S_VERSION,
      '--set', 'metrics.serviceMonitor.enabled=true', '--set', 'aws.roleArn=arn:aws:iam::123456789012:role/cpi',
      '--set', 'aws.podIdentityAssociation.create=true', '--set', 'aws.podIdentityAssociation.clusterName=prod',
      '--set', 'aws.podIdentityAssociation.roleArn=arn:aws:iam::123456789012:role/cpi']);
    expect(all.code, all.stdout + all.stderr).toBe(0);
  });

  it('refuses values its schema rejects, and a second replica without leader election', () => {
    for (const [set, why] of [
      ['aws.region=nowhere', /aws\.region|\/aws\/region/],
      ['controller.logLevel=loud', /logLevel/],
      ['replicaCount=two', /replicaCount/],
      ['unknownKey=1', /unknownKey|additional propert/i],
    ] as const) {
      const res = helm(['template', 'cpi', chart, '--set', set]);
      expect(res.code, set).not.toBe(0);
      expect(res.stderr, set).toMatch(/schema/i);
      expect(res.stderr, set).toMatch(why);
    }
    const unsafe = helm(['template', 'cpi', chart, '--set', 'leaderElection.enabled=false']);
    expect(unsafe.code).not.toBe(0);
    expect(unsafe.stderr).toMatch(/replicaCount above 1 needs leaderElection\.enabled/);
    expect(helm(['template', 'cpi', chart, '--set', 'leaderElection.enabled=false', '--set', 'replicaCount=1']).code).toBe(0);
  });

  it('carries the CRDs of crds/ (npm run sync:deploy-crd keeps the copies)', () => {
    expect(readFileSync(CHART_CRD_PATH, 'utf8')).toBe(renderDeployCrd(readFileSync(SOURCE_CRD_PATH, 'utf8')));
    for (const f of CRD_FILES) expect(readFileSync(f.chart, 'utf8'), f.chart).toBe(renderDeployCrd(readFileSync(f.source, 'utf8'), f.plural));
  });

  it('has the version of package.json, as the image deploy/base runs', () => {
    const meta = parse(readFileSync(join(chart, 'Chart.yaml'), 'utf8'));
    expect(meta.version).toBe(pkgVersion);
    expect(meta.appVersion).toBe(pkgVersion);
  });
});

describe('helm template | kubectl apply --dry-run=server', () => {
  it('is accepted by the API server, pod security included, with CRDs and IRSA', async () => {
    const ns = await freshNamespace('cpi-helm');
    await kubectlOk(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
    const res = helm(['template', 'cpi', chart, '--namespace', ns, '--kube-version', K8S_VERSION, '--include-crds',
      '--set', 'aws.roleArn=arn:aws:iam::123456789012:role/cpi', '--set', 'controller.watchNamespace=team-a']);
    expect(res.code, res.stderr).toBe(0);
    const applied = await kubectl(['apply', '--dry-run=server', '-f', '-'], { input: res.stdout });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr.replace(/^Warning: resource .* is missing the kubectl.kubernetes.io\/last-applied-configuration.*\n/gm, '')).not.toMatch(/violate PodSecurity|error/i);
    for (const line of [
      ...CRD_FILES.map((f) => `customresourcedefinition.apiextensions.k8s.io/${f.plural}.customerprofiles.gitops.dev`),
      'serviceaccount/cpi-customer-profiles-operator',
      'clusterrole.rbac.authorization.k8s.io/cpi-customer-profiles-operator',
      'role.rbac.authorization.k8s.io/cpi-customer-profiles-operator-leader-election',
      'service/cpi-customer-profiles-operator-metrics',
      'deployment.apps/cpi-customer-profiles-operator',
      'poddisruptionbudget.policy/cpi-customer-profiles-operator',
    ]) {
      expect(applied.stdout).toMatch(new RegExp(`^${line.replace(/\./g, '\\.')} (created|configured|unchanged) \\(server dry run\\)$`, 'm'));
    }

    // Deployments only warn; Pods are where pod security is enforced: the Pod the ReplicaSet would make.
    const d = find(parseAllDocuments(res.stdout).map((x) => x.toJS() as Obj).filter((o) => o), 'Deployment');
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...d.spec.template.metadata, name: 'cpi-helm-psa-check', namespace: ns }, spec: d.spec.template.spec };
    const admitted = await kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], { input: JSON.stringify(pod) });
    expect(admitted.code, admitted.stderr).toBe(0);
  });
});

describe('helm install and uninstall against the API server', () => {
  it('installs a release (CRD already there, skipped as Helm does), then removes every object it made', async () => {
    const ns = await freshNamespace('cpi-helm-install');
    await kubectlOk(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
    const release = `cpi-${randomBytes(3).toString('hex')}`;
    const kubeconfig = ['--kubeconfig', e2eContext().adminKubeconfig, '--namespace', ns];
    const installed = helm(['install', release, chart, ...kubeconfig, '--set', 'aws.region=eu-west-2', '--wait=false']);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/STATUS: deployed/);
    const fullname = `${release}-customer-profiles-operator`;
    const d = JSON.parse(await kubectlOk(['-n', ns, 'get', 'deployment', fullname, '-o', 'json']));
    expect(d.spec.template.spec.containers[0].image).toBe(`ghcr.io/customer-profiles-operator/cpi:${pkgVersion}`);
    expect(d.spec.template.spec.containers[0].env).toContainEqual({ name: 'AWS_REGION', value: 'eu-west-2' });
    await kubectlOk(['get', 'clusterrole', fullname]);

    const removed = helm(['uninstall', release, ...kubeconfig, '--wait=false']);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await kubectl(['-n', ns, 'get', 'deployment', fullname])).code).not.toBe(0);
    expect((await kubectl(['get', 'clusterrole', fullname])).code).not.toBe(0);
    // Helm never deletes CRDs: the one every other test uses is still there.
    await kubectlOk(['get', 'crd', 'customerprofilesintegrations.customerprofiles.gitops.dev']);
  });
});

describe('the rendered chart against deploy/base', () => {
  // The chart in cpi-system, as deploy/base installs, so namespace-bearing fields compare equal.
  const objs = () => template('cpi-system');
  const base = async () => parseAllDocuments(await kubectlOk(['kustomize', 'deploy/base'])).map((d) => d.toJS() as Obj);

  it('renders the same hardened Deployment: security contexts, volumes, probes, ports, resources, env, image, leader election', async () => {
    const chartD = find(objs(), 'Deployment');
    const baseD = find(await base(), 'Deployment', 'cpi-controller');
    const [cs, bs] = [chartD.spec.template.spec, baseD.spec.template.spec];
    expect(chartD.spec.replicas).toBe(baseD.spec.replicas);
    expect(cs.securityContext).toEqual(bs.securityContext);
    expect(cs.terminationGracePeriodSeconds).toBe(bs.terminationGracePeriodSeconds);
    expect(cs.volumes).toEqual(bs.volumes);
    expect(cs.hostNetwork ?? false).toBe(false);
    expect(cs.hostPID ?? false).toBe(false);
    expect(cs.automountServiceAccountToken).toBe(bs.automountServiceAccountToken);
    expect(cs.containers).toHaveLength(1);
    const [cc, bc] = [cs.containers[0], bs.containers[0]];
    for (const field of ['securityContext', 'volumeMounts', 'livenessProbe', 'readinessProbe', 'ports', 'resources', 'image']) {
      expect(cc[field], field).toEqual(bc[field]);
    }
    expect(cc.env).toEqual(bc.env);
    // Every flag of the base, then the chart's explicit defaults for what the base leaves implicit.
    expect(cc.args.slice(0, 3)).toEqual(bc.args.slice(0, 3));
    expect(cc.args).toEqual(expect.arrayContaining(bc.args));
    // The anti-affinity keeps the standby off the leader's node in both.
    expect(cs.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
  });

  it('grants the controller exactly deploy/base\'s RBAC rules', async () => {
    const c = objs();
    const b = await base();
    const rules = (o: Obj) => o.rules;
    expect(rules(find(c, 'ClusterRole', 'cpi-customer-profiles-operator'))).toEqual(rules(find(b, 'ClusterRole', 'cpi-controller')));
    expect(rules(find(c, 'Role', 'cpi-customer-profiles-operator-leader-election'))).toEqual(rules(find(b, 'Role', 'cpi-controller-leader-election')));
    expect(rules(find(c, 'ClusterRole', 'cpi-customer-profiles-operator-view'))).toEqual(rules(find(b, 'ClusterRole', 'cpi-customerprofilesintegrations-view')));
    expect(rules(find(c, 'ClusterRole', 'cpi-customer-profiles-operator-edit'))).toEqual(rules(find(b, 'ClusterRole', 'cpi-customerprofilesintegrations-edit')));
    // The Role lives where the Lease is, and is bound to the controller's ServiceAccount.
    const binding = find(c, 'RoleBinding');
    expect(binding.metadata.namespace).toBe('cpi-system');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cpi-customer-profiles-operator', namespace: 'cpi-system' }]);
  });

  it('has the same metrics Service and disruption budget, selecting the controller\'s Pods', async () => {
    const c = objs();
    const b = await base();
    const d = find(c, 'Deployment');
    const svc = find(c, 'Service');
    expect(svc.spec.ports).toEqual(find(b, 'Service', 'cpi-controller-metrics').spec.ports);
    expect(svc.metadata.annotations).toEqual(find(b, 'Service', 'cpi-controller-metrics').metadata.annotations);
    expect(svc.spec.selector).toEqual(d.spec.selector.matchLabels);
    const pdb = find(c, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: find(b, 'PodDisruptionBudget', 'cpi-controller').spec.maxUnavailable, selector: { matchLabels: d.spec.selector.matchLabels } });
    // The Pods carry every label the selectors use.
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
  });
});

describe('chart options', () => {
  it('annotates the ServiceAccount for IRSA and creates a Pod Identity association through ACK when asked', () => {
    const role = 'arn:aws:iam::123456789012:role/cpi';
    const objs = template('ops', [`aws.roleArn=${role}`, 'aws.podIdentityAssociation.create=true', 'aws.podIdentityAssociation.clusterName=prod', `aws.podIdentityAssociation.roleArn=${role}`]);
    expect(find(objs, 'ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': role });
    expect(find(objs, 'PodIdentityAssociation')).toMatchObject({
      apiVersion: 'eks.services.k8s.aws/v1alpha1',
      spec: { clusterName: 'prod', roleARN: role, namespace: 'ops', serviceAccount: 'cpi-customer-profiles-operator' },
    });
    // Off by default: no annotation, no association.
    const plain = template('ops');
    expect(find(plain, 'ServiceAccount').metadata.annotations).toBeUndefined();
    expect(plain.some((o) => o.kind === 'PodIdentityAssociation')).toBe(false);
  });

  it('renders a ServiceMonitor on the metrics port when enabled, and refuses one without the Service', () => {
    const objs = template('ops', ['metrics.serviceMonitor.enabled=true', 'metrics.serviceMonitor.labels.release=prom']);
    const sm = find(objs, 'ServiceMonitor');
    expect(sm.metadata.labels.release).toBe('prom');
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    expect(sm.spec.selector.matchLabels).toEqual(find(objs, 'Service').spec.selector);
    expect(template('ops').some((o) => o.kind === 'ServiceMonitor')).toBe(false);
    const res = helm(['template', 'cpi', chart, '--set', 'metrics.serviceMonitor.enabled=true', '--set', 'metrics.service.enabled=false']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/needs metrics\.service\.enabled/);
  });

  it('passes region, replicas, leader election, image and PDB values through', () => {
    const objs = template('ops', ['aws.region=eu-west-2', 'replicaCount=3', 'leaderElection.namespace=kube-system', 'leaderElection.id=cpi-lease',
      'image.tag=9.9.9', 'podDisruptionBudget.enabled=false']);
    const d = find(objs, 'Deployment');
    const c = d.spec.template.spec.containers[0];
    expect(d.spec.replicas).toBe(3);
    expect(c.env).toContainEqual({ name: 'AWS_REGION', value: 'eu-west-2' });
    expect(c.args).toEqual(expect.arrayContaining(['--leader-elect', '--leader-election-namespace=kube-system', '--leader-election-id=cpi-lease']));
    expect(c.image).toBe('ghcr.io/customer-profiles-operator/cpi:9.9.9');
    expect(find(objs, 'Role').metadata.namespace).toBe('kube-system');
    expect(objs.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    const single = find(template('ops', ['leaderElection.enabled=false', 'replicaCount=1']), 'Deployment').spec.template.spec.containers[0];
    expect(single.args.some((a: string) => a.startsWith('--leader'))).toBe(false);
  });
});
