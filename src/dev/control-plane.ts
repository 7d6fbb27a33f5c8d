// A real, throwaway Kubernetes control plane: etcd and kube-apiserver on free loopback ports, with
// a fresh CA, RBAC authorization and ServiceAccount token signing. Used by the e2e tests, `cpi cluster`
// and `cpi demo`. No controller-manager, scheduler or kubelet: namespaces never finish deleting,
// nothing is garbage-collected and Deployments make no Pods.
//
// Clean stop on every path: stop() in the normal case; a process 'exit' handler that SIGKILLs the
// children and removes the state dir synchronously (uncaught exceptions, process.exit); and a
// detached watchdog (./watchdog.ts) for deaths where no code of ours runs (SIGKILL, or a signal the
// host process does not handle). Children run in their own process groups, so a terminal's Ctrl-C
// reaches only us and we stop them in order (API server first, then etcd).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureK8sBinaries, type K8sBinaries, type Log } from './k8s-binaries.ts';
import { createPki, type Pki } from './pki.ts';
import { startWatchdog, type Watchdog } from './watchdog.ts';

export interface ControlPlaneOptions {
  /** Progress lines (build, start, ready). Default: silent. */
  log?: Log;
  /** Binaries to run; default: ensureK8sBinaries() (builds them when missing). */
  binaries?: K8sBinaries;
  /** Where the state dir goes; default /dev/shm when writable (etcd is fsync-heavy), else the OS tmpdir. */
  stateRoot?: string;
  /** How long to wait for /readyz. Default 90 s (a loaded 2-core machine can be slow). */
  readyTimeoutMs?: number;
  /** Aborts the start (the build, or the wait for readiness); whatever started is stopped. */
  signal?: AbortSignal;
}

export interface ControlPlane {
  /** Admin kubeconfig (system:masters), credentials embedded so it can be copied anywhere. */
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:PORT */
  readonly server: string;
  readonly caPath: string;
  /** The state dir (PKI, etcd data, logs); removed by stop(). */
  readonly dir: string;
  /** Stops kube-apiserver (`signal`, default SIGTERM; SIGKILL after `graceMs`) and waits until it is gone. etcd keeps running. */
  stopApiServer(opts?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
  /** Starts kube-apiserver again on the same port with the same certificates, and waits for /readyz. */
  startApiServer(): Promise<void>;
  /** stopApiServer then startApiServer: what the controller's "API server restart" tests need. */
  restartApiServer(opts?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
  pids(): { etcd?: number; kubeApiserver?: number; watchdog: number };
  /** API server and etcd logs, last `bytes` of each (for failure messages). */
  logs(bytes?: number): string;
  /** Stops everything and removes the state dir. Idempotent. */
  stop(): Promise<void>;
}

export class ControlPlaneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlPlaneError';
  }
}

// Every running control plane, for the synchronous last-resort cleanup at process exit.
const live = new Set<{ killSync(): void }>();
process.on('exit', () => {
  for (const cp of live) cp.killSync();
});

