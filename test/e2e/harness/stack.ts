// The usual stack of a controller e2e file: a fresh namespace, an emulator with domains, and the
// controller watching that namespace under the ServiceAccount of deploy/. Registers its own
// beforeAll/afterAll; read the members inside tests (they are set once beforeAll has run).
// Files that must disturb the API server, or run a controller over every namespace, ask for a
// control plane of their own (`privateCluster`), so the other files running beside them are safe.
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, inject } from 'vitest';
import { annotateNamespace } from '../../support/cluster.ts';
import { adminKubeConfig, freshNamespace, privateControlPlane, type PrivateControlPlane } from '../support/index.ts';
import { AwsView } from './aws-view.ts';
import { startController, startEmulator, type ControllerOptions, type ControllerProcess, type EmulatorProcess, type SpawnOptions } from '../../support/cpi.ts';
import { Resources } from './resources.ts';

/** The Namespace annotation naming the IAM role of its resources, spelled as users write it. */
export const ROLE_ARN = 'customerprofiles.gitops.dev/role-arn';

/** A domain in the emulator: a name (the default account and region), or where it lives. */
export type DomainRef = string | { name: string; region?: string; account?: string };

export interface ControllerStack {
  ns: string;
  res: Resources;
  emulator: EmulatorProcess;
  aws: AwsView;
  controller: ControllerProcess;
  /** The file's own control plane (with `privateCluster`); undefined on the run's shared one. */
  cluster: PrivateControlPlane | undefined;
  /** Admin client of the cluster the stack runs on. */
  admin: k8s.KubeConfig;
  /** Kubeconfig of the controller's ServiceAccount on that cluster. */
  controllerKubeconfig: string;
  /** Another fresh namespace on the stack's cluster, optionally naming the IAM role its resources use. */
  namespace(prefix: string, o?: { roleArn?: string }): Promise<Resources>;
  /** Stops `stop` once the controller has stopped, before the emulator (a proxy between the two). */
  defer(stop: () => Promise<unknown>): void;
  /** Stops the controller if it runs and starts a new one as the first was started, with `args`
   * instead of the stack's controllerArgs when given; `stack.controller` is the new one. */
  restartController(args?: string[]): Promise<ControllerProcess>;
}

export interface StackOptions {
  /** Domains created in the emulator first (default: retail). */
  domains?: DomainRef[];
  emulatorArgs?: string[];
  /** How the emulator process is spawned (keep every line, follow its output). */
  emulatorOptions?: SpawnOptions;
  controllerArgs?: string[];
  /** How the controller is run besides its flags: log level, extra environment, output. */
  controllerOptions?: Pick<ControllerOptions, 'env' | 'logLevel' | 'keepLines' | 'onLine'>;
  /** A control plane of the file's own (costs about 3 s and 300 MB): for files that stop its API server. */
  privateCluster?: boolean;
  /** Run the controller over every namespace (no --namespace). Implies `privateCluster`: on the
   * shared one it would reconcile other files' resources against its emulator. */
  allNamespaces?: boolean;
  /** Runs before the controller starts, with everything else up; what it returns is added to
   * the controller's environment (an endpoint of a proxy in front of the emulator). */
  beforeController?: (stack: ControllerStack) => Promise<NodeJS.ProcessEnv | void>;
}

export function controllerStack(prefix: string, opts: StackOptions = {}): ControllerStack {
  const deferred: Array<() => Promise<unknown>> = [];
  let env: NodeJS.ProcessEnv = {};
  const stack = {
    async namespace(p: string, o: { roleArn?: string } = {}) {
      const ns = await freshNamespace(p, stack.admin);
      if (o.roleArn) await annotateNamespace(stack.admin, ns, { [ROLE_ARN]: o.roleArn });
      return new Resources(ns, stack.admin);
    },
    defer: (stop: () => Promise<unknown>) => void deferred.push(stop),
    async restartController(args = opts.controllerArgs) {
      await stack.controller?.stop();
      stack.controller = await startController({
        ...opts.controllerOptions,
        kubeconfig: stack.controllerKubeconfig,
        emulator: stack.emulator,
        ...(opts.allNamespaces ? {} : { namespace: stack.ns }),
        ...(args ? { args } : {}),
        env: { ...opts.controllerOptions?.env, ...env },
      });
      return stack.controller;
    },
  } as ControllerStack;
  beforeAll(async () => {
    if (opts.privateCluster || opts.allNamespaces) {
      stack.cluster = await privateControlPlane();
      stack.admin = stack.cluster.admin;
      stack.controllerKubeconfig = stack.cluster.controllerKubeconfig;
    } else {
      stack.admin = adminKubeConfig();
      stack.controllerKubeconfig = inject('e2e').controllerKubeconfig;
    }
    stack.res = await stack.namespace(prefix);
    stack.ns = stack.res.namespace;
    stack.emulator = await startEmulator(opts.emulatorArgs, opts.emulatorOptions);
    stack.aws = new AwsView(stack.emulator.admin);
    for (const d of opts.domains ?? ['retail']) {
      if (typeof d === 'string') await stack.emulator.admin.createDomain(d);
      else await stack.emulator.admin.createDomain(d.name, d.region, d.account);
    }
    env = (await opts.beforeController?.(stack)) ?? {};
    await stack.restartController();
  });
  afterAll(async () => {
    await stack.controller?.stop();
    for (const stop of deferred.reverse()) await stop();
    await stack.emulator?.stop();
    await stack.cluster?.stop();
  });
  return stack;
}
