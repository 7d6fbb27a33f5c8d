// `cpi demo`: the embedded default. See src/dev/demo.ts for the story it tells.
import { parseFlags } from '../flags.ts';
import type { CommandIO } from '../io.ts';

const help = `Usage: cpi demo [--once] [--examples DIR]

Runs the whole operator on this machine: a local kube-apiserver + etcd (built with Go on first use,
about 5 minutes; seconds afterwards), the Customer Profiles emulator as AWS, and the controller. It
applies examples/, shows a live table of the resources turning Ready, then edits one resource and
deletes another, showing both converge. Ctrl-C stops everything and removes what it made.

Flags:
  --once           run the story without a terminal and exit: 0 when every step converged,
                   non-zero naming the step that failed otherwise (for scripts and CI)
  --examples DIR   the resources to apply (default: the package's examples/)
  -h, --help       show this help`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, { once: { type: 'boolean' }, examples: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(help);
    return 0;
  }
  let onSignal!: () => void;
  const interrupted = new Promise<void>((resolve) => (onSignal = resolve));
  const handler = () => {
    io.err('\ninterrupted: stopping ...');
    onSignal();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    const { runDemo } = await import('../../dev/demo.ts');
    return await runDemo({
      once: values.once === true,
      io,
      tty: !values.once && process.stdout.isTTY === true,
      ...(values.examples ? { examplesDir: values.examples } : {}),
      interrupted,
    });
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}