/** A port the kernel just handed out on 127.0.0.1 (tiny race until the child binds it; startControlPlane retries). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function defaultStateRoot(): string {
  try {
    const probe = mkdtempSync('/dev/shm/cpi-probe-');
    rmSync(probe, { recursive: true });
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

function tail(path: string, bytes: number): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.length > bytes ? `…${text.slice(-bytes)}` : text;
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** GET a URL; resolves with the status code, or undefined when the connection fails. */
function probe(url: string, tls?: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<number | undefined> {
  return new Promise((resolve) => {
    const opts = { timeout: 2000, agent: false as const, ...(tls ?? {}) };
    const req = (tls ? request : httpRequest)(url, opts, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

function adminKubeconfig(server: string, pki: Pki): string {
  const b64 = (p: string) => readFileSync(p).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'cpi-local', cluster: { server, 'certificate-authority-data': b64(pki.caCert) } }],
    users: [{ name: 'cpi-local-admin', user: { 'client-certificate-data': b64(pki.adminCert), 'client-key-data': b64(pki.adminKey) } }],
    contexts: [{ name: 'cpi-local', context: { cluster: 'cpi-local', user: 'cpi-local-admin', namespace: 'default' } }],
    'current-context': 'cpi-local',
  });
}

interface Proc {
  child: ChildProcess;
  exited: Promise<void>;
  /** Set on exit, or when it never started (spawn error, e.g. a missing binary). */
  done: boolean;
  spawnError?: Error;
  logPath: string;
}

/** Starts the control plane and resolves once /readyz answers 200 to the admin certificate. */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const binaries = opts.binaries ?? (await ensureK8sBinaries(log, opts.signal ? { signal: opts.signal } : {}));
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const started = Date.now();

  const dir = mkdtempSync(join(opts.stateRoot ?? defaultStateRoot(), 'cpi-control-plane-'));
  const watchdog: Watchdog = startWatchdog();
  watchdog.guardDir(dir);

  let etcd: Proc | undefined;
  let apiserver: Proc | undefined;
  let stopped = false;

  const entry = {
    killSync() {
      for (const p of [apiserver, etcd]) {
        const pid = p?.child.pid;
        if (pid && !p.done) {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
      watchdog.killSync();
    },
  };
  live.add(entry);

  const launch = (name: string, bin: string, args: string[]): Proc => {
    const logPath = join(dir, `${name}.log`);
    const fd = openSync(logPath, 'a');
    // Output goes to a file, not a pipe to us: a child must never block or die on a full or broken pipe.
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
    if (child.pid) watchdog.guardPid(child.pid);
    const proc: Proc = { child, exited: Promise.resolve(), done: false, logPath };
    proc.exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        proc.done = true;
        if (child.pid) watchdog.forgetPid(child.pid);
        resolve();
      });
      child.once('error', (err) => {
        if (child.pid) return; // errors after a successful spawn (a failed kill) change nothing
        proc.done = true;
        proc.spawnError = err;
        resolve();
      });
    });
    return proc;
  };

  const isRunning = (p?: Proc) => !!p && !p.done;

  const terminate = async (p: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) => {
    if (!p || !isRunning(p)) return;
    const pid = p.child.pid!;
    p.child.ref(); // keep the event loop alive until it is gone
    try {
      process.kill(-pid, signal);
    } catch {
      p.child.kill(signal);
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }, graceMs);
    await p.exited;
    clearTimeout(timer);
  };

  const logs = (bytes = 3000) =>
    [etcd && `--- etcd log (${etcd.logPath}) ---\n${tail(etcd.logPath, bytes)}`,
      apiserver && `--- kube-apiserver log (${apiserver.logPath}) ---\n${tail(apiserver.logPath, bytes)}`]
      .filter(Boolean).join('\n');

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // API server first, so it does not spend its shutdown retrying a dead etcd.
    await terminate(apiserver, 'SIGTERM', 5_000);
    await terminate(etcd, 'SIGTERM', 5_000);
    rmSync(dir, { recursive: true, force: true });
    await watchdog.dismiss();
    live.delete(entry);
  };

  /** Polls until `check` is true; fails early when `proc` exits. */
  const waitUntil = async (what: string, proc: Proc, check: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (opts.signal?.aborted) throw new ControlPlaneError('start interrupted');
      if (proc.spawnError) throw new ControlPlaneError(`${what}: could not start ${proc.child.spawnfile}: ${proc.spawnError.message}`);
      if (!isRunning(proc)) {
        throw new ControlPlaneError(`${what}: the process exited (code ${proc.child.exitCode}, signal ${proc.child.signalCode}) before it was ready.\n${logs()}`);
      }
      if (await check()) return;
      if (Date.now() > deadline) throw new ControlPlaneError(`${what}: not ready after ${timeoutMs / 1000} s.\n${logs()}`);
      await sleep(100);
    }
  };

  try {
    const pki = await createPki(dir);
    const tls = { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey) };

    // Ports can be taken between freePort() and the bind; etcd then exits at once and we try new ones.
    let etcdClient = 0;
    for (let attempt = 1; ; attempt++) {
      etcdClient = await freePort();
      const etcdPeer = await freePort();
      const client = `http://127.0.0.1:${etcdClient}`;
      const peer = `http://127.0.0.1:${etcdPeer}`;
      etcd = launch('etcd', binaries.etcd, [
        '--name=cpi', `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=cpi=${peer}`,
        // Throwaway data: durability buys nothing here and costs seconds on a busy disk.
        '--unsafe-no-fsync=true', '--log-level=warn',
      ]);
      try {
        await waitUntil('etcd', etcd, async () => (await probe(`${client}/health`)) === 200, 30_000);
        break;
      } catch (err) {
        if (attempt >= 3 || isRunning(etcd)) throw err;
        log(`etcd could not start (port taken?), retrying with other ports`);
      }
    }
    log(`etcd healthy on 127.0.0.1:${etcdClient} after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    const apiserverArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1', `--secure-port=${port}`, '--advertise-address=127.0.0.1',
      '--endpoint-reconciler-type=none', `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--client-ca-file=${pki.caCert}`,
      `--service-account-issuer=${server}`, `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      '--authorization-mode=RBAC',
      // No controller-manager creates `default` ServiceAccounts, so Pods could never be admitted with it on.
      '--disable-admission-plugins=ServiceAccount',
      '--service-cluster-ip-range=10.0.0.0/24', '--allow-privileged=true',
    ];
    const kubeconfigPath = join(dir, 'admin.kubeconfig');
    writeFileSync(kubeconfigPath, adminKubeconfig(server, pki), { mode: 0o600 });

    const startApiServer = async () => {
      if (stopped) throw new ControlPlaneError('the control plane was stopped');
      if (isRunning(apiserver)) return;
      const t0 = Date.now();
      apiserver = launch('kube-apiserver', binaries.kubeApiserver, apiserverArgs);
      const proc = apiserver;
      await waitUntil('kube-apiserver', proc, async () => (await probe(`${server}/readyz`, tls)) === 200, readyTimeoutMs);
      log(`kube-apiserver ready at ${server} (/readyz after ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    };
    const stopApiServer = async (o: { signal?: NodeJS.Signals; graceMs?: number } = {}) => {
      await terminate(apiserver, o.signal ?? 'SIGTERM', o.graceMs ?? 10_000);
    };

    await startApiServer();
    log(`control plane ready in ${((Date.now() - started) / 1000).toFixed(1)} s (state in ${dir})`);

    return {
      kubeconfigPath,
      server,
      caPath: pki.caCert,
      dir,
      stopApiServer,
      startApiServer,
      async restartApiServer(o = {}) {
        await stopApiServer(o);
        await startApiServer();
      },
      pids: () => ({
        ...(isRunning(etcd) ? { etcd: etcd!.child.pid! } : {}),
        ...(isRunning(apiserver) ? { kubeApiserver: apiserver!.child.pid! } : {}),
        watchdog: watchdog.pid,
      }),
      logs,
      stop,
    };
  } catch (err) {
    // A failed start must leave nothing behind either.
    await stop();
    throw err;
  }
}

