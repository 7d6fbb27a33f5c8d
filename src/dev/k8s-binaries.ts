// kube-apiserver, etcd and kubectl, built from the Go module proxy into a per-version cache outside
// the repo. Machines without Docker (no kind) still get a real control plane; the wrapper modules in
// tools/k8s-bin pin every version through their go.mod and go.sum.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const K8S_VERSION = 'v1.36.3';
export const ETCD_VERSION = 'v3.6.8';
/** The wrapper go.mod files say `go 1.26.0`, and GOTOOLCHAIN=local forbids switching toolchains. */
export const MIN_GO = [1, 26] as const;

export interface K8sBinaries {
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
}

export type Log = (line: string) => void;

/** Folder with the wrapper modules; src/dev and dist/dev are both two levels below the repo root. */
export function wrapperModulesDir(): string {
  return fileURLToPath(new URL('../../tools/k8s-bin/', import.meta.url));
}

/** `${XDG_CACHE_HOME:-~/.cache}/customer-profiles-operator`: every Go-built tool is cached below it. */
export function toolCacheRoot(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'customer-profiles-operator');
}

/** `${XDG_CACHE_HOME:-~/.cache}/customer-profiles-operator/k8s-v1.36.3`; CPI_K8S_BIN_DIR overrides it. */
export function k8sBinDir(): string {
  if (process.env.CPI_K8S_BIN_DIR) return process.env.CPI_K8S_BIN_DIR;
  return join(toolCacheRoot(), `k8s-${K8S_VERSION}`);
}

export function k8sBinaryPaths(dir = k8sBinDir()): K8sBinaries {
  return { kubeApiserver: join(dir, 'kube-apiserver'), etcd: join(dir, 'etcd'), kubectl: join(dir, 'kubectl') };
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binaries that still need building (empty when the cache is complete). */
export function missingK8sBinaries(dir = k8sBinDir()): (keyof K8sBinaries)[] {
  const paths = k8sBinaryPaths(dir);
  return (Object.keys(paths) as (keyof K8sBinaries)[]).filter((k) => !isExecutable(paths[k]));
}

/** Parses `go1.26.8`, `go1.26`, `go1.27rc1` into [major, minor]; undefined when unrecognised. */
export function parseGoVersion(text: string): [number, number] | undefined {
  const m = /go(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function goIsNewEnough(v: [number, number]): boolean {
  return v[0] > MIN_GO[0] || (v[0] === MIN_GO[0] && v[1] >= MIN_GO[1]);
}

const noGoAdvice =
  `Install Go ${MIN_GO.join('.')} or newer (https://go.dev/dl/, then put its bin/ on PATH), ` +
  'or skip the build and point the tests at an existing cluster (kind, say): E2E_KUBECONFIG=/path/to/kubeconfig.';

export class K8sBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'K8sBuildError';
  }
}

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion, keeping only the tail of its output (Go prints a lot on failure). */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** `go env GOVERSION`; `what` names the binaries in the error when Go is missing. */
export async function goVersion(env: NodeJS.ProcessEnv, what = 'kube-apiserver, etcd and kubectl'): Promise<string> {
  try {
    const r = await run('go', ['env', 'GOVERSION'], process.cwd(), env);
    if (r.code !== 0) throw new K8sBuildError(`'go env GOVERSION' failed:\n${r.output.trim()}\n${noGoAdvice}`);
    return r.output.trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new K8sBuildError(`Go is not installed (no 'go' on PATH); it is needed to build ${what}. ${noGoAdvice}`);
    }
    throw err;
  }
}

function ldflags(): string {
  const [major, minor] = K8S_VERSION.slice(1).split('.');
  // Without these, /version reports v0.0.0-master and kubectl warns about the skew.
  const vars = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((p) => [
    `-X ${p}.gitVersion=${K8S_VERSION}`,
    `-X ${p}.gitMajor=${major}`,
    `-X ${p}.gitMinor=${minor}`,
    `-X ${p}.gitTreeState=clean`,
  ]);
  return ['-s', '-w', ...vars].join(' ');
}

/** Static binaries, only the toolchain installed (no switching), only the versions go.sum pins. */
export function goBuildEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly -buildvcs=false' };
}

interface Step {
  what: string;
  module: 'apiserver' | 'etcd';
  args: string[];
  /** The binary this step produces; built under a temporary name, then renamed into place. */
  output?: keyof K8sBinaries;
}

