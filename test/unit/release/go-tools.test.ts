// npm run tools:build (src/dev/go-tools.ts): where the Go-built test tools live, and what a machine
// without Go is told. The builds themselves run in the tests that use each tool.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIONLINT_VERSION, goToolPath, HELM_VERSION } from '../../../src/dev/go-tools.ts';
import { toolCacheRoot } from '../../../src/dev/k8s-binaries.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cpi-go-tools-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function build(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['tools/go-tools/build.ts'], { cwd: root, env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the Go-built test tools', () => {
  it('are cached per version beside the Kubernetes binaries; the Lua harness by a hash of its source', () => {
    expect(goToolPath('helm')).toBe(join(toolCacheRoot(), `helm-${HELM_VERSION}`, 'helm'));
    expect(goToolPath('actionlint')).toBe(join(toolCacheRoot(), `actionlint-${ACTIONLINT_VERSION}`, 'actionlint'));
    expect(goToolPath('argocd-lua')).toMatch(new RegExp(`^${toolCacheRoot()}/argocd-lua-src-[0-9a-f]{12}/argocd-lua$`));
  });

  it('without Go, npm run tools:build says what to install, builds nothing and prints no stack', async () => {
    const cache = join(work, 'cache');
    const r = await build({ PATH: dirname(process.execPath), HOME: work, XDG_CACHE_HOME: cache });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Go is not installed (no 'go' on PATH); it is needed to build argocd-lua");
    expect(r.stderr).toContain('https://go.dev/dl/');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(work)).toEqual([]);
  });
});
