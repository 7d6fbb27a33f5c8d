// `cpi cluster`: a local kube-apiserver + etcd in the foreground, for trying the operator without a
// cluster or Docker. Prints the `export KUBECONFIG=...` line, runs until Ctrl-C, then removes
// everything it made.
import { existsSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { watchAncestors } from '../../dev/ancestors.ts';
import { startControlPlane, type ControlPlane } from '../../dev/control-plane.ts';
import { K8S_VERSION, K8sBuildError } from '../../dev/k8s-binaries.ts';
import { CONTROLLER_NAMESPACE, CONTROLLER_SERVICE_ACCOUNT, prepareCluster } from '../../dev/cluster-setup.ts';
import { parseFlags } from '../flags.ts';
import { CliError, type CommandIO } from '../io.ts';

const help = `Usage: cpi cluster [flags]

Runs a local Kubernetes control plane (kube-apiserver ${K8S_VERSION} and etcd, no Docker needed) in the
foreground until Ctrl-C, with the CustomerProfilesIntegration CRD and the controller's RBAC installed.
The first run builds the binaries with Go (about 5 minutes); later runs start in seconds.
Nothing runs in the cluster: no scheduler, no kubelet, so Pods never start and namespaces never
finish deleting. Run the controller on your machine against it instead (cpi run / cpi demo).

It stops, and removes everything it made, when the command that started it ends however it
ends: Ctrl-C, SIGTERM, the terminal closing, or its parent (npm, a shell) being killed. To keep
it running detached from a shell, start it in its own session: setsid cpi cluster > cluster.log &

Flags:
  --kubeconfig-out PATH  also write the admin kubeconfig to PATH (must not exist; removed on exit)
  --bare                 do not install the CRD and RBAC
  -h, --help             show this help`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, {
    'kubeconfig-out': { type: 'string' },
    bare: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(help);
    return 0;
  }
  const out = values['kubeconfig-out'] ? resolve(values['kubeconfig-out']) : undefined;
  // Never overwrite (and later delete) a kubeconfig someone relies on, such as ~/.kube/config.
  if (out && existsSync(out)) {
    throw new CliError(`--kubeconfig-out: ${out} already exists; choose a new path (cpi cluster removes it on exit)`);
  }

  let cp: ControlPlane | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await cp?.stop();
      if (out) rmSync(out, { force: true });
    })());

  // Ctrl-C while starting or running: stop in order (API server, then etcd), remove the state, exit.
  let interrupted: string | undefined; // the signal, or which ancestor exited
  const abort = new AbortController(); // interrupts a build or a start in progress
  let wake: () => void = () => {};
  const onSignal = (sig: string) => {
    if (interrupted) {
      // A second Ctrl-C: leave now; the exit handler SIGKILLs what is left and removes the state.
      io.err(`${sig} again: killing the control plane`);
      process.exit(130);
    }
    interrupted = sig;
    io.err(`\n${sig}: stopping the control plane ...`);
    abort.abort();
    wake();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  // The terminal or the pipe to npm may be gone by the time we say goodbye: that must not stop the cleanup.
  const ignore = () => {};
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
  // No signal reaches us when npm or the shell between us is killed: notice that they are gone.
  // (A terminal closing sends SIGHUP as its shell exits: one reason to stop is enough.)
  const unwatch = watchAncestors((gone) => interrupted || onSignal(`${gone.name} (pid ${gone.pid}) exited`));

  try {
    const t0 = Date.now();
    try {
      cp = await startControlPlane({ log: (line) => io.err(line), signal: abort.signal });
    } catch (err) {
      if (interrupted) return 130;
      if (err instanceof K8sBuildError) throw new CliError(err.message);
      throw err;
    }
    if (!interrupted && !values.bare) {
      const controllerKubeconfig = join(cp.dir, 'controller.kubeconfig');
      const { crds } = await prepareCluster(cp.kubeconfigPath, controllerKubeconfig);
      io.err(`installed ${crds.join(', ')} and the controller's RBAC (deploy/base)`);
      io.err(`kubeconfig of ServiceAccount ${CONTROLLER_NAMESPACE}/${CONTROLLER_SERVICE_ACCOUNT}: ${controllerKubeconfig}`);
    }
    if (interrupted) return 130;
    let kubeconfig = cp.kubeconfigPath;
    if (out) {
      writeFileSync(out, readFileSync(cp.kubeconfigPath), { mode: 0o600, flag: 'wx' });
      kubeconfig = out;
    }
    io.err(`control plane up in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${cp.server}; Ctrl-C stops it and removes its state`);
    io.out(`export KUBECONFIG=${kubeconfig}`);

    // Wait for a signal, or for a component to die on its own.
    const died = await new Promise<string | undefined>((resolveWait) => {
      const timer = setInterval(() => {
        const pids = cp!.pids();
        if (!pids.kubeApiserver || !pids.etcd) resolveWait(!pids.kubeApiserver ? 'kube-apiserver' : 'etcd');
      }, 1000);
      wake = () => {
        clearInterval(timer);
        resolveWait(undefined);
      };
      if (interrupted) wake();
    });
    if (died) {
      io.err(`error: ${died} exited unexpectedly; its log:\n${cp.logs()}`);
      return 1;
    }
    return 0;
  } finally {
    unwatch();
    await stop();
    for (const s of signals) process.off(s, onSignal);
    process.stdout.off('error', ignore);
    process.stderr.off('error', ignore);
    if (interrupted) io.err('stopped; nothing left running');
  }
}
