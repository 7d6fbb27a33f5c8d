// Notices when a process that started us exits, whatever ended it. `npm run cluster` runs
// `sh -c "node bin/cpi.js cluster"`: a SIGTERM to npm kills that shell but reaches no further, and a
// SIGKILL to npm leaves the shell; either way no signal of ours fires and we would run on, orphaned.
// So we remember the chain of ancestors in our session (the shell, npm, the terminal's shell: what
// a person started us from) and treat any change in it as "the person's command is gone".
// Linux reads /proc; elsewhere only the parent is watched (process.ppid). A command started with
// setsid leads its own session and watches nothing: that is how to detach on purpose.
import { readFileSync } from 'node:fs';

interface ProcInfo {
  ppid: number;
  session: number;
  name: string;
}

function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid pgrp session ...`; comm may hold spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const [state, ppid, , session] = stat.slice(close + 2).split(' ');
    if (state === 'Z' || state === 'X') return undefined; // exited, not yet reaped
    return { ppid: Number(ppid), session: Number(session), name: stat.slice(stat.indexOf('(') + 1, close) };
  } catch {
    return undefined;
  }
}

export interface Ancestor {
  pid: number;
  name: string;
}

/** Our ancestors in our own session, parent first (undefined without /proc). */
export function sessionAncestors(pid = process.pid): Ancestor[] | undefined {
  const me = procInfo(pid);
  if (!me) return undefined;
  const out: Ancestor[] = [];
  for (let p = me.ppid; p > 1; ) {
    const info = procInfo(p);
    if (!info || info.session !== me.session) break;
    out.push({ pid: p, name: info.name });
    p = info.ppid;
  }
  return out;
}

/**
 * Calls `onGone` once, with who exited, when an ancestor recorded now exits (or our parent
 * changes). Checks every `intervalMs`; the timer never keeps the process alive. Returns a stop
 * function.
 */
export function watchAncestors(onGone: (gone: Ancestor) => void, intervalMs = 500): () => void {
  const recorded = sessionAncestors();
  const parent = process.ppid;
  const timer = setInterval(() => {
    let gone: Ancestor | undefined;
    if (recorded) {
      const now = sessionAncestors() ?? [];
      gone = recorded.find((a, i) => now[i]?.pid !== a.pid);
    } else if (process.ppid !== parent) {
      gone = { pid: parent, name: 'parent process' };
    }
    if (gone) {
      clearInterval(timer);
      onGone(gone);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
