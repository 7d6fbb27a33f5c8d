// A command run to completion, with stdout and stderr apart (JSON output must parse on its own).
import { spawn } from 'node:child_process';

export interface RunResult {
  /** The exit code; -1 when a signal ended the process. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The whole environment of the command (default: ours). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to stdin (for `kubectl apply -f -`). */
  input?: string;
}

/** Never throws on a non-zero exit: tests assert on code, stdout and stderr. */
export function run(command: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env: o.env ?? process.env, ...(o.cwd ? { cwd: o.cwd } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => {}); // the command may exit before reading all input
    child.stdin.end(o.input ?? '');
  });
}
