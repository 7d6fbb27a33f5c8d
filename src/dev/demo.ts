// `cpi demo`: the whole product on one machine, no cloud account and no Docker. A local control
// plane, the emulator as AWS, the controller, the examples applied; then a live table while they
// turn Ready, a spec edit and a delete shown converging. Each step is named, so `--once` can say
// exactly which one failed. Every exit path stops what was started.
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION } from '../api/group.ts';
import type { CustomerProfilesIntegration } from '../api/types.ts';
/** Where the demo writes: the CLI passes its own output. */
interface CommandIO {
  out(line: string): void;
  err(line: string): void;
}
import { prepareCluster, readManifests, repoRoot } from './cluster-setup.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { ensureK8sBinaries } from './k8s-binaries.ts';
import { allReady, renderTable } from './demo-table.ts';
import { startEmulator, type RunningEmulator } from '../emulator/server.ts';
import { EmulatorAdmin, emulatorClientEnv } from '../emulator/admin-client.ts';

export interface DemoOptions {
  once: boolean;
  io: CommandIO;
  /** Redraw the table in place (a terminal) instead of printing it when it changes. */
  tty: boolean;
  examplesDir?: string;
  namespace?: string;
  stepTimeoutMs?: number;
  /** Resolves when the user asks to stop (Ctrl-C). */
  interrupted: Promise<void>;
}

class StepFailed extends Error {}

