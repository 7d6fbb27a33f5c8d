// deploy/ files that are generated or scripted: the CRD copy kustomize needs, and the kind script
// (which cannot run here: no Docker) checked for syntax and dry-run against stand-in tools.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ALL_KIND_NAMES, CRD_NAME } from '../../../src/api/group.ts';
import { CRD_FILES, DEPLOY_CRD_PATH, SOURCE_CRD_PATH, renderDeployCrd } from '../../../scripts/sync-deploy-crd.ts';
import { readResources, seedRequests } from '../../../scripts/emulator-seed.ts';
import { startEmulator } from '../../../src/emulator/server.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cpi-deploy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the CRD copies in deploy/base/ and the Helm chart', () => {
  it('are crds/ copied by npm run sync:deploy-crd (run it after regenerating the CRDs)', () => {
    expect(CRD_FILES.map((f) => f.kind)).toEqual(ALL_KIND_NAMES.map((n) => n.kind));
    for (const f of CRD_FILES) {
      const expected = renderDeployCrd(readFileSync(f.source, 'utf8'), f.plural);
      expect(readFileSync(f.deploy, 'utf8'), f.deploy).toBe(expected);
      expect(readFileSync(f.chart, 'utf8'), f.chart).toBe(expected);
    }
    // The integration's copy keeps the name scripts and docs use.
    expect(DEPLOY_CRD_PATH).toMatch(/deploy\/base\/crd\.yaml$/);
    expect(readFileSync(DEPLOY_CRD_PATH, 'utf8')).toBe(renderDeployCrd(readFileSync(SOURCE_CRD_PATH, 'utf8')));
  });

  it('each hold one CRD of the operator, and deploy/base/kustomization.yaml installs them all in sync wave -1', () => {
    for (const [f, names] of CRD_FILES.map((f, i) => [f, ALL_KIND_NAMES[i]!] as const)) {
      const docs = parseAllDocuments(readFileSync(f.deploy, 'utf8')).map((d) => d.toJS());
      expect(docs.map((d) => [d.kind, d.metadata.name])).toEqual([['CustomResourceDefinition', names.crdName]]);
    }
    expect(ALL_KIND_NAMES.map((n) => n.crdName)).toContain(CRD_NAME);
    const kustomization = parseAllDocuments(readFileSync(join(root, 'deploy/base/kustomization.yaml'), 'utf8'))[0]!.toJS();
    const deployNames = CRD_FILES.map((f) => f.deploy.slice(f.deploy.lastIndexOf('/') + 1));
    expect(kustomization.resources).toEqual(expect.arrayContaining(deployNames));
    const waved = (kustomization.patches as Array<{ patch: string }>).flatMap((p) => parseAllDocuments(p.patch).map((d) => d.toJS()))
      .filter((p) => p.kind === 'CustomResourceDefinition' && p.metadata.annotations?.['argocd.argoproj.io/sync-wave'] === '-1')
      .map((p) => p.metadata.name);
    expect(waved.sort()).toEqual(ALL_KIND_NAMES.map((n) => n.crdName).sort());
  });
});

