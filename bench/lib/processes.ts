// `cpi emulator` and `cpi run` as real processes, for benchmarks and the soak. Unlike the e2e
// harness, a long run must not lose the lines it reasons about: every line is appended to a log
// file, the last `keepLines` stay in memory, and lifecycle lines (starting, leadership) are kept
// apart for the whole life of the process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EmulatorAdmin, emulatorClientEnv } from '../../src/emulator/admin-client.ts';
import { waitUntil } from './wait.ts';

const CPI = fileURLToPath(new URL('../../bin/cpi.js', import.meta.url));
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Controller log lines that mark a process's life; kept in full however long it runs. */
const LIFECYCLE = /"msg":"(starting|became leader|leadership lost[^"]*|stopped|serving metrics and probes)"/;

export interface CpiProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** The last lines of output (stdout and stderr interleaved). */
  readonly recent: string[];
  /** Every lifecycle line, parsed, in order. */
  readonly lifecycle: Array<{ msg: string; time: number; [k: string]: unknown }>;
  /** Resolves with the exit code or the signal name. */
  readonly exited: Promise<number | string>;
  /** Epoch ms when the exit was observed (undefined while running). */
  exitedAt: number | undefined;
  alive(): boolean;
  waitForLine(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Append every output line here. */
  logFile?: string;
  /** How many recent lines to keep in memory (default 5,000). */
  keepLines?: number;
  /** Called for every output line. */
  onLine?: (line: string) => void;
  /** The cpi entry point to run (default: this checkout's bin/cpi.js). */
  cli?: string;
}

export function spawnCpi(args: string[], o: SpawnOptions = {}): CpiProcess {
  const proc = spawn(process.execPath, [o.cli ?? CPI, ...args], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  const keep = o.keepLines ?? 5_000;
  const file: WriteStream | undefined = o.logFile ? createWriteStream(o.logFile, { flags: 'a' }) : undefined;
  const recent: string[] = [];
  const lifecycle: CpiProcess['lifecycle'] = [];
  let partial = '';
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > keep * 1.2) recent.splice(0, recent.length - keep);
    file?.write(`${line}\n`);
    if (LIFECYCLE.test(line)) {
      try {
        lifecycle.push(JSON.parse(line) as CpiProcess['lifecycle'][number]);
      } catch {
        // not JSON: not one of ours
      }
    }
    o.onLine?.(line);
  };
  const onData = (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine(l);
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const self: CpiProcess = {
    proc,
    pid: proc.pid!,
    recent,
    lifecycle,
    exitedAt: undefined,
    exited: once(proc, 'exit').then(([code, signal]) => {
      self.exitedAt = Date.now();
      running.delete(proc);
      if (partial) onLine(partial);
      file?.end();
      return (code ?? signal) as number | string;
    }),
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async waitForLine(re, timeoutMs = 60_000) {
      let scanned = 0;
      return waitUntil(
        () => {
          // recent may be trimmed at the front; rescanning from 0 after a trim is harmless.
          if (scanned > recent.length) scanned = 0;
          for (; scanned < recent.length; scanned++) {
            const m = recent[scanned]!.match(re);
            if (m) return m;
          }
          if (!self.alive()) throw new Error(`process exited before printing ${re}:\n${recent.slice(-30).join('\n')}`);
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
  };
  return self;
}

export interface EmulatorProcess extends CpiProcess {
  url: string;
  admin: EmulatorAdmin;
  /** The AWS SDK environment that points a process at this emulator. */
  awsEnv: NodeJS.ProcessEnv;
}

export async function startEmulator(args: string[] = [], o: SpawnOptions = {}): Promise<EmulatorProcess> {
  const p = spawnCpi(['emulator', '--port', '0', ...args], o);
  const m = await p.waitForLine(/emulator listening on (http:\/\/\S+)/);
  const url = m[1]!;
  return Object.assign(p, {
    url,
    admin: new EmulatorAdmin(url),
    awsEnv: emulatorClientEnv(url, 'AKIDBENCH', 'bench-secret'),
  });
}

export interface ControllerProcess extends CpiProcess {
  identity: string;
  metricsUrl: string;
}

export interface ControllerOptions extends SpawnOptions {
  kubeconfig: string;
  emulator: EmulatorProcess;
  args?: string[];
  logLevel?: string;
}

/** `cpi run` under the given kubeconfig; resolves once it logged its identity and metrics URL. */
export async function startController(o: ControllerOptions): Promise<ControllerProcess> {
  const args = ['run', '--kubeconfig', o.kubeconfig, '--metrics-addr', '127.0.0.1:0', '--health-addr', '127.0.0.1:0', '--log-level', o.logLevel ?? 'info', ...(o.args ?? [])];
  const p = spawnCpi(args, { ...o, env: { ...o.emulator.awsEnv, ...o.env } });
  const metrics = await p.waitForLine(/"msg":"serving metrics and probes"/);
  const started = await p.waitForLine(/"identity":"([^"]+)".*"msg":"starting"/);
  const metricsUrl = (JSON.parse(metrics.input!) as { metrics: string }).metrics;
  return Object.assign(p, { identity: started[1]!, metricsUrl });
}
