// deploy/ against the real API server: `kubectl apply -k` of the base and of every overlay as a
// server-side dry run (admission, schema and pod security all run), a real apply of the base, and
// proof that the controller's Pods would be admitted in the restricted namespace.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CRD_NAME } from '../../src/api/group.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import { e2eContext, freshNamespace, kubectl, kubectlOk, waitFor } from './support/index.ts';

const NS = 'cpi-system';
const DIRS = ['deploy/base', 'deploy/overlays/kind', 'deploy/overlays/kind-emulator'];

type Obj = Record<string, any>;

async function render(dir: string): Promise<Obj[]> {
  const out = await kubectlOk(['kustomize', dir]);
  return parseAllDocuments(out).map((d) => d.toJS() as Obj);
}
const find = (objs: Obj[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`${kind}/${name} is not rendered`);
  return o;
};

/** A Pod made from a Deployment's template, as the ReplicaSet controller would make it. */
function podFrom(deployment: Obj, name: string): Obj {
  const template = structuredClone(deployment.spec.template);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name, namespace: NS }, spec: template.spec };
}

function expectRestricted(podSpec: Obj) {
  expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
  for (const c of podSpec.containers) {
    expect(c.securityContext, c.name).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    // The read-only root filesystem leaves /tmp (TMPDIR) as the one writable place.
    expect(c.volumeMounts, c.name).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  }
  expect(podSpec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
}

describe('deploy/ kustomizations', () => {
  it.each(DIRS)('%s passes `kubectl apply -k --dry-run=server` without pod-security warnings', async (dir) => {
    const res = await kubectl(['apply', '-k', dir, '--dry-run=server']);
    expect(res.stderr.replace(/^Warning: resource .* is missing the kubectl.kubernetes.io\/last-applied-configuration.*\n/gm, '')).not.toMatch(/violate PodSecurity|error/i);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/deployment\.apps\/cpi-controller (created|configured|unchanged) \(server dry run\)/);
  });

  it('renders the kind overlay with the loaded image, never pulled, and one replica', async () => {
    const controller = find(await render('deploy/overlays/kind'), 'Deployment', 'cpi-controller');
    expect(controller.spec.replicas).toBe(1);
    expect(controller.spec.template.spec.containers[0]).toMatchObject({ image: 'cpi:dev', imagePullPolicy: 'IfNotPresent' });
  });

  it('renders the kind-emulator overlay with the emulator and the controller pointed at it', async () => {
    const objs = await render('deploy/overlays/kind-emulator');
    const emulator = find(objs, 'Deployment', 'cpi-emulator');
    expect(emulator.spec.template.spec.containers[0]).toMatchObject({
      image: 'cpi:dev',
      args: ['emulator', '--host', '0.0.0.0', '--port', '4566'],
    });
    expectRestricted(emulator.spec.template.spec);
    expect(find(objs, 'Service', 'cpi-emulator').spec.ports[0].port).toBe(4566);
    const env: Obj[] = find(objs, 'Deployment', 'cpi-controller').spec.template.spec.containers[0].env;
    const value = (name: string) => env.find((e) => e.name === name);
    for (const name of ['AWS_ENDPOINT_URL_CUSTOMER_PROFILES', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_APPFLOW']) {
      expect(value(name)?.value, name).toBe('http://cpi-emulator.cpi-system.svc:4566');
    }
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      expect(value(name)?.valueFrom?.secretKeyRef, name).toEqual({ name: 'cpi-emulator-credentials', key: name });
    }
    expect(find(objs, 'Secret', 'cpi-emulator-credentials').stringData).toHaveProperty('AWS_ACCESS_KEY_ID');
  });
});

