// Small Go tools the tests need (helm, actionlint, the Argo CD Lua harness), built from the Go
// module proxy into the same per-version cache as the Kubernetes binaries (src/dev/k8s-binaries.ts,
// whose Go plumbing this reuses). Each has a wrapper module under tools/ whose go.mod and go.sum pin
// every version, so a fresh machine needs only Go.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatElapsed, goBuildEnv, isExecutable, goIsNewEnough, goVersion, type Log, MIN_GO, parseGoVersion, run, toolCacheRoot } from './k8s-binaries.ts';

export const HELM_VERSION = 'v4.3.2';
export const ACTIONLINT_VERSION = 'v1.7.12';

export type GoToolName = 'argocd-lua' | 'helm' | 'actionlint';

interface GoTool {
  /** Folder under tools/ holding the wrapper module. */
  module: string;
  /** The package to build (a `tool` of the wrapper module, or the module itself). */
  pkg: string;
  /** Cache key: a release version, or a hash of the tool's own source when it lives in this repo. */
  version: () => string;
  ldflags: string[];
}

/** Folder with the wrapper modules; src/dev and dist/dev are both two levels below the repo root. */
export function toolsDir(): string {
  return fileURLToPath(new URL('../../tools/', import.meta.url));
}

/** A short hash of the harness's source: editing it rebuilds the cached binary. */
function sourceHash(module: string, files: string[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update('\0').update(readFileSync(join(toolsDir(), module, f))).update('\0');
  return `src-${hash.digest('hex').slice(0, 12)}`;
}

const TOOLS: Record<GoToolName, GoTool> = {
  'argocd-lua': {
    module: 'lua-harness',
    pkg: '.',
    version: () => sourceHash('lua-harness', ['go.mod', 'go.sum', 'main.go']),
    ldflags: ['-s', '-w'],
  },
  helm: {
    module: 'helm',
    pkg: 'helm.sh/helm/v4/cmd/helm',
    version: () => HELM_VERSION,
    // Without it `helm version` says v4.3 and charts' kubeVersion checks see the wrong release.
    ldflags: ['-s', '-w', `-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`],
  },
  actionlint: {
    module: 'actionlint',
    pkg: 'github.com/rhysd/actionlint/cmd/actionlint',
    version: () => ACTIONLINT_VERSION,
    ldflags: ['-s', '-w', `-X github.com/rhysd/actionlint.version=${ACTIONLINT_VERSION}`],
  },
};

export class GoToolBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoToolBuildError';
  }
}

/** `<cache>/customer-profiles-operator/<name>-<version>/<name>`. */
export function goToolPath(name: GoToolName): string {
  return join(toolCacheRoot(), `${name}-${TOOLS[name].version()}`, name);
}


/** The tool's path, building it first when the cache does not have it (helm: ~2-3 min cold on 2 cores). */
export async function ensureGoTool(name: GoToolName, log: Log = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  const path = goToolPath(name);
  if (isExecutable(path)) return path;
  const tool = TOOLS[name];
  const env = goBuildEnv();
  const version = await goVersion(env, name);
  const parsed = parseGoVersion(version);
  if (!parsed || !goIsNewEnough(parsed)) {
    throw new GoToolBuildError(`Go ${MIN_GO.join('.')} or newer is needed to build ${name}, found '${version}'`);
  }
  mkdirSync(join(path, '..'), { recursive: true });
  const started = Date.now();
  log(`go-tools: building ${name} ${tool.version()} into ${path} with ${version} ...`);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const r = await run('go', ['build', '-trimpath', '-ldflags', tool.ldflags.join(' '), '-o', tmp, tool.pkg], join(toolsDir(), tool.module), env);
    if (r.code !== 0) throw new GoToolBuildError(`building ${name} failed (go build exited ${r.code}):\n${r.output.trim()}`);
    // Rename is atomic: an interrupted build never leaves a half-written binary under the real name.
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  log(`go-tools: ${name} ready in ${formatElapsed(Date.now() - started)}`);
  return path;
}

export const GO_TOOL_NAMES = Object.keys(TOOLS) as GoToolName[];
