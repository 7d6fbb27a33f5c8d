// The Dockerfile's production stage, run without a container engine (`npm run test:image` builds and
// runs the real image; this runs in every `npm test`): it follows the Dockerfile's own steps (read
// from it, so the two cannot drift) in a temp dir: compile (build stage), `npm ci --omit=dev` (deps
// stage), copy what the final stage copies, then start the image's ENTRYPOINT: `cpi run --help` and
// `cpi emulator` must work with production dependencies only.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Stage {
  name: string;
  base: string;
  workdir: string;
  lines: string[];
}

/** The Dockerfile's stages, each with its WORKDIR and its instructions (continuations joined). */
function readStages(): Stage[] {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) stages.push({ name: from[2] ?? 'final', base: from[1]!, workdir: '/', lines: [] });
    else if (stages.length) {
      const stage = stages.at(-1)!;
      const wd = /^WORKDIR\s+(\S+)$/i.exec(line);
      if (wd) stage.workdir = wd[1]!;
      stage.lines.push(line);
    }
  }
  return stages;
}

const stages = readStages();
const stage = (name: string) => {
  const s = stages.find((x) => x.name === name);
  if (!s) throw new Error(`Dockerfile has no stage "${name}"`);
  return s;
};
const final = stages.at(-1)!;
const jsonArray = (instruction: string) => {
  const line = final.lines.find((l) => l.startsWith(`${instruction} `));
  if (!line) throw new Error(`the final stage has no ${instruction}`);
  return JSON.parse(line.slice(instruction.length + 1)) as string[];
};

const work = mkdtempSync(join(tmpdir(), 'cpi-image-'));
// Stage filesystems: each stage's WORKDIR maps to a directory of its own.
const stageRoots: Record<string, string> = {
  build: join(work, 'build'),
  deps: join(work, 'deps'),
  final: join(work, 'app'),
};
const app = stageRoots.final!;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): string {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
  }
  return res.stdout;
}

describe('the Dockerfile', () => {
  it('is multi-stage, runs as a non-root user and starts cpi run', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'deps', 'final']);
    expect(final.lines).toContain('USER 65532:65532');
    expect(jsonArray('ENTRYPOINT')).toEqual(['node', 'bin/cpi.js']);
    expect(jsonArray('CMD')).toEqual(['run']);
    expect(stage('deps').lines.some((l) => /npm ci .*--omit=dev/.test(l))).toBe(true);
    // Nothing from the build stage but the node binary and the compiled output reaches the image.
    const fromBuild = final.lines.filter((l) => l.includes('--from=build'));
    expect(fromBuild).toEqual(['COPY --from=build /usr/local/bin/node /usr/local/bin/node', 'COPY --from=build /src/dist ./dist']);
  });

  it('builds on NODE_IMAGE and runs on RUNTIME_IMAGE, a base without npm or a shell', () => {
    expect(stage('build').base).toBe('${NODE_IMAGE}');
    expect(stage('deps').base).toBe('${NODE_IMAGE}');
    expect(final.base).toBe('${RUNTIME_IMAGE}');
    const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^ARG NODE_IMAGE=docker\.io\/library\/node:24-bookworm-slim$/m);
    expect(text).toMatch(/^ARG RUNTIME_IMAGE=gcr\.io\/distroless\/cc-debian12:nonroot$/m);
    // No RUN in the final stage: it needs no shell.
    expect(final.lines.filter((l) => l.startsWith('RUN '))).toEqual([]);
  });

  it('keeps the build context to what it copies (.dockerignore)', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignore).toContain('*');
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/', 'bin/', 'scripts/bundle.ts']) {
      expect(ignore).toContain(`!${needed}`);
    }
  });
});

