// deploy/ files that are generated or scripted: the CRD copy kustomize needs, and the kind script
// (which cannot run here: no Docker) checked for syntax and dry-run against stand-in tools.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CRD_NAME } from '../../../src/api/group.ts';
import { DEPLOY_CRD_PATH, SOURCE_CRD_PATH, renderDeployCrd } from '../../../scripts/sync-deploy-crd.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cpi-deploy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('deploy/base/crd.yaml', () => {
  it('is crds/ copied by npm run sync:deploy-crd (run it after regenerating the CRD)', () => {
    expect(readFileSync(DEPLOY_CRD_PATH, 'utf8')).toBe(renderDeployCrd(readFileSync(SOURCE_CRD_PATH, 'utf8')));
  });

  it('holds the one CRD the operator serves', () => {
    const docs = parseAllDocuments(readFileSync(DEPLOY_CRD_PATH, 'utf8')).map((d) => d.toJS());
    expect(docs.map((d) => [d.kind, d.metadata.name])).toEqual([['CustomResourceDefinition', CRD_NAME]]);
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
      // One line per call: newlines inside arguments (node -e '...') become spaces.
      writeFileSync(path, `#!/usr/bin/env bash\nargs="$*"\necho "${tool} \${args//$'\\n'/ }" >> "${log}"\n`);
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

    // One domain per distinct spec.domainName in examples/, created before the examples are applied.
    const domains = new Set<string>();
    for (const f of readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(root, 'examples', f), 'utf8'))) {
        const name = doc.toJS()?.spec?.domainName;
        if (typeof name === 'string') domains.add(name);
      }
    }
    const execs = calls.filter((c) => c.startsWith(`${k} -n cpi-system exec deployment/cpi-emulator -- node -e`));
    expect(execs.map((c) => c.split(' ').at(-1)).sort()).toEqual([...domains].sort());
    for (const e of execs) expect(calls.indexOf(e)).toBeLessThan(calls.indexOf(`${k} apply -f examples/`));
    // The paths it uses exist.
    for (const p of ['deploy/kind/cluster.yaml', 'deploy/overlays/kind-emulator/kustomization.yaml', 'deploy/base/crd.yaml', 'Dockerfile']) {
      expect(existsSync(join(root, p)), p).toBe(true);
    }
  });
});
