// A guard process that kills our children and removes their state dir when we die without
// cleaning up, including by SIGKILL, where no handler of ours can run.
//
// How: a tiny detached shell reads pids and dirs from a pipe whose other end we hold.
// The kernel closes that pipe when we die however we die, so the guard sees end-of-input at once
// (no polling), SIGKILLs the children (their state is throwaway) and removes the dirs.
// It is detached into its own process group, so the Ctrl-C that may have killed us does not kill
// it too. On a normal stop we tell it we are done and it exits without touching anything.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';

// A POSIX shell script (about 1 MB of memory, against about 45 MB for a node process). It reads
// one message per line until end of input: `pid N`, `forget N`, `dir PATH`, or `done`.
const guardScript = String.raw`
pids=""; dirs=""
# A SIGKILLed child stays a zombie until init reaps it; it can no longer write, so it counts as gone.
alive() {
  if [ -r "/proc/$1/stat" ]; then
    read -r _ _ st _ < "/proc/$1/stat" 2>/dev/null || return 1
    [ "$st" != Z ] && [ "$st" != X ]
  else
    kill -0 "$1" 2>/dev/null
  fi
}
cleanup() {
  for p in $pids; do kill -KILL -"$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null; done
  i=0
  while [ $i -lt 100 ]; do
    busy=""; for p in $pids; do alive "$p" && busy=1; done
    [ -z "$busy" ] && break
    sleep 0.05; i=$((i + 1))
  done
  printf '%s\n' "$dirs" | while IFS= read -r d; do [ -n "$d" ] && rm -rf -- "$d"; done
  exit 0
}
trap '' INT HUP PIPE
trap cleanup TERM
while IFS= read -r line; do
  case "$line" in
    "pid "*) pids="$pids ${'$'}{line#pid }" ;;
    "forget "*) f="${'$'}{line#forget }"; np=""; for p in $pids; do [ "$p" = "$f" ] || np="$np $p"; done; pids="$np" ;;
    "dir "*) dirs="$dirs
${'$'}{line#dir }" ;;
    done) exit 0 ;;
  esac
done
cleanup
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
  const child: ChildProcess = spawn('/bin/sh', ['-c', guardScript, 'cpi-control-plane-watchdog'], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the child nor our end of the pipe may keep our event loop alive.
  child.unref();
  const stdin = child.stdin as unknown as Socket;
  stdin.unref();
  stdin.on('error', () => {}); // the guard may already be gone; nothing to do then
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (line: string) => {
    if (stdin.writable) stdin.write(`${line.replace(/\n/g, ' ')}\n`);
  };
  return {
    pid: child.pid!,
    guardPid: (pid) => send(`pid ${pid}`),
    forgetPid: (pid) => send(`forget ${pid}`),
    guardDir: (dir) => send(`dir ${dir}`),
    async dismiss() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Hold the event loop open until the guard has read `done` and exited.
      child.ref();
      const force = setTimeout(() => child.kill('SIGKILL'), 2000);
      send('done');
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
