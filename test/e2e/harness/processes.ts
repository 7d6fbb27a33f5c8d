// Real processes for e2e tests: `cpi emulator` and `cpi run`, spawned from the repository's bin
// with the Node that runs the tests (24). Output is kept for assertions and shown on failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { EmulatorAdmin, emulatorClientEnv } from '../../../src/emulator/admin-client.ts';
import { startWatchdog, type Watchdog } from '../../../src/dev/watchdog.ts';
import { waitFor } from '../support/wait.ts';

const CPI = resolve(import.meta.dirname, '../../../bin/cpi.js');
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});
// vitest may end a worker without its 'exit' handlers (a timed-out beforeAll left controllers
// running that way): a guard process kills our children whenever this process dies.
let watchdog: Watchdog | undefined;
const guard = () => (watchdog ??= startWatchdog());

export interface Proc {
  proc: ChildProcess;
  output: string[];
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  kill(): Promise<number | string>;
}

export function spawnCpi(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const proc = spawn(process.execPath, [CPI, ...args], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  if (proc.pid) guard().guardPid(proc.pid);
  const output: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop()!;
    output.push(...lines);
    if (output.length > 20_000) output.splice(0, output.length - 20_000);
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = once(proc, 'exit').then(([code, signal]) => {
    running.delete(proc);
    if (proc.pid) guard().forgetPid(proc.pid);
    return (code ?? signal) as number | string;
  });
  const self: Proc = {
    proc,
    output,
    exited,
    async waitForOutput(re, timeoutMs = 30_000) {
      let done = false;
      void exited.then(() => (done = true));
      return waitFor(
        () => {
          for (const line of output) {
            const m = line.match(re);
            if (m) return m;
          }
          if (done) throw new Error(`process exited before printing ${re}:\n${output.slice(-30).join('\n')}`);
          return undefined;
        },
        { timeoutMs, what: `output matching ${re}` },
      );
    },
    async stop(signal = 'SIGTERM', timeoutMs = 30_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: () => self.stop('SIGKILL'),
  };
  return self;
}

export interface Emulator extends Proc {
  url: string;
  admin: EmulatorAdmin;
  /** The AWS SDK environment that points a process at this emulator. */
  awsEnv: NodeJS.ProcessEnv;
}

export async function startEmulator(args: string[] = []): Promise<Emulator> {
  const p = spawnCpi(['emulator', '--port', '0', ...args]);
  const m = await p.waitForOutput(/emulator listening on (http:\/\/\S+)/);
  const url = m[1]!;
  return Object.assign(p, {
    url,
    admin: new EmulatorAdmin(url),
    awsEnv: emulatorClientEnv(url, 'AKIDCONTROLLER', 'controller-secret'),
  });
}

export interface ControllerOptions {
  kubeconfig: string;
  emulator: Emulator;
  namespace?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** `cpi run` as a real process under the given kubeconfig (the ServiceAccount of deploy/). */
export async function startController(o: ControllerOptions): Promise<Proc> {
  const args = ['run', '--kubeconfig', o.kubeconfig, '--metrics-addr', '127.0.0.1:0', '--health-addr', '127.0.0.1:0', '--log-level', 'debug'];
  if (o.namespace) args.push('--namespace', o.namespace);
  const p = spawnCpi([...args, ...(o.args ?? [])], { ...o.emulator.awsEnv, ...o.env });
  await p.waitForOutput(/"msg":"starting"/);
  return p;
}
