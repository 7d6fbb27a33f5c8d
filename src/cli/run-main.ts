// `cpi run` alone: the input of the production bundle (dist/cpi-run.mjs, `npm run build:bundle`),
// which bin/cpi.js runs for `cpi run` when it exists. It imports nothing but the controller's own
// code path, so the emulator, the control plane and the dev tools are not in the bundle at all.
import { execute } from './main.ts';
import { defaultIO, type CommandIO } from './io.ts';

/** Same contract as main(): argv starts with the command, which must be `run`. */
export async function main(argv: string[], opts: { io?: CommandIO } = {}): Promise<number> {
  const io = opts.io ?? defaultIO();
  if (argv[0] !== 'run') {
    io.err(`error: this entry point runs only "cpi run" (got "${argv[0] ?? ''}")`);
    return 1;
  }
  return execute(() => import('./commands/run.ts'), argv.slice(1), io);
}