describe('the production stage, without Docker', () => {
  beforeAll(() => {
    // Build stage: `npm run build`, into the temp dir (never the checkout's dist/, which
    // bin/cpi.js would then prefer over src/ for everyone else's tests).
    expect(stage('build').lines).toContain('RUN npm run build');
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(stageRoots.build!, 'dist')], root);
    expect(stage('build').lines).toContain('RUN npm run build:bundle');
    run(process.execPath, [join(root, 'scripts/bundle.ts'), '--out', join(stageRoots.build!, 'dist')], root);

    // Deps stage: its RUN line, verbatim, except `npm cache clean` (this machine's cache is
    // shared) and with npm told to prefer that cache.
    const deps = stage('deps');
    mkdirSync(stageRoots.deps!, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) cpSync(join(root, f), join(stageRoots.deps!, f));
    const steps = deps.lines.find((l) => l.startsWith('RUN npm ci'))!.slice(4).split('&&').map((c) => c.trim().replace(/\s+/g, ' '));
    expect(steps[0]).toMatch(/^npm ci .*--omit=dev/);
    const command = steps.filter((c) => !c.startsWith('npm cache clean')).join(' && ');
    const res = spawnSync('sh', ['-c', command], {
      cwd: stageRoots.deps!,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
    });
    expect(res.status, `${command}\n${res.stdout}\n${res.stderr}`).toBe(0);

    // Final stage: exactly its COPY lines.
    mkdirSync(app, { recursive: true });
    for (const line of final.lines.filter((l) => l.startsWith('COPY '))) {
      const parts = line.split(/\s+/).slice(1);
      const fromFlag = parts[0]!.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
      const dest = parts.pop()!;
      // The node binary comes from the Node image; here the test's own Node 24 stands in for it.
      if (parts[0] === '/usr/local/bin/node') continue;
      for (const src of parts) {
        // --from=X copies an absolute path of stage X; without it, a path of the build context.
        const fromStage = fromFlag ? stage(fromFlag) : undefined;
        const from = fromStage ? join(stageRoots[fromStage.name]!, relative(fromStage.workdir, src)) : join(root, src);
        const to = dest.endsWith('/') ? join(app, dest, basename(src)) : join(app, dest);
        cpSync(from, resolve(to), { recursive: true });
      }
    }
  }, 600_000);

  it('holds the compiled CLI and production dependencies only', () => {
    expect(existsSync(join(app, 'dist/cli/main.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/cpi-run.mjs'))).toBe(true); // what bin/cpi.js runs for `cpi run`
    expect(existsSync(join(app, 'bin/cpi.js'))).toBe(true);
    expect(existsSync(join(app, 'src'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/@kubernetes/client-node'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/prom-client'))).toBe(true);
    // Declarations and source maps are pruned; the code beside them stays.
    expect(existsSync(join(app, 'node_modules/@kubernetes/client-node/dist/index.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/@kubernetes/client-node/dist/index.d.ts'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/@kubernetes/client-node/dist/index.js.map'))).toBe(false);
    for (const dev of ['vitest', 'typescript', 'fast-check', 'vite']) {
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    }
    // Nothing above the app dir can lend it modules the image would not have.
    for (let d = dirname(app); d !== dirname(d); d = dirname(d)) {
      expect(existsSync(join(d, 'node_modules')), d).toBe(false);
    }
  });

  const entrypoint = () => {
    const [cmd, ...args] = jsonArray('ENTRYPOINT');
    expect(cmd).toBe('node');
    return args; // run with this test's Node (24, as the image's)
  };
  const imageEnv = () => ({ ...process.env, NODE_ENV: 'production', HOME: app, CPI_DEBUG: '' });

  it('runs `cpi run --help` and prints its flags', () => {
    const res = spawnSync(process.execPath, [...entrypoint(), 'run', '--help'], { cwd: app, encoding: 'utf8', env: imageEnv(), timeout: 30_000 });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    for (const flag of ['--leader-elect', '--leader-election-namespace', '--metrics-addr', '--health-addr']) {
      expect(res.stdout).toContain(flag);
    }
  });

  it('`cpi --version` prints the package version from the compiled CLI (what cpi_build_info reports)', () => {
    const res = spawnSync(process.execPath, [...entrypoint(), '--version'], { cwd: app, encoding: 'utf8', env: imageEnv(), timeout: 30_000 });
    expect(res.status, res.stderr).toBe(0);
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(res.stdout.trim()).toBe(`cpi ${version} (Node.js ${process.version})`);
  });

  it('starts `cpi emulator --port 0`, which answers on the port it prints', async () => {
    const child = spawn(process.execPath, [...entrypoint(), 'emulator', '--port', '0'], { cwd: app, env: imageEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" line within 30 s:\n${out}\n${err}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`emulator exited with ${code}:\n${out}\n${err}`)));
    });
    const health = await fetch(`${url}/_emulator/health`);
    expect(health.status).toBe(200);
    // A real API route too: an unknown domain is AWS's 404 ResourceNotFoundException.
    const res = await fetch(`${url}/domains/no-such-domain/integrations`, { headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype') ?? '').toMatch(/ResourceNotFoundException/);

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