export async function runDemo(o: DemoOptions): Promise<number> {
  const { io } = o;
  const ns = o.namespace ?? 'demo';
  const work = mkdtempSync(join(tmpdir(), 'cpi-demo-'));
  const timeoutMs = o.stepTimeoutMs ?? 120_000;
  let cp: ControlPlane | undefined;
  let emulator: RunningEmulator | undefined;
  let manager: { stop(): void } | undefined;
  let managerDone: Promise<number> | undefined;
  let step = 'start';
  let cancelled = false;
  void o.interrupted.then(() => (cancelled = true));

  const say = (line: string) => io.out(line);
  const begin = (name: string) => {
    if (cancelled) throw new StepFailed('interrupted');
    step = name;
    say(`==> ${name}`);
  };

  try {
    begin('build or find kube-apiserver, etcd and kubectl');
    const binaries = await ensureK8sBinaries((l) => say(`    ${l}`));

    begin('start a local control plane');
    cp = await startControlPlane({ binaries, log: (l) => say(`    ${l}`) });
    const controllerKubeconfig = join(work, 'controller.kubeconfig');
    await prepareCluster(cp.kubeconfigPath, controllerKubeconfig);
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(cp.kubeconfigPath);
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    await admin.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });

    begin('start the Customer Profiles emulator (AWS default quotas)');
    emulator = await startEmulator({ port: 0, quotas: true });
    const aws = new EmulatorAdmin(emulator.url);
    const examples = readExamples(o.examplesDir ?? join(repoRoot(), 'examples'));
    for (const domain of new Set(examples.map((e) => e.spec.domainName))) await aws.createDomain(domain);
    // Observe-only examples watch integrations someone else made: make them, as a console user would.
    for (const e of examples) {
      if (e.spec.managementPolicy === 'Observe' && e.spec.uri) {
        await aws.putIntegrationOutOfBand(e.spec.domainName, e.spec.uri, { ObjectTypeName: e.spec.objectTypeName ?? 'CTR', ...(e.spec.tags ? { Tags: e.spec.tags } : {}) } as never);
      }
    }
    say(`    ${emulator.url} with domains ${[...new Set(examples.map((e) => e.spec.domainName))].join(', ')}`);

    begin('start the controller (as the ServiceAccount of deploy/)');
    Object.assign(process.env, emulatorClientEnv(emulator.url, process.env.AWS_ACCESS_KEY_ID ?? 'AKIDDEMO', process.env.AWS_SECRET_ACCESS_KEY ?? 'demo-secret', emulator.region));
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(controllerKubeconfig);
    const { Manager } = await import('../controller/manager.ts');
    const logFile = join(work, 'controller.log');
    const m = new Manager({
      kubeConfig: kc, namespace: ns, region: emulator.region, concurrency: 4, pollIntervalMs: 30_000,
      putTps: 1, readTps: 5, tagTps: 5, leaderElect: false, leaderElectionNamespace: 'cpi-system', leaderElectionId: 'cpi-controller',
      leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, metricsAddr: '0', healthAddr: '0', shutdownTimeoutMs: 5_000,
      log: pino({ level: 'info' }, pino.destination({ dest: logFile, sync: false })),
    });
    manager = m;
    managerDone = m.run();
    say(`    logs: ${logFile}`);

    begin(`apply ${examples.length} examples to namespace ${ns}`);
    for (const e of examples) {
      await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns, body: { ...e, metadata: { ...e.metadata, namespace: ns } } });
    }
    const list = async () => ((await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns })) as { items: CustomerProfilesIntegration[] }).items;
    const show = tableWriter(io, o.tty);

    begin('wait until every resource is Ready (AWS allows 1 PutIntegration per second)');
    const started = Date.now();
    await until(async () => {
      const items = await list();
      show(renderTable(items));
      return allReady(items);
    }, timeoutMs, () => cancelled);
    say(`    all ${examples.length} Ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const editable = examples.find((e) => (e.spec.managementPolicy ?? 'Manage') === 'Manage' && (e.spec.deletionPolicy ?? 'Delete') === 'Delete');
    if (!editable) throw new StepFailed('the examples have no Manage resource with deletionPolicy Delete to edit and delete');
    const name = editable.metadata.name;

    begin(`edit ${name}: set tags.demo=edited and objectTypeName`);
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    await custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns, name, body: { spec: { tags: { demo: 'edited' }, ...(editable.spec.objectTypeName ? { objectTypeName: `${editable.spec.objectTypeName}Edited` } : {}) } } }, merge);
    await until(async () => {
      const items = await list();
      show(renderTable(items));
      return allReady(items);
    }, timeoutMs, () => cancelled);
    const stateAfterEdit = JSON.stringify(await aws.state());
    if (!stateAfterEdit.includes('"demo":"edited"')) throw new StepFailed('the edited tag did not reach the emulator');
    say('    converged: AWS now has tags.demo=edited');

    begin(`delete ${name} (deletionPolicy Delete)`);
    const uri = (await list()).find((i) => i.metadata.name === name)?.status?.uri;
    if (!uri) throw new StepFailed(`${name} has no status.uri`);
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns, name });
    await until(async () => {
      const items = await list();
      show(renderTable(items));
      return !items.some((i) => i.metadata.name === name);
    }, timeoutMs, () => cancelled);
    if (JSON.stringify(await aws.state()).includes(JSON.stringify(uri))) throw new StepFailed(`the integration of ${name} is still in AWS`);
    say(`    ${name} is gone from Kubernetes and its integration from AWS`);

    if (o.once) {
      say('demo: every step converged');
      return 0;
    }
    say('');
    say('The demo keeps running. In another shell:');
    say(`  export KUBECONFIG=${cp.kubeconfigPath}`);
    say(`  kubectl get cpi -n ${ns}          # or edit/delete resources and watch them converge`);
    say(`  curl ${emulator.url}/_emulator/state`);
    say('Press Ctrl-C to stop everything.');
    await o.interrupted;
    return 0;
  } catch (err) {
    const why = cancelled ? 'interrupted' : err instanceof Error ? err.message : String(err);
    io.err(`demo failed at step "${step}": ${why}`);
    if (cp && !cancelled) io.err(`(control plane logs, last lines)\n${cp.logs(1500)}`);
    return cancelled ? 130 : 1;
  } finally {
    say('stopping the controller, the emulator and the control plane ...');
    manager?.stop();
    await managerDone?.catch(() => 1);
    await emulator?.close();
    await cp?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function readExamples(dir: string): CustomerProfilesIntegration[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)).sort();
  const docs = readManifests(files) as unknown as CustomerProfilesIntegration[];
  return docs.filter((d) => d.kind === KIND && d.apiVersion === API_VERSION);
}

function tableWriter(io: CommandIO, tty: boolean) {
  let last = '';
  return (table: string) => {
    if (table === last) return;
    last = table;
    if (tty) process.stdout.write(`\x1b[2J\x1b[H${table}\n`);
    else io.out(table.split('\n').map((l) => `    ${l}`).join('\n'));
  };
}

async function until(check: () => Promise<boolean>, timeoutMs: number, cancelled: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cancelled()) throw new StepFailed('interrupted');
    if (await check()) return;
    if (Date.now() > deadline) throw new StepFailed(`not converged after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