describe('deploy/base applied for real', () => {
  afterAll(async () => {
    // The Namespace, CRD and RBAC are shared with the other e2e files: remove only what this adds.
    await kubectl(['-n', NS, 'delete', 'deployment/cpi-controller', 'service/cpi-controller-metrics', 'poddisruptionbudget/cpi-controller', '--ignore-not-found', '--wait=false']);
  });

  it('creates the operator with its security context, probes, resources, metrics Service and disruption budget', async () => {
    const res = await kubectl(['apply', '-k', 'deploy/base']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/violate PodSecurity/);

    const ns = JSON.parse(await kubectlOk(['get', 'namespace', NS, '-o', 'json']));
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');

    const crd = JSON.parse(await kubectlOk(['get', 'crd', CRD_NAME, '-o', 'json']));
    expect(crd.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    await waitFor(
      async () => JSON.parse(await kubectlOk(['get', 'crd', CRD_NAME, '-o', 'json'])).status.conditions?.some((c: Obj) => c.type === 'Established' && c.status === 'True'),
      { what: `${CRD_NAME} Established` },
    );

    // Read back from the API server: what it stored is what a kubelet would run.
    const d = JSON.parse(await kubectlOk(['-n', NS, 'get', 'deployment', 'cpi-controller', '-o', 'json']));
    expect(d.spec.replicas).toBe(2);
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe('cpi-controller');
    expectRestricted(pod);
    const c = pod.containers[0];
    // The pinned image release.yaml publishes for this version (package.json's).
    expect(c.image).toBe(`ghcr.io/customer-profiles-operator/cpi:${JSON.parse(readFileSync(join(e2eContext().repoRoot, 'package.json'), 'utf8')).version}`);
    expect(c.args).toEqual(['run', '--leader-elect', '--leader-election-namespace=cpi-system', '--metrics-addr=:8080', '--health-addr=:8081']);
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'health' });
    expect(c.ports.map((p: Obj) => [p.name, p.containerPort])).toEqual([['metrics', 8080], ['health', 8081]]);
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '144Mi' }, limits: { cpu: '500m', memory: '192Mi' } });
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'TMPDIR', value: '/tmp' }, { name: 'AWS_REGION', value: 'us-east-1' }]));

    const svc = JSON.parse(await kubectlOk(['-n', NS, 'get', 'service', 'cpi-controller-metrics', '-o', 'json']));
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'metrics', port: 8080, targetPort: 'metrics' })]);
    expect(svc.spec.selector).toEqual(d.spec.selector.matchLabels);

    const pdb = JSON.parse(await kubectlOk(['-n', NS, 'get', 'poddisruptionbudget', 'cpi-controller', '-o', 'json']));
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: d.spec.selector.matchLabels } });
  });

  it('makes Pods that the restricted namespace admits, and it does enforce', async () => {
    // Deployments only warn; Pods are where pod security is enforced. No kube-controller-manager
    // runs here, so create the Pod the ReplicaSet would create, as a server-side dry run.
    const d = JSON.parse(await kubectlOk(['-n', NS, 'get', 'deployment', 'cpi-controller', '-o', 'json']));
    const ok = await kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], { input: JSON.stringify(podFrom(d, 'cpi-controller-psa-check')) });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe('pod/cpi-controller-psa-check');

    const emulator = find(await render('deploy/overlays/kind-emulator'), 'Deployment', 'cpi-emulator');
    const okEmulator = await kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], { input: JSON.stringify(podFrom(emulator, 'cpi-emulator-psa-check')) });
    expect(okEmulator.code, okEmulator.stderr).toBe(0);

    // The control: the same Pod with its hardening removed is refused, so the check above is real.
    const weak = podFrom(d, 'cpi-controller-weak');
    delete weak.spec.securityContext;
    delete weak.spec.containers[0].securityContext;
    const refused = await kubectl(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(weak) });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(refused.stderr).toMatch(/allowPrivilegeEscalation != false/);
    expect(refused.stderr).toMatch(/runAsNonRoot != true/);
  });
});