function planSteps(missing: (keyof K8sBinaries)[]): Step[] {
  const tags = ['-tags', 'selinux,notest,grpcnotrace'];
  const needApiserverModule = missing.includes('kubeApiserver') || missing.includes('kubectl');
  const steps: Step[] = [];
  if (needApiserverModule) steps.push({ what: `download k8s.io/kubernetes ${K8S_VERSION} modules`, module: 'apiserver', args: ['mod', 'download'] });
  if (missing.includes('etcd')) steps.push({ what: `download etcd ${ETCD_VERSION} modules`, module: 'etcd', args: ['mod', 'download'] });
  if (missing.includes('kubeApiserver'))
    steps.push({ what: `build kube-apiserver ${K8S_VERSION} (the long one: ~3 min on 2 cores)`, module: 'apiserver', output: 'kubeApiserver',
      args: ['build', '-trimpath', ...tags, '-ldflags', ldflags(), 'k8s.io/kubernetes/cmd/kube-apiserver'] });
  if (missing.includes('kubectl'))
    steps.push({ what: `build kubectl ${K8S_VERSION}`, module: 'apiserver', output: 'kubectl',
      args: ['build', '-trimpath', ...tags, '-ldflags', ldflags(), 'k8s.io/kubernetes/cmd/kubectl'] });
  if (missing.includes('etcd'))
    steps.push({ what: `build etcd ${ETCD_VERSION}`, module: 'etcd', output: 'etcd',
      args: ['build', '-trimpath', '-ldflags', '-s -w', 'go.etcd.io/etcd/server/v3'] });
  return steps;
}

/**
 * Returns the paths of kube-apiserver, etcd and kubectl, building whichever is missing first.
 * A cold build takes about 4.5 minutes on 2 cores; afterwards this only checks three files.
 */
export async function ensureK8sBinaries(
  log: Log = (l) => process.stderr.write(`${l}\n`),
  opts: { signal?: AbortSignal } = {},
): Promise<K8sBinaries> {
  const dir = k8sBinDir();
  const paths = k8sBinaryPaths(dir);
  const missing = missingK8sBinaries(dir);
  if (missing.length === 0) return paths;

  const env = goBuildEnv();
  const version = await goVersion(env);
  const parsed = parseGoVersion(version);
  if (!parsed || !goIsNewEnough(parsed)) {
    throw new K8sBuildError(`Go ${MIN_GO.join('.')} or newer is needed to build Kubernetes ${K8S_VERSION}, found '${version}'. ${noGoAdvice}`);
  }

  mkdirSync(dir, { recursive: true });
  const steps = planSteps(missing);
  const started = Date.now();
  log(`k8s-bin: building ${missing.join(', ')} into ${dir} with ${version} (${steps.length} steps)`);
  for (const [i, step] of steps.entries()) {
    if (opts.signal?.aborted) throw new K8sBuildError('the build was interrupted; run it again to continue (finished binaries are kept)');
    const stepStart = Date.now();
    const prefix = `k8s-bin: [${i + 1}/${steps.length}]`;
    log(`${prefix} ${step.what} ...`);
    // A heartbeat, so a person watching the 3-minute step knows it is alive.
    const beat = setInterval(() => log(`${prefix} still working: ${step.what.replace(/ \(.*$/, '')} (${formatElapsed(Date.now() - stepStart)})`), 30_000);
    const tmp = step.output ? `${paths[step.output]}.tmp-${process.pid}` : undefined;
    try {
      const args = tmp ? [...step.args.slice(0, -1), '-o', tmp, step.args.at(-1)!] : step.args;
      const r = await run('go', args, join(wrapperModulesDir(), step.module), env, opts.signal).catch((err: Error) => {
        if (err.name === 'AbortError') throw new K8sBuildError('the build was interrupted; run it again to continue (finished binaries are kept)');
        throw err;
      });
      if (r.code !== 0) {
        throw new K8sBuildError(`${step.what} failed (go ${step.args[0]} exited ${r.code}):\n${r.output.trim()}`);
      }
      // Rename is atomic: an interrupted build never leaves a half-written binary under the real name.
      if (tmp && step.output) renameSync(tmp, paths[step.output]);
    } finally {
      clearInterval(beat);
      if (tmp) rmSync(tmp, { force: true });
    }
    log(`${prefix} done in ${formatElapsed(Date.now() - stepStart)} (total ${formatElapsed(Date.now() - started)})`);
  }
  log(`k8s-bin: all binaries ready in ${formatElapsed(Date.now() - started)}`);
  return paths;
}
