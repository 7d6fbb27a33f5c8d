// Proves with `ps` that a local control plane leaves no process and no state dir behind, however
// the process that runs it ends: stop(), a failing start, an uncaught exception, SIGINT/SIGTERM of
// `cpi cluster`, a SIGTERM or SIGKILL that no handler sees (the watchdog's job), and a whole e2e
// vitest run that fails or is interrupted with Ctrl-C. Also the build script's error messages.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ALL_KIND_NAMES } from '../../src/api/group.ts';
import { startControlPlane } from '../../src/dev/control-plane.ts';
import { k8sBinaryPaths } from '../../src/dev/k8s-binaries.ts';
import { e2eContext, WaitAborted, waitFor } from './support/index.ts';

/** Live processes whose command line contains `text`, from `ps` (not from our own bookkeeping). */
function processesMentioning(text: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(text) && !l.includes('ps -eo'));
}

function isAlive(pid: number): boolean {
  try {
    execFileSync('ps', ['-p', String(pid), '-o', 'pid='], { stdio: 'pipe' });
    return true;
  } catch {
    return false; // ps exits 1 when no such process
  }
}

/** Children (direct) of a pid, from `ps`. */
function childrenOf(pid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim().split(/\s+/).map(Number)).filter(([, ppid]) => ppid === pid).map(([p]) => p!);
}

const roots: string[] = [];
/** A fresh parent folder for state dirs, so we can check that nothing is left inside it. */
function stateRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'cpi-cp-test-'));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const repo = () => e2eContext().repoRoot;

