// `cpi` as a real process, for e2e tests, contract tests and benchmarks alike: spawned from the
// repository's bin with the Node that runs us (24). Output lines are kept in memory for
// assertions (and optionally appended to a log file, for long runs); lifecycle lines (starting,
// leadership) are kept apart for the whole life of the process. Every child is guarded by a
// watchdog, so it dies with us even when we are SIGKILLed (src/dev/watchdog.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EmulatorAdmin, emulatorClientEnv } from '../../src/emulator/admin-client.ts';
import { guard } from './guard.ts';
import { run, type RunResult } from './run.ts';
import { sleep, waitFor } from './wait.ts';

/** This checkout's entry point. */
export const CPI = fileURLToPath(new URL('../../bin/cpi.js', import.meta.url));

/** The environment every cpi process gets (Node 24 needs no SDK version warning). */
const BASE_ENV = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Controller log lines that mark a process's life; kept in full however long it runs. */
const LIFECYCLE = /"msg":"(starting|became leader|leadership lost[^"]*|stopped|serving metrics and probes)"/;

export interface CpiProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** The last `keepLines` lines of output (stdout and stderr interleaved). */
  readonly output: string[];
  /** Every lifecycle line, parsed, in order. */
  readonly lifecycle: Array<{ msg: string; time: number; [k: string]: unknown }>;
  /** Resolves with the exit code or the signal name, once the output is read. */
  readonly exited: Promise<number | string>;
  /** Epoch ms when the exit was observed (undefined while running). */
  exitedAt: number | undefined;
  alive(): boolean;
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` (SIGKILL after `timeoutMs`) and resolves with the exit code or signal. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  kill(): Promise<number | string>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Append every output line here. */
  logFile?: string;
  /** How many recent lines to keep in memory (default 20,000). */
  keepLines?: number;
  /** Called for every output line, with the stream it came from. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** The cpi entry point to run (default: this checkout's bin/cpi.js). */
  cli?: string;
}

export function spawnCpi(args: string[], o: SpawnOptions = {}): CpiProcess {
  const proc = spawn(process.execPath, [o.cli ?? CPI, ...args], {
    env: { ...process.env, ...BASE_ENV, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  if (proc.pid) guard().guardPid(proc.pid);
  const keep = o.keepLines ?? 20_000;
  const file: WriteStream | undefined = o.logFile ? createWriteStream(o.logFile, { flags: 'a' }) : undefined;
  const output: string[] = [];
  const lifecycle: CpiProcess['lifecycle'] = [];
  const onLine = (line: string, stream: 'stdout' | 'stderr') => {
    output.push(line);
    if (output.length > keep * 1.2) output.splice(0, output.length - keep);
    file?.write(`${line}\n`);
    if (LIFECYCLE.test(line)) {
      try {
        lifecycle.push(JSON.parse(line) as CpiProcess['lifecycle'][number]);
      } catch {
        // not JSON: not one of ours
      }
    }
    o.onLine?.(line, stream);
  };
  const partial = { stdout: '', stderr: '' };
  const reader = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    partial[stream] += chunk.toString('utf8');
    const lines = partial[stream].split('\n');
    partial[stream] = lines.pop()!;
    for (const l of lines) onLine(l, stream);
  };
  proc.stdout!.on('data', reader('stdout'));
  proc.stderr!.on('data', reader('stderr'));
  // 'close' comes once stdout and stderr are read to the end; a grandchild that holds our pipes
  // open must not keep us waiting for it, hence the cap after 'exit'.
  const closed = once(proc, 'close');
  const self: CpiProcess = {
    proc,
    pid: proc.pid!,
    output,
    lifecycle,
    exitedAt: undefined,
    exited: once(proc, 'exit').then(async ([code, signal]) => {
      self.exitedAt = Date.now();
      running.delete(proc);
      if (proc.pid) guard().forgetPid(proc.pid);
      await Promise.race([closed, sleep(2_000)]);
      for (const s of ['stdout', 'stderr'] as const) if (partial[s]) onLine(partial[s], s);
      file?.end();
      return (code ?? signal) as number | string;
    }),
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async waitForOutput(re, timeoutMs = 30_000) {
      let scanned = 0;
      return waitFor(
        () => {
          // output may be trimmed at the front; rescanning from 0 after a trim is harmless.
          if (scanned > output.length) scanned = 0;
          for (; scanned < output.length; scanned++) {
            const m = output[scanned]!.match(re);
            if (m) return m;
          }
          if (!self.alive()) throw new Error(`process exited before printing ${re}:\n${output.slice(-30).join('\n')}`);
          return undefined;
        },
        { timeoutMs, what: `output matching ${re}`, abortOnError: true },
      );
    },
    async stop(signal = 'SIGTERM', timeoutMs = 30_000) {
      if (!self.alive()) return self.exited;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const code = await self.exited;
      clearTimeout(timer);
      return code;
    },
    kill: () => self.stop('SIGKILL'),
  };
  return self;
}

/** Runs `cpi ...args` to completion, stdout and stderr apart. */
export const runCpi = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
  run(process.execPath, [CPI, ...args], { env: { ...process.env, ...BASE_ENV, ...env } });

export interface EmulatorProcess extends CpiProcess {
  url: string;
  admin: EmulatorAdmin;
  /** The AWS SDK environment that points a process at this emulator. */
  awsEnv: NodeJS.ProcessEnv;
}

/** `cpi emulator --port 0 ...args`; resolves once it listens. */
export async function startEmulator(args: string[] = [], o: SpawnOptions = {}): Promise<EmulatorProcess> {
  const p = spawnCpi(['emulator', '--port', '0', ...args], o);
  const m = await p.waitForOutput(/emulator listening on (http:\/\/\S+)/, 60_000);
  const url = m[1]!;
  return Object.assign(p, {
    url,
    admin: new EmulatorAdmin(url),
    awsEnv: emulatorClientEnv(url, 'AKIDCONTROLLER', 'controller-secret'),
  });
}

export interface ControllerProcess extends CpiProcess {
  identity: string;
  metricsUrl: string;
  /** Base URL of /healthz and /readyz. */
  healthUrl: string;
}

export interface ControllerOptions extends SpawnOptions {
  kubeconfig: string;
  emulator: EmulatorProcess;
  /** Adds `--namespace`. */
  namespace?: string;
  args?: string[];
  /** Default: debug (what e2e tests assert on); benchmarks run at info. */
  logLevel?: string;
}

/** `cpi run` under the given kubeconfig; resolves once it logged its metrics and probe URLs and its identity. */
export async function startController(o: ControllerOptions): Promise<ControllerProcess> {
  const args = ['run', '--kubeconfig', o.kubeconfig, '--metrics-addr', '127.0.0.1:0', '--health-addr', '127.0.0.1:0', '--log-level', o.logLevel ?? 'debug'];
  if (o.namespace) args.push('--namespace', o.namespace);
  const p = spawnCpi([...args, ...(o.args ?? [])], { ...o, env: { ...o.emulator.awsEnv, ...o.env } });
  const metrics = await p.waitForOutput(/"msg":"serving metrics and probes"/, 60_000);
  const started = await p.waitForOutput(/"identity":"([^"]+)".*"msg":"starting"/, 60_000);
  const urls = JSON.parse(metrics.input!) as { metrics: string; health: string };
  return Object.assign(p, { identity: started[1]!, metricsUrl: urls.metrics, healthUrl: urls.health });
}
