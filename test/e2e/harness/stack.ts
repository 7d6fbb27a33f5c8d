// The usual stack of a controller e2e file: a fresh namespace, an emulator with domains, and the
// controller watching that namespace under the ServiceAccount of deploy/. Registers its own
// beforeAll/afterAll; read the members inside tests (they are set once beforeAll has run).
import { afterAll, beforeAll, inject } from 'vitest';
import { freshNamespace } from '../support/index.ts';
import { AwsView } from './aws-view.ts';
import { startController, startEmulator, type EmulatorProcess, type ControllerProcess } from '../../support/cpi.ts';
import { Resources } from './resources.ts';

export interface ControllerStack {
  ns: string;
  res: Resources;
  emulator: EmulatorProcess;
  aws: AwsView;
  controller: ControllerProcess;
}

export interface StackOptions {
  /** Domains created in the emulator first (default: retail). */
  domains?: string[];
  emulatorArgs?: string[];
  controllerArgs?: string[];
}

export function controllerStack(prefix: string, opts: StackOptions = {}): ControllerStack {
  const stack = {} as ControllerStack;
  beforeAll(async () => {
    stack.ns = await freshNamespace(prefix);
    stack.res = new Resources(stack.ns);
    stack.emulator = await startEmulator(opts.emulatorArgs);
    stack.aws = new AwsView(stack.emulator.admin);
    for (const d of opts.domains ?? ['retail']) await stack.emulator.admin.createDomain(d);
    stack.controller = await startController({
      kubeconfig: inject('e2e').controllerKubeconfig,
      emulator: stack.emulator,
      namespace: stack.ns,
      ...(opts.controllerArgs ? { args: opts.controllerArgs } : {}),
    });
  });
  afterAll(async () => {
    await stack.controller?.stop();
    await stack.emulator?.stop();
  });
  return stack;
}
