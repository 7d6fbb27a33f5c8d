// A guard process that kills our children and removes their state dir when we die without
// cleaning up, including by SIGKILL, where no handler of ours can run.
//
// How: a tiny detached node process reads pids and dirs from a pipe whose other end we hold.
// The kernel closes that pipe when we die however we die, so the guard sees end-of-input at once
// (no polling), SIGKILLs the children (their state is throwaway) and removes the dirs.
// It is detached into its own process group, so the Ctrl-C that may have killed us does not kill
// it too. On a normal stop we tell it we are done and it exits without touching anything.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';

// Plain JavaScript run with `node -e`, so it needs no file on disk (works from src/ and dist/).
const guardSource = String.raw`
const fs = require('node:fs');
const pids = new Set(), dirs = new Set();
let buf = '', cleaning = false;
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const signal = (pid, sig) => { try { process.kill(-pid, sig); } catch { try { process.kill(pid, sig); } catch {} } };
function cleanup() {
  // The state is thrown away, so there is nothing to shut down gracefully: SIGKILL at once.
  if (cleaning) return; cleaning = true;
  for (const pid of pids) signal(pid, 'SIGKILL');
  const deadline = Date.now() + 5000;
  const tick = () => {
    if ([...pids].some(alive) && Date.now() < deadline) return setTimeout(tick, 20);
    for (const dir of dirs) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
    process.exit(0);
  };
  tick();
}
process.stdin.on('data', (chunk) => {
  buf += chunk;
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const m = JSON.parse(buf.slice(0, i)); buf = buf.slice(i + 1);
    if (m.pid) pids.add(m.pid);
    if (m.forget) pids.delete(m.forget);
    if (m.dir) dirs.add(m.dir);
    if (m.done) process.exit(0);
  }
});
process.stdin.on('end', cleanup);
process.stdin.on('error', cleanup);
for (const s of ['SIGINT', 'SIGHUP', 'SIGPIPE']) process.on(s, () => {});
process.on('SIGTERM', cleanup);
`;

export interface Watchdog {
  readonly pid: number;
  /** Kill this process (and its process group) if we die. */
  guardPid(pid: number): void;
  /** The process exited by itself: never signal its pid again (it may be reused). */
  forgetPid(pid: number): void;
  /** Remove this directory if we die. */
  guardDir(dir: string): void;
  /** Normal end: the guard exits and touches nothing. */
  dismiss(): Promise<void>;
  /** Last resort from a process 'exit' handler: synchronous, no waiting. */
  killSync(): void;
}

export function startWatchdog(): Watchdog {
  const child: ChildProcess = spawn(process.execPath, ['-e', guardSource], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the child nor our end of the pipe may keep our event loop alive.
  child.unref();
  const stdin = child.stdin as unknown as Socket;
  stdin.unref();
  stdin.on('error', () => {}); // the guard may already be gone; nothing to do then
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (msg: object) => {
    if (stdin.writable) stdin.write(`${JSON.stringify(msg)}\n`);
  };
  return {
    pid: child.pid!,
    guardPid: (pid) => send({ pid }),
    forgetPid: (pid) => send({ forget: pid }),
    guardDir: (dir) => send({ dir }),
    async dismiss() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Hold the event loop open until the guard has read `done` and exited.
      child.ref();
      const force = setTimeout(() => child.kill('SIGKILL'), 2000);
      send({ done: true });
      stdin.end();
      await exited;
      clearTimeout(force);
    },
    killSync() {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
