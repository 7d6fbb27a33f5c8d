// `npm run image:build`: builds the operator image from the Dockerfile, as it is, without a Docker
// daemon: podman (preferred), buildah, or docker when its daemon answers. Tagged localhost/cpi:dev.
//
//   npm run image:build                                   auto: the Dockerfile's base images, else local ones
//   npm run image:build -- --ca-bundle /etc/ssl/certs/ca-certificates.crt
//                                                         npm inside the build trusts that bundle too (a
//                                                         TLS-inspecting proxy); also CPI_BUILD_CA_BUNDLE
//   npm run image:build -- --base local|registry          force the local bases, or the registry's
//   npm run image:build -- --tag NAME                     another tag
//
// Where the registries of the base images (Docker Hub, gcr.io) are unreachable, it makes both bases
// locally, once, from Debian packages with mmdebstrap (kept in the engine's image store):
//   localhost/cpi-node-base:<node version>   Debian minbase + ca-certificates + this Node 24 + npm (build stages)
//   localhost/cpi-runtime-base:bookworm      libc6, libgcc-s1, libstdc++6 only: no shell, no npm (final stage)
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DEFAULT_TAG = 'localhost/cpi:dev';
/** The Dockerfile's defaults (its ARG lines); read from it so the two cannot drift. */
export const DOCKERFILE_ARGS = readDockerfileArgs();
export const LOCAL_RUNTIME_BASE = 'localhost/cpi-runtime-base:bookworm';
export const localNodeBase = () => `localhost/cpi-node-base:${process.versions.node}`;

export type Engine = 'podman' | 'buildah' | 'docker';
export type Log = (line: string) => void;

export interface BuildOptions {
  tag?: string;
  base?: 'auto' | 'local' | 'registry';
  /** A CA bundle on this machine that npm inside the build must trust (mounted read-only). */
  caBundle?: string;
  log?: Log;
}

export interface BuildResult {
  engine: Engine;
  tag: string;
  nodeImage: string;
  runtimeImage: string;
  seconds: number;
  sizeBytes: number;
}

function readDockerfileArgs(): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const args: Record<string, string> = {};
  for (const m of text.matchAll(/^ARG\s+(\w+)=(\S+)$/gm)) args[m[1]!] = m[2]!;
  return args;
}

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** podman, then buildah, then docker if its daemon answers; CPI_IMAGE_ENGINE picks one. */
export function detectEngine(): Engine {
  const wanted = process.env.CPI_IMAGE_ENGINE as Engine | undefined;
  if (wanted) {
    if (!onPath(wanted)) throw new Error(`CPI_IMAGE_ENGINE=${wanted}, but ${wanted} is not on PATH`);
    return wanted;
  }
  if (onPath('podman')) return 'podman';
  if (onPath('buildah')) return 'buildah';
  if (onPath('docker') && spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0) return 'docker';
  throw new Error('no container engine: install podman (apt-get install podman runc), buildah, or run a Docker daemon');
}

/**
 * The engine's global flags. podman: runc where it is installed (crun, the default, fails on hosts
 * with cgroups in hybrid mode; CPI_PODMAN_RUNTIME overrides).
 */
export function engineFlags(engine: Engine): string[] {
  if (engine !== 'podman') return [];
  const runtime = process.env.CPI_PODMAN_RUNTIME ?? (onPath('runc') ? 'runc' : '');
  return runtime ? ['--runtime', runtime] : [];
}

/** Below common hard limits (podman's defaults are above some hosts' and fail in setrlimit). */
export const ULIMITS = ['--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096'];

