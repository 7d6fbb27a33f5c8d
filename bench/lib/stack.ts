// One benchmark's world: a control plane of its own, then per scenario an emulator process, a
// namespace with a watch on it, and a controller process (`cpi run`) under the ServiceAccount of
// deploy/. Every bench starts and stops these through here, so they all measure the same setup.
import { join } from 'node:path';
import { startController, startEmulator, type ControllerProcess, type EmulatorProcess } from '../../test/support/cpi.ts';
import { createNamespace, startPrivateCluster, type PrivateCluster as Cluster } from '../../test/support/cluster.ts';
import { Resources } from '../../test/support/resources.ts';
import { ReadyWatch } from './ready-watch.ts';
import { log } from './report.ts';

/** The controller flags that take the pacer out of the way (AWS quotas off). */
export const UNPACED = ['--put-tps', '1000', '--read-tps', '1000', '--tag-tps', '1000'];

export interface Scenario {
  namespace: string;
  emulator: EmulatorProcess;
  user: Resources;
  watch: ReadyWatch;
  controller?: ControllerProcess;
  /** Starts (or restarts) the controller for this namespace with extra flags. */
  startController(args?: string[], env?: NodeJS.ProcessEnv, cli?: string): Promise<ControllerProcess>;
  stop(): Promise<void>;
}

export interface ScenarioOptions {
  namespace: string;
  emulatorArgs?: string[];
  domains?: string[];
}

export async function startScenario(cluster: Cluster, o: ScenarioOptions): Promise<Scenario> {
  await createNamespace(cluster.admin, o.namespace);
  const emulator = await startEmulator(o.emulatorArgs ?? [], { logFile: join(cluster.work, `${o.namespace}-emulator.log`) });
  for (const d of o.domains ?? []) await emulator.admin.createDomain(d);
  const watch = new ReadyWatch(cluster.admin, o.namespace);
  await watch.start();
  const s: Scenario = {
    namespace: o.namespace,
    emulator,
    user: new Resources(o.namespace, cluster.admin),
    watch,
    async startController(args = [], env = {}, cli) {
      await s.controller?.stop();
      s.controller = await startController({
        kubeconfig: cluster.controllerKubeconfig,
        emulator,
        namespace: o.namespace,
        args,
        logLevel: 'info',
        env,
        ...(cli ? { cli } : {}),
        logFile: join(cluster.work, `${o.namespace}-controller.log`),
      });
      log(`controller pid ${s.controller.pid} (${args.join(' ') || 'defaults'})`);
      return s.controller;
    },
    async stop() {
      watch.stop();
      await s.controller?.stop();
      await emulator.stop();
    },
  };
  return s;
}

/** Starts the cluster, runs `body`, and always stops everything. */
export async function withCluster<T>(body: (cluster: Cluster) => Promise<T>): Promise<T> {
  log('starting the control plane (kube-apiserver + etcd)');
  const cluster = await startPrivateCluster();
  const onSignal = () => void cluster.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body(cluster);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cluster.stop();
  }
}

/** Sum of HTTP 429 answers in the emulator's counters (ThrottlingException). */
export function throttles(counters: Record<string, Record<string, number>>): number {
  return Object.values(counters).reduce((sum, byStatus) => sum + (byStatus['429'] ?? 0), 0);
}

/** Calls per operation from the emulator's counters, all statuses. */
export function callsByOperation(counters: Record<string, Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).map(([op, byStatus]) => [op, Object.values(byStatus).reduce((a, b) => a + b, 0)]));
}
