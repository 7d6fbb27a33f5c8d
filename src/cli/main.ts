// The `cpi` command: a thin dispatcher. Each subcommand lives in its own module under
// ./commands and is loaded only when used, so `cpi validate` never pays for the AWS SDK.
import { CliError, type CommandIO, defaultIO } from './io.ts';
import { packageVersion } from './version.ts';

type CommandModule = { run(argv: string[], io: CommandIO): Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  run: { summary: 'run the controller', load: () => import('./commands/run.ts') },
  validate: { summary: 'validate CustomerProfilesIntegration YAML offline (for CI)', load: () => import('./commands/validate.ts') },
  plan: { summary: 'show the AWS calls a reconcile would make (read-only)', load: () => import('./commands/plan.ts') },
  import: { summary: 'print resources for the integrations of an existing domain', load: () => import('./commands/import.ts') },
  crd: { summary: 'print the CustomResourceDefinition', load: () => import('./commands/crd.ts') },
  emulator: { summary: 'run the Customer Profiles API emulator on localhost', load: () => import('./commands/emulator.ts') },
  cluster: { summary: 'run a local kube-apiserver and etcd in the foreground', load: () => import('./commands/cluster.ts') },
  demo: { summary: 'local control plane + emulator + controller + examples', load: () => import('./commands/demo.ts') },
};

const pluginCommands = new Set(['plan', 'import', 'validate']);

export function usage(asKubectlPlugin = false): string {
  const prog = asKubectlPlugin ? 'kubectl cpi' : 'cpi';
  const names = Object.keys(commands).filter((n) => !asKubectlPlugin || pluginCommands.has(n));
  const width = Math.max(...names.map((n) => n.length));
  return [
    `Usage: ${prog} <command> [flags]`,
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`),
    '',
    `Run '${prog} <command> --help' for the flags of a command; '${prog} --version' prints the version.`,
  ].join('\n');
}

export async function main(
  argv: string[],
  opts: { asKubectlPlugin?: boolean; io?: CommandIO } = {},
): Promise<number> {
  const base = opts.io ?? defaultIO();
  const io: CommandIO = opts.asKubectlPlugin ? { out: (l) => base.out(l), err: (l) => base.err(l), prog: 'kubectl cpi' } : base;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(opts.asKubectlPlugin));
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`${opts.asKubectlPlugin ? 'kubectl-cpi' : 'cpi'} ${packageVersion()} (Node.js ${process.version})`);
    return 0;
  }
  const entry = commands[name];
  if (!entry || (opts.asKubectlPlugin && !pluginCommands.has(name))) {
    io.err(`error: unknown command "${name}"\n\n${usage(opts.asKubectlPlugin)}`);
    return 1;
  }
  return execute(entry.load, rest, io);
}

/** Loads and runs one command; bad input gets a clear message and a non-zero exit, never a stack trace. */
export async function execute(load: () => Promise<CommandModule>, argv: string[], io: CommandIO): Promise<number> {
  try {
    const mod = await load();
    return await mod.run(argv, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`error: ${err.message}`);
      return err.exitCode;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.CPI_DEBUG) io.err(String(err instanceof Error ? err.stack : err));
    return 1;
  }
}