function run(cmd: string, args: string[], log: Log, opts: { quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let tail = '';
    const onData = (b: Buffer) => {
      const s = b.toString();
      tail = (tail + s).slice(-6000);
      if (!opts.quiet) for (const line of s.split('\n')) if (line.trim()) log(`  ${line}`);
    };
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      onData(b);
    });
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${tail}`))));
  });
}

function imageExists(engine: Engine, image: string): boolean {
  const args = engine === 'docker' ? ['image', 'inspect', image] : engine === 'buildah' ? ['inspect', '--type', 'image', image] : ['image', 'exists', image];
  return spawnSync(engine, [...engineFlags(engine), ...args], { stdio: 'ignore' }).status === 0;
}

async function pull(engine: Engine, image: string, log: Log): Promise<boolean> {
  if (imageExists(engine, image)) return true;
  try {
    await run(engine, [...engineFlags(engine), 'pull', image], log, { quiet: true });
    return true;
  } catch (err) {
    log(`image: cannot pull ${image}: ${(err as Error).message.split('\n').filter(Boolean).at(-1)}`);
    return false;
  }
}

/** Imports a root filesystem tarball as an image. */
async function importTar(engine: Engine, tar: string, image: string, log: Log): Promise<void> {
  if (engine === 'buildah') {
    const ctr = (await run('buildah', ['from', 'scratch'], log, { quiet: true })).trim();
    try {
      await run('buildah', ['add', ctr, tar, '/'], log, { quiet: true });
      await run('buildah', ['commit', '--quiet', ctr, image], log, { quiet: true });
    } finally {
      spawnSync('buildah', ['rm', ctr], { stdio: 'ignore' });
    }
    return;
  }
  await run(engine, [...engineFlags(engine), 'import', tar, image], log, { quiet: true });
}

/** npm's package folder: the npm running this script, else the global one. */
function npmPackageDir(): string {
  const fromExec = process.env.npm_execpath ? dirname(dirname(process.env.npm_execpath)) : '';
  if (fromExec && existsSync(join(fromExec, 'bin/npm-cli.js'))) return fromExec;
  const global = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout.trim();
  const dir = join(global, 'npm');
  if (!existsSync(join(dir, 'bin/npm-cli.js'))) throw new Error('cannot find the npm package to put in the local base image');
  return dir;
}

/** Makes the local bases that are missing (about 30 s in all; mmdebstrap uses this machine's apt sources). */
export async function ensureLocalBases(engine: Engine, log: Log): Promise<{ nodeImage: string; runtimeImage: string }> {
  const nodeImage = localNodeBase();
  const runtimeImage = LOCAL_RUNTIME_BASE;
  const missing = [nodeImage, runtimeImage].filter((i) => !imageExists(engine, i));
  if (missing.length === 0) return { nodeImage, runtimeImage };
  if (!onPath('mmdebstrap')) throw new Error('the base images cannot be pulled, and mmdebstrap is not installed to make them (apt-get install mmdebstrap)');
  const work = mkdtempSync(join(tmpdir(), 'cpi-bases-'));
  try {
    if (missing.includes(nodeImage)) {
      // The Node that runs this script (npm scripts run the project's Node 24), stripped of debug symbols.
      const node = join(work, 'node');
      copyFileSync(process.execPath, node);
      if (onPath('strip')) spawnSync('strip', [node]);
      log(`image: making ${nodeImage} (Debian bookworm minbase + ca-certificates + Node ${process.versions.node} + npm) ...`);
      await run('mmdebstrap', [
        '--quiet', '--variant=minbase', '--include=ca-certificates',
        `--customize-hook=copy-in ${node} /usr/local/bin`,
        '--customize-hook=mkdir -p "$1/usr/local/lib/node_modules/npm"',
        `--customize-hook=sync-in ${npmPackageDir()} /usr/local/lib/node_modules/npm`,
        '--customize-hook=ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"',
        'bookworm', join(work, 'node-base.tar'),
      ], log, { quiet: true });
      await importTar(engine, join(work, 'node-base.tar'), nodeImage, log);
    }
    if (missing.includes(runtimeImage)) {
      log(`image: making ${runtimeImage} (libc6, libgcc-s1, libstdc++6: what the node binary links) ...`);
      // extract: the packages' files only; no shell, no package manager, no maintainer scripts.
      await run('mmdebstrap', ['--quiet', '--variant=extract', '--include=libc6,libgcc-s1,libstdc++6', 'bookworm', join(work, 'runtime-base.tar')], log, { quiet: true });
      await importTar(engine, join(work, 'runtime-base.tar'), runtimeImage, log);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { nodeImage, runtimeImage };
}

export function imageSize(engine: Engine, tag: string): number {
  const res = spawnSync(engine, [...engineFlags(engine), 'image', 'inspect', '--format', '{{.Size}}', tag], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`cannot inspect ${tag}: ${res.stderr}`);
  return Number(res.stdout.trim());
}

export async function buildImage(opts: BuildOptions = {}): Promise<BuildResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const tag = opts.tag ?? DEFAULT_TAG;
  const engine = detectEngine();
  const caBundle = opts.caBundle ?? process.env.CPI_BUILD_CA_BUNDLE;
  if (caBundle && !existsSync(caBundle)) throw new Error(`CA bundle ${caBundle} does not exist`);
  if (caBundle && engine === 'docker') {
    throw new Error('--ca-bundle mounts the bundle into the build, which docker build cannot do: use podman or buildah, or add the CA to your Docker daemon\'s builder');
  }

  let nodeImage = DOCKERFILE_ARGS.NODE_IMAGE!;
  let runtimeImage = DOCKERFILE_ARGS.RUNTIME_IMAGE!;
  const base = opts.base ?? 'auto';
  if (base === 'local' || (base === 'auto' && !((await pull(engine, nodeImage, log)) && (await pull(engine, runtimeImage, log))))) {
    if (base === 'auto') log('image: using local base images instead');
    ({ nodeImage, runtimeImage } = await ensureLocalBases(engine, log));
  }

  const args = [
    ...engineFlags(engine),
    ...(engine === 'buildah' ? ['bud'] : ['build']),
    '--network', 'host',
    '--build-arg', `NODE_IMAGE=${nodeImage}`,
    '--build-arg', `RUNTIME_IMAGE=${runtimeImage}`,
    ...(engine === 'docker' ? [] : ULIMITS),
    ...(caBundle ? ['--volume', `${caBundle}:/etc/cpi-build-ca.crt:ro`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/etc/cpi-build-ca.crt'] : []),
    '--tag', tag,
    '.',
  ];
  log(`image: ${engine} ${args.join(' ')}`);
  const started = Date.now();
  await run(engine, args, log);
  const seconds = (Date.now() - started) / 1000;
  const sizeBytes = imageSize(engine, tag);
  log(`image: built ${tag} in ${seconds.toFixed(0)} s, ${(sizeBytes / 1024 / 1024).toFixed(1)} MiB (nodeImage ${nodeImage}, runtimeImage ${runtimeImage})`);
  return { engine, tag, nodeImage, runtimeImage, seconds, sizeBytes };
}

function parseArgs(argv: string[]): BuildOptions {
  const opts: BuildOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--tag') opts.tag = value();
    else if (a === '--ca-bundle') opts.caBundle = value();
    else if (a === '--base') {
      const v = value();
      if (v !== 'auto' && v !== 'local' && v !== 'registry') throw new Error('--base is auto, local or registry');
      opts.base = v;
    } else throw new Error(`unknown flag ${a} (flags: --tag NAME, --ca-bundle PATH, --base auto|local|registry)`);
  }
  return opts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const r = await buildImage(parseArgs(process.argv.slice(2)));
    console.log(`${r.tag} ${(r.sizeBytes / 1024 / 1024).toFixed(1)} MiB, built in ${r.seconds.toFixed(0)} s with ${r.engine}`);
  } catch (err) {
    console.error(`image:build: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