/** Spawns a node process and resolves once a stdout line matches; the caller signals it. */
async function spawnUntilLine(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const child = spawn(process.execPath, args, { cwd: repo(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  let closed = false; // after 'close' all output has been read, unlike after 'exit'
  child.once('close', () => (closed = true));
  const output = () => `stdout:\n${out}\nstderr:\n${err}`;
  const match = await waitFor(() => {
    const m = out.match(pattern);
    if (m) return m;
    if (closed) throw new WaitAborted(`exited ${child.exitCode} early:\n${output()}`);
    return undefined;
  }, { what: `a line matching ${pattern}`, timeoutMs: 120_000 });
  return { child, match, output };
}

const exitOf = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

const nothingLeft = async (dir: string, pids: number[]) => {
  await waitFor(() => pids.every((p) => !isAlive(p)) && processesMentioning(dir).length === 0 && !existsSync(dir), {
    what: `no process of ${dir} alive (pids ${pids.join(', ')}) and the dir removed`,
    timeoutMs: 20_000,
  });
};

describe('local control plane', () => {
  test('start, serve, restart the API server on the same port, stop: nothing left', async () => {
    const root = stateRoot();
    const cp = await startControlPlane({ stateRoot: root });
    const pids = cp.pids();
    expect(pids.etcd).toBeGreaterThan(0);
    expect(pids.kubeApiserver).toBeGreaterThan(0);
    expect(processesMentioning(cp.dir).length).toBeGreaterThanOrEqual(2); // etcd and kube-apiserver
    const kubectl = k8sBinaryPaths().kubectl;
    const k = (...args: string[]) => execFileSync(kubectl, [`--kubeconfig=${cp.kubeconfigPath}`, ...args], { encoding: 'utf8' });
    expect(k('version', '-o', 'json')).toContain('"gitVersion": "v1.36.3"');
    k('create', 'configmap', 'survivor', '--from-literal=a=b');

    // The soak and the controller tests kill the API server: etcd and the data must survive.
    await cp.restartApiServer({ signal: 'SIGKILL' });
    const after = cp.pids();
    expect(after.kubeApiserver).not.toBe(pids.kubeApiserver);
    expect(after.etcd).toBe(pids.etcd);
    expect(isAlive(pids.kubeApiserver!)).toBe(false);
    expect(k('get', 'configmap', 'survivor', '-o', 'jsonpath={.data.a}')).toBe('b');

    await cp.stop();
    await nothingLeft(cp.dir, [pids.etcd!, after.kubeApiserver!, pids.watchdog]);
    expect(readdirSync(root)).toEqual([]);
    await cp.stop(); // idempotent
  });

  test('a failing start leaves nothing behind', async () => {
    const root = stateRoot();
    const real = k8sBinaryPaths();
    // kube-apiserver that exits at once: etcd is already up by then and must be stopped.
    await expect(startControlPlane({ stateRoot: root, binaries: { ...real, kubeApiserver: '/bin/false' } })).rejects.toThrow(
      /kube-apiserver: the process exited \(code 1/,
    );
    expect(readdirSync(root)).toEqual([]);
    expect(processesMentioning(root)).toEqual([]);
    // A binary that is not there fails at once with its path, not after the 90 s readiness wait.
    const t0 = Date.now();
    await expect(startControlPlane({ stateRoot: root, binaries: { ...real, kubeApiserver: join(root, 'missing', 'kube-apiserver') } })).rejects.toThrow(
      /kube-apiserver: could not start .*missing\/kube-apiserver: spawn .* ENOENT/,
    );
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(readdirSync(root)).toEqual([]);
    expect(processesMentioning(root)).toEqual([]);
  });

  test('an uncaught exception in the process that runs it leaves nothing behind', async () => {
    const root = stateRoot();
    const script = `
      import { startControlPlane } from ${JSON.stringify(join(repo(), 'src/dev/control-plane.ts'))};
      const cp = await startControlPlane({ stateRoot: ${JSON.stringify(root)} });
      console.log('STARTED ' + JSON.stringify({ ...cp.pids(), dir: cp.dir }));
      setTimeout(() => { throw new Error('boom'); }, 10);`;
    const { child, match } = await spawnUntilLine(['--input-type=module', '-e', script], /STARTED (.*)/);
    const info = JSON.parse(match[1]!) as { etcd: number; kubeApiserver: number; watchdog: number; dir: string };
    expect(isAlive(info.etcd) && isAlive(info.kubeApiserver)).toBe(true);
    const { code } = await exitOf(child);
    expect(code).toBe(1);
    await nothingLeft(info.dir, [info.etcd, info.kubeApiserver, info.watchdog]);
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    test(`${signal} of a process that handles no signals: the watchdog cleans up`, async () => {
      const root = stateRoot();
      const script = `
        import { startControlPlane } from ${JSON.stringify(join(repo(), 'src/dev/control-plane.ts'))};
        const cp = await startControlPlane({ stateRoot: ${JSON.stringify(root)} });
        console.log('STARTED ' + JSON.stringify({ ...cp.pids(), dir: cp.dir }));
        setInterval(() => {}, 1000);`;
      const { child, match } = await spawnUntilLine(['--input-type=module', '-e', script], /STARTED (.*)/);
      const info = JSON.parse(match[1]!) as { etcd: number; kubeApiserver: number; watchdog: number; dir: string };
      child.kill(signal);
      const { signal: got } = await exitOf(child);
      expect(got).toBe(signal); // died by the signal: no handler of ours ran
      await nothingLeft(info.dir, [info.etcd, info.kubeApiserver, info.watchdog]);
      expect(readdirSync(root)).toEqual([]);
    });
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} of \`cpi cluster\`: ordered stop, exit 0, nothing left`, async () => {
      const out = join(stateRoot(), 'kubeconfig');
      // SIGINT: the full command (CRD and RBAC installed); SIGTERM: --bare.
      const bare = signal === 'SIGTERM';
      const { child, match, output } = await spawnUntilLine(
        ['bin/cpi.js', 'cluster', ...(bare ? ['--bare'] : []), '--kubeconfig-out', out],
        /^export KUBECONFIG=(.*)$/m,
      );
      expect(match[1]).toBe(out);
      expect(readFileSync(out, 'utf8')).toContain('client-certificate-data');
      const server = /server: (\S+)/.exec(readFileSync(out, 'utf8'))![1]!;
      const kubectl = k8sBinaryPaths().kubectl;
      expect(execFileSync(kubectl, [`--kubeconfig=${out}`, 'get', 'ns', 'default', '-o', 'name'], { encoding: 'utf8' }).trim()).toBe(
        'namespace/default',
      );
      const crd = execFileSync(kubectl, [`--kubeconfig=${out}`, 'get', 'crd', '-o', 'name'], { encoding: 'utf8' });
      if (bare) expect(crd.trim()).toBe('');
      else {
        for (const names of ALL_KIND_NAMES) expect(crd).toContain(names.crdName);
        const controller = /ServiceAccount cpi-system\/cpi-controller: (\S+)/.exec(output())![1]!;
        const can = (verb: string, what: string) =>
          execFileSync(kubectl, [`--kubeconfig=${controller}`, 'auth', 'can-i', verb, what, '-A'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
        for (const names of ALL_KIND_NAMES) expect(can('watch', names.crdName)).toBe('yes');
        expect(() => can('list', 'secrets')).toThrow(); // `auth can-i` exits 1 for "no"
      }
      // The state dir is in the args of etcd and kube-apiserver; the watchdog is a child too.
      const kids = childrenOf(child.pid!);
      expect(kids.length).toBe(3);
      const dirLine = processesMentioning('--data-dir=').find((l) => kids.includes(Number(l.trim().split(/\s+/)[0])));
      const dir = dirname(/--data-dir=(\S+)/.exec(dirLine!)![1]!);

      child.kill(signal);
      const { code } = await exitOf(child);
      expect(code, output()).toBe(0);
      expect(output()).toContain('nothing left running');
      await nothingLeft(dir, kids);
      expect(existsSync(out)).toBe(false);
      expect(processesMentioning(server.replace('https://127.0.0.1', ''))).toEqual([]);
    });
  }
});

describe('building the binaries (npm run k8s:build)', () => {
  const build = (env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['tools/k8s-bin/build.ts'], { cwd: repo(), env }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const noStack = /\n\s+at /;

  test('without Go: says what to install, or to use E2E_KUBECONFIG', async () => {
    const empty = join(stateRoot(), 'bin');
    const r = await build({ PATH: dirname(process.execPath), HOME: process.env.HOME, CPI_K8S_BIN_DIR: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Go is not installed');
    expect(r.stderr).toContain('https://go.dev/dl/');
    expect(r.stderr).toContain('E2E_KUBECONFIG=');
    expect(r.stderr).not.toMatch(noStack);
    expect(existsSync(empty) ? readdirSync(empty) : []).toEqual([]);
  });

  test('with a Go that is too old: names the version found and the one needed', async () => {
    const root = stateRoot();
    const fakeBin = join(root, 'fake-go');
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'go'), '#!/bin/sh\necho go1.22.5\n');
    chmodSync(join(fakeBin, 'go'), 0o755);
    const r = await build({ PATH: `${fakeBin}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: process.env.HOME, CPI_K8S_BIN_DIR: join(root, 'bin') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Go 1.26 or newer is needed to build Kubernetes v1.36.3, found 'go1.22.5'");
    expect(r.stderr).not.toMatch(noStack);
  });

  test('with the cache complete: builds nothing and prints where the binaries are', async () => {
    const r = await build({ ...process.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('k8s-bin: building');
    for (const path of Object.values(k8sBinaryPaths())) expect(r.stdout).toContain(path);
  });
});

describe('an e2e run (vitest + global setup) that fails or is interrupted with Ctrl-C', () => {
  for (const mode of ['interrupt', 'fail'] as const) {
    test(`${mode}: no process of its control plane is left`, async () => {
      // Its own process group, like a terminal's foreground job: Ctrl-C is SIGINT to the whole group.
      const child = spawn(
        process.execPath,
        [join(repo(), 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/e2e/support/interrupt/vitest.config.ts'],
        { cwd: repo(), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INTERRUPT_MODE: mode === 'fail' ? 'fail' : 'hang', E2E_KUBECONFIG: '' } },
      );
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      let closed = false;
      child.once('close', () => (closed = true));
      try {
        const dir = (await waitFor(() => {
          const m = /state in (\S+)\)/.exec(out);
          if (m) return m;
          if (closed) throw new WaitAborted(`vitest exited before its control plane was up:\n${out}`);
          return undefined;
        }, { what: 'the nested run to start its control plane', timeoutMs: 120_000 }))[1]!;
        // The state dir is in the command lines of etcd and kube-apiserver.
        const pids = processesMentioning(dir).map((l) => Number(l.trim().split(/\s+/)[0]));
        expect(pids.length).toBe(2);

        if (mode === 'interrupt') {
          await waitFor(() => {
            if (out.includes('NESTED-TEST-RUNNING')) return true;
            if (closed) throw new WaitAborted(`vitest exited early:\n${out}`);
            return false;
          }, { what: 'the nested test to run', timeoutMs: 60_000 });
          process.kill(-child.pid!, 'SIGINT');
        }
        await exitOf(child);
        if (mode === 'fail') expect(child.exitCode).toBe(1);
        await nothingLeft(dir, pids);
      } finally {
        // Its stdio may close after the group is gone (ESRCH then just means: nothing left to kill).
        if (!closed) {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
          }
        }
      }
    });
  }
});

describe('E2E_KUBECONFIG', () => {
  test('an e2e run uses the existing cluster it names: no control plane of its own, CRD and RBAC installed, cluster left running', async () => {
    const existing = await startControlPlane({ stateRoot: stateRoot() });
    try {
      const r = await new Promise<{ code: number; out: string }>((resolve) => {
        execFile(
          process.execPath,
          [join(repo(), 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/e2e/support/interrupt/vitest.config.ts'],
          { cwd: repo(), env: { ...process.env, INTERRUPT_MODE: 'pass', E2E_KUBECONFIG: existing.kubeconfigPath } },
          (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        );
      });
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(`using the existing cluster of E2E_KUBECONFIG=${existing.kubeconfigPath}`);
      expect(r.out).not.toContain('control plane ready');
      expect(r.out).toContain(`NESTED-TEST-RUNNING ${existing.server}`);
      const kubectl = k8sBinaryPaths().kubectl;
      const k = (...args: string[]) => execFileSync(kubectl, [`--kubeconfig=${existing.kubeconfigPath}`, ...args], { encoding: 'utf8' });
      expect(k('get', 'crd', '-o', 'name')).toContain('customerprofilesintegrations.customerprofiles.gitops.dev');
      expect(k('get', 'serviceaccount', 'cpi-controller', '-n', 'cpi-system', '-o', 'name').trim()).toBe('serviceaccount/cpi-controller');
      // Teardown left the cluster it did not start alone.
      expect(existing.pids().kubeApiserver).toBeGreaterThan(0);
      expect(existing.pids().etcd).toBeGreaterThan(0);
    } finally {
      await existing.stop();
    }
  });
});