describe('scripts/kind-e2e.sh', () => {
  const script = join(root, 'scripts/kind-e2e.sh');

  it('is valid bash', () => {
    const res = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it('is what npm run kind:e2e runs', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts['kind:e2e']).toBe('bash scripts/kind-e2e.sh');
  });

  it('runs its steps in order against stand-in docker, kind and kubectl', () => {
    // Each stand-in logs its argv and succeeds; `kind get clusters` lists none, so the script
    // creates the cluster and deletes it on exit.
    const bin = join(work, 'bin');
    const log = join(work, 'calls.log');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['docker', 'kind', 'kubectl']) {
      const path = join(bin, tool);
      // One line per call: newlines inside arguments (node -e '...') become spaces. `exec -i`
      // keeps what it was fed.
      writeFileSync(
        path,
        `#!/usr/bin/env bash\nargs="$*"\necho "${tool} \${args//$'\\n'/ }" >> "${log}"\n` +
          `if [[ " $* " == *" exec -i "* ]]; then cat > "${log}.stdin"; fi\n`,
      );
      chmodSync(path, 0o755);
    }
    const res = spawnSync('bash', [script], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, KIND_CLUSTER_NAME: 'cpi', KEEP_CLUSTER: '' },
      timeout: 30_000,
    });
    expect(res.status, res.stderr).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    const k = 'kubectl --context kind-cpi';
    const expectedOrder = [
      'kind get clusters',
      'kind create cluster --name cpi --config deploy/kind/cluster.yaml --wait 120s',
      'docker build -t cpi:dev .',
      'kind load docker-image cpi:dev --name cpi',
      `${k} apply --server-side -f deploy/base/crd.yaml`,
      `${k} wait --for condition=Established crd/${CRD_NAME} --timeout=60s`,
      `${k} apply --server-side -k deploy/overlays/kind-emulator`,
      `${k} -n cpi-system rollout status deployment/cpi-emulator --timeout=180s`,
      `${k} -n cpi-system rollout status deployment/cpi-controller --timeout=180s`,
      `${k} apply -f examples/`,
      `${k} wait --for=condition=Ready customerprofilesintegrations --all --all-namespaces --timeout=300s`,
      'kind delete cluster --name cpi',
    ];
    const positions = expectedOrder.map((c) => calls.indexOf(c));
    expect(positions.every((p) => p >= 0), `calls:\n${calls.join('\n')}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(calls.at(-1)).toBe('kind delete cluster --name cpi');

    // The emulator is seeded inside its Pod, from examples/, before they are applied.
    const execs = calls.filter((c) => c.startsWith(`${k} -n cpi-system exec -i deployment/cpi-emulator -- node -e`));
    expect(execs).toHaveLength(1);
    expect(calls.indexOf(execs[0]!)).toBeGreaterThan(calls.indexOf(`${k} -n cpi-system rollout status deployment/cpi-emulator --timeout=180s`));
    expect(calls.indexOf(execs[0]!)).toBeLessThan(calls.indexOf(`${k} apply -f examples/`));
    expect(JSON.parse(readFileSync(`${log}.stdin`, 'utf8'))).toEqual(seedRequests(readResources(join(root, 'examples')), 'us-east-1'));
    // The paths it uses exist.
    for (const p of ['deploy/kind/cluster.yaml', 'deploy/overlays/kind-emulator/kustomization.yaml', 'deploy/base/crd.yaml', 'Dockerfile']) {
      expect(existsSync(join(root, p)), p).toBe(true);
    }
  }, 30_000);
});

describe('scripts/emulator-seed.ts', () => {
  const cpi = (spec: Record<string, unknown>) => ({ kind: 'CustomerProfilesIntegration', spec });

  it('creates each domain once per region, then the integrations Observe-mode resources watch', () => {
    const requests = seedRequests([
      cpi({ domainName: 'retail', uri: 'arn:a', objectTypeName: 'CTR' }),
      cpi({ domainName: 'retail', uri: 'arn:b', managementPolicy: 'Observe', objectTypeName: 'Order', tags: { team: 'crm' } }),
      cpi({ domainName: 'retail', region: 'eu-west-2', uri: 'arn:c' }),
      cpi({ domainName: 'other', managementPolicy: 'Observe' }), // no uri: nothing to pre-create
      { kind: 'ConfigMap', spec: { domainName: 'ignored' } },
    ]);
    expect(requests).toEqual([
      { method: 'POST', path: '/_emulator/domains', body: { name: 'retail', region: 'us-east-1' } },
      { method: 'POST', path: '/_emulator/domains', body: { name: 'retail', region: 'eu-west-2' } },
      { method: 'POST', path: '/_emulator/domains', body: { name: 'other', region: 'us-east-1' } },
      {
        method: 'PUT',
        path: '/_emulator/integrations',
        body: { domainName: 'retail', uri: 'arn:b', region: 'us-east-1', changes: { ObjectTypeName: 'Order', Tags: { team: 'crm' } } },
      },
    ]);
  });

  it('covers every domain of examples/', () => {
    const resources = readResources(join(root, 'examples'));
    const domains = new Set(resources.filter((r) => r.kind === 'CustomerProfilesIntegration').map((r) => r.spec!.domainName));
    const seeded = new Set(seedRequests(resources).filter((r) => r.method === 'POST').map((r) => r.body.name));
    expect(seeded).toEqual(domains);
    expect(domains.size).toBeGreaterThan(0);
  });
});

describe('the seeding code kind-e2e.sh runs inside the emulator Pod', () => {
  it('creates what seedRequests asks for in a real emulator', async () => {
    // The `node -e` program between the quotes in the script, pointed at a local emulator.
    const script = readFileSync(join(root, 'scripts/kind-e2e.sh'), 'utf8');
    const m = /exec -i deployment\/cpi-emulator -- node -e '([^']*)'/.exec(script);
    expect(m, 'the seeding node -e program').not.toBeNull();
    const emulator = await startEmulator({ port: 0 });
    try {
      const program = m![1]!.replace('http://127.0.0.1:4566', emulator.url);
      expect(program).toContain(emulator.url);
      const requests = seedRequests(readResources(join(root, 'examples')), 'us-east-1');
      const child = spawn(process.execPath, ['-e', program], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.stdin.end(JSON.stringify(requests));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code, out).toBe(0);
      type State = { accounts: Record<string, Record<string, { Domains: Record<string, { Integrations: Record<string, unknown> }> }>> };
      const state = (await (await fetch(`${emulator.url}/_emulator/state`)).json()) as State;
      const domains = state.accounts['123456789012']!['us-east-1']!.Domains;
      for (const r of requests) {
        if (r.method === 'POST') expect(domains).toHaveProperty([r.body.name as string]);
        else expect(domains[r.body.domainName as string]?.Integrations).toHaveProperty([r.body.uri as string]);
      }
    } finally {
      await emulator.close();
    }
  }, 30_000);
});
