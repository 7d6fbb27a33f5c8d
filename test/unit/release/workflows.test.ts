// .github/workflows checked by actionlint v1.7.12 (built from Go modules and cached,
// src/dev/go-tools.ts), and the release's promises checked against the repository: the tag, package.json,
// the chart and deploy/base carry one version, and deploy/base runs the image release.yaml publishes.
// The release job's own shell steps (version check, release notes) run here on the real files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { goToolFixture } from '../go-tool.ts';

type Obj = Record<string, any>;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const ci = parse(read('.github/workflows/ci.yaml')) as Obj;
const release = parse(read('.github/workflows/release.yaml')) as Obj;
const version = JSON.parse(read('package.json')).version as string;
// A cold build is about a minute of Go on 2 cores; cached afterwards.
const actionlint = goToolFixture('actionlint', 600_000);
const work = actionlint.work;

function lint(cwd: string, files: string[]) {
  const res = spawnSync(actionlint.path, ['-oneline', ...files], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (res.error) throw res.error;
  return { code: res.status, out: res.stdout + res.stderr };
}

const steps = (wf: Obj, job: string) => wf.jobs[job].steps as Obj[];
const step = (wf: Obj, job: string, name: string) => {
  const s = steps(wf, job).find((x) => x.name === name);
  if (!s) throw new Error(`no step "${name}" in ${job}`);
  return s;
};

describe('actionlint', () => {
  it('finds nothing wrong in ci.yaml and release.yaml', () => {
    const res = lint(root, ['.github/workflows/ci.yaml', '.github/workflows/release.yaml']);
    expect(res.out).toBe('');
    expect(res.code).toBe(0);
  });

  it('does fail a broken workflow (the check above is real)', () => {
    const dir = join(work, 'broken');
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    const broken = read('.github/workflows/release.yaml').replace('${{ steps.version.outputs.version }}', '${{ steps.versoin.outputs.version }}');
    writeFileSync(join(dir, '.github/workflows/release.yaml'), broken);
    const res = lint(dir, ['.github/workflows/release.yaml']);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/versoin/);
  });
});

describe('ci.yaml', () => {
  it('runs `npm ci && npm test` on push and pull request, with the Go builds cached', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    const runs = steps(ci, 'test').map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
    const go = steps(ci, 'test').find((s) => String(s.uses).startsWith('actions/setup-go@'));
    expect(go?.with['cache-dependency-path']).toBe('tools/**/go.sum');
    const cache = steps(ci, 'test').find((s) => String(s.uses).startsWith('actions/cache@'));
    expect(cache?.with.path).toBe('~/.cache/customer-profiles-operator');
    expect(steps(ci, 'image').map((s) => s.run).filter(Boolean)).toContain('npm run test:image');
  });
});

describe('release.yaml', () => {
  it('runs on version tags only, and tests before it publishes', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    const runs = steps(release, 'release').map((s) => s.run ?? s.uses);
    expect(runs.indexOf('npm test')).toBeGreaterThan(-1);
    expect(runs.indexOf('npm test')).toBeLessThan(runs.findIndex((r) => String(r).startsWith('docker/build-push-action@')));
  });

  it('publishes the image deploy/base runs, for amd64 and arm64', () => {
    const kustomization = parse(read('deploy/base/kustomization.yaml')) as Obj;
    const image = kustomization.images.find((i: Obj) => i.name === 'cpi');
    expect(image).toEqual({ name: 'cpi', newName: release.env.IMAGE, newTag: version });
    const build = step(release, 'release', 'Build and push the image');
    expect(build.with.platforms).toBe('linux/amd64,linux/arm64');
    expect(build.with.push).toBe(true);
    expect(build.with.tags).toBe('${{ env.IMAGE }}:${{ steps.version.outputs.version }}');
  });

  it('pushes the chart as an OCI artifact and attaches install.yaml and the CRDs', () => {
    expect(release.env.CHART_REPO).toBe('oci://ghcr.io/customer-profiles-operator/charts');
    expect(step(release, 'release', 'Push the chart').run).toMatch(/"\$helm" push "dist-release\/customer-profiles-operator-\$\{VERSION\}\.tgz" "\$CHART_REPO"/);
    const rendered = step(release, 'release', 'Render install.yaml and the CRDs').run as string;
    expect(rendered).toMatch(/kustomize deploy\/base > dist-release\/install\.yaml/);
    const gh = step(release, 'release', 'Create the GitHub release').run as string;
    for (const asset of ['dist-release/install.yaml', 'dist-release/customerprofilesintegrations.yaml']) expect(gh).toContain(asset);
  });

  it('one version everywhere: package.json, Chart.yaml (version and appVersion), deploy/base', () => {
    const chart = parse(read('charts/customer-profiles-operator/Chart.yaml')) as Obj;
    expect([chart.version, chart.appVersion]).toEqual([version, version]);
  });

  const runStep = (name: string, env: Record<string, string>) => {
    const output = join(work, `output-${Math.random().toString(36).slice(2)}`);
    writeFileSync(output, '');
    const res = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', step(release, 'release', name).run], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GITHUB_OUTPUT: output, ...env },
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr, output: readFileSync(output, 'utf8') };
  };

  it('its version check accepts the tag of package.json\'s version and refuses another', () => {
    const ok = runStep('Check the tag against package.json, the chart and deploy/base', { GITHUB_REF_NAME: `v${version}` });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.output).toBe(`version=${version}\n`);
    const bad = runStep('Check the tag against package.json, the chart and deploy/base', { GITHUB_REF_NAME: 'v99.0.0' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/::error::tag v99\.0\.0 says 99\.0\.0, a version file says /);
  });

  it('takes its release notes from this version\'s CHANGELOG.md section', () => {
    const gh = step(release, 'release', 'Create the GitHub release').run as string;
    const awk = gh.split('\n').find((l) => l.trim().startsWith('awk '))!.trim().replace(/ > dist-release\/notes\.md$/, '');
    const res = spawnSync('bash', ['-c', awk], { cwd: root, encoding: 'utf8', env: { ...process.env, VERSION: '0.1.0' } });
    expect(res.status).toBe(0);
    expect(res.stdout.trim().split('\n')[0]).toBe('The first version.');
    expect(res.stdout).not.toMatch(/^## /m);
  });
});