// The Deployment's container, run as a process: its args, env, probe paths and metrics, and its
// grace period, against the real API server as the controller's ServiceAccount and the emulator.
describe('the Deployment\'s container, run as a process', () => {
  let emulator: RunningEmulator | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await emulator?.close();
  });

  it('serves its probes and metrics where the manifest says, leads, and stops within its grace period', async () => {
    const d = find(await render('deploy/base'), 'Deployment', 'cpi-controller');
    const c = d.spec.template.spec.containers[0];
    const portOf = (name: string) => c.ports.find((p: Obj) => p.name === name).containerPort as number;
    const flag = (name: string) => (c.args as string[]).find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
    // The named ports the probes and the Service use are the ports the flags bind.
    expect(flag('metrics-addr')).toBe(`:${portOf('metrics')}`);
    expect(flag('health-addr')).toBe(`:${portOf(c.readinessProbe.httpGet.port)}`);
    expect(c.livenessProbe.httpGet.port).toBe(c.readinessProbe.httpGet.port);
    const svc = find(await render('deploy/base'), 'Service', 'cpi-controller-metrics');
    expect(portOf(svc.spec.ports[0].targetPort)).toBe(portOf('metrics'));

    emulator = await startEmulator({ port: 0 });
    const ns = await freshNamespace('cpi-deploy-run');
    // Loopback and free ports instead of :8080/:8081; a Lease and a namespace of this test's own,
    // so it never competes with the other files' controllers.
    const args = (c.args as string[]).map((a) =>
      a.startsWith('--metrics-addr=') ? '--metrics-addr=127.0.0.1:0' : a.startsWith('--health-addr=') ? '--health-addr=127.0.0.1:0' : a,
    );
    args.push(`--kubeconfig=${e2eContext().controllerKubeconfig}`, `--namespace=${ns}`, `--leader-election-id=cpi-deploy-${randomBytes(3).toString('hex')}`);
    const env: Record<string, string> = {};
    for (const e of c.env as Obj[]) if (e.value !== undefined) env[e.name] = e.value;
    const proc = spawn(process.execPath, [join(e2eContext().repoRoot, 'bin/cpi.js'), ...args], {
      cwd: e2eContext().repoRoot,
      env: {
        ...process.env,
        ...env,
        TMPDIR: process.env.TMPDIR ?? '/tmp',
        AWS_ENDPOINT_URL_CUSTOMER_PROFILES: emulator.url,
        AWS_ENDPOINT_URL_STS: emulator.url,
        AWS_ENDPOINT_URL_APPFLOW: emulator.url,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let logs = '';
    proc.stdout!.on('data', (b: Buffer) => (logs += b.toString()));
    proc.stderr!.on('data', (b: Buffer) => (logs += b.toString()));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));

    const urls = await waitFor(
      () => {
        const line = logs.split('\n').find((l) => l.includes('serving metrics and probes'));
        return line ? (JSON.parse(line) as { metrics: string; health: string }) : undefined;
      },
      { what: 'the "serving metrics and probes" log line', timeoutMs: 60_000 },
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n${logs}`);
    });

    const get = async (url: string) => {
      const res = await fetch(url);
      return { status: res.status, body: await res.text() };
    };
    await waitFor(async () => (await get(`${urls.health}${c.readinessProbe.httpGet.path}`)).status === 200, {
      what: `${c.readinessProbe.httpGet.path} 200`,
      timeoutMs: 60_000,
    });
    expect(await get(`${urls.health}${c.livenessProbe.httpGet.path}`)).toEqual({ status: 200, body: 'ok\n' });
    const metrics = await waitFor(
      async () => {
        const m = (await get(`${urls.metrics}/metrics`)).body;
        return /^cpi_leader 1$/m.test(m) ? m : undefined;
      },
      { what: 'cpi_leader 1 (leader election on, as the manifest asks)', timeoutMs: 60_000 },
    );
    expect(metrics).toMatch(/^cpi_informer_synced 1$/m);

    const stopping = Date.now();
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(d.spec.template.spec.terminationGracePeriodSeconds * 1000);
  });
});
