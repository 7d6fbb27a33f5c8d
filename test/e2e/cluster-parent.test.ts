// Issue 19 point 5: `npm run cluster` stops everything it started when the command that started it
// ends, whatever ended it: npm SIGTERMed (it kills its `sh -c` and nothing further) or SIGKILLed
// (its shell lives on), the shell killed, the terminal closing (SIGHUP to the whole group).
// Checked with `ps`: no process of the control plane, none in the session, no state dir.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, test } from 'vitest';
import { e2eContext, WaitAborted, waitFor } from './support/index.ts';

interface Ps {
  pid: number;
  ppid: number;
  sid: number;
  args: string;
}

function ps(): Ps[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,sid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => {
    const [pid, ppid, sid, ...args] = l.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), sid: Number(sid), args: args.join(' ') };
  });
}

/** Starts `command` in a session of its own (as a terminal would) and waits for the export line. */
async function startInSession(command: string, args: string[]): Promise<{ leader: ChildProcess; dir: string; pids: number[]; output: () => string }> {
  const leader = spawn(command, args, { cwd: e2eContext().repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  leader.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  leader.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  let closed = false;
  leader.once('close', () => (closed = true));
  const output = () => out;
  const kubeconfig = (await waitFor(() => {
    const m = /^export KUBECONFIG=(.*)$/m.exec(out);
    if (m) return m;
    if (closed) throw new WaitAborted(`exited early:\n${out}`);
    return undefined;
  }, { what: 'the export KUBECONFIG line', timeoutMs: 120_000 }))[1]!;
  const dir = dirname(kubeconfig);
  const all = ps();
  // Everything started: the session (npm, sh, node) and the children of node (etcd, kube-apiserver, the watchdog).
  const session = all.filter((p) => p.sid === leader.pid);
  const node = session.find((p) => p.args.includes('bin/cpi.js cluster') && !p.args.startsWith('sh '))!;
  expect(node, JSON.stringify(session)).toBeDefined();
  const children = all.filter((p) => p.ppid === node.pid);
  expect(children.map((p) => p.args).join('\n')).toMatch(/etcd[\s\S]*kube-apiserver|kube-apiserver[\s\S]*etcd/);
  expect(children.some((p) => p.args.includes('cpi-control-plane-watchdog'))).toBe(true);
  return { leader, dir, pids: [...session, ...children].map((p) => p.pid), output };
}

async function nothingLeft(dir: string, pids: number[], session: number, output: () => string): Promise<void> {
  await waitFor(() => {
    const all = ps();
    const left = all.filter((p) => pids.includes(p.pid) || p.sid === session || p.args.includes(dir));
    return left.length === 0 && !existsSync(dir);
  }, { what: `nothing left of ${dir} (pids ${pids.join(', ')})`, timeoutMs: 30_000 }).catch((err: Error) => {
    throw new Error(`${err.message}\nleft: ${JSON.stringify(ps().filter((p) => pids.includes(p.pid) || p.args.includes(dir)))}\n${output()}`);
  });
}

describe('npm run cluster: its parent dies, nothing is left', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    test(`${signal} to the npm process`, async () => {
      const { leader, dir, pids, output } = await startInSession('npm', ['run', 'cluster', '--', '--bare']);
      process.kill(leader.pid!, signal);
      await nothingLeft(dir, pids, leader.pid!, output);
      expect(output()).toMatch(/exited: stopping the control plane[\s\S]*stopped; nothing left running/);
    });
  }

  test('SIGKILL to the shell that runs it', async () => {
    // `; true` keeps the shell in between, as a script or an interactive shell would be.
    const { leader, dir, pids, output } = await startInSession('sh', ['-c', `${JSON.stringify(process.execPath)} bin/cpi.js cluster --bare; true`]);
    process.kill(leader.pid!, 'SIGKILL');
    await nothingLeft(dir, pids, leader.pid!, output);
  });

  test('the terminal closing: SIGHUP to the whole process group', async () => {
    const { leader, dir, pids, output } = await startInSession('npm', ['run', 'cluster', '--', '--bare']);
    process.kill(-leader.pid!, 'SIGHUP');
    await nothingLeft(dir, pids, leader.pid!, output);
  });
});
