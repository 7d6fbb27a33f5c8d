// Runs the real kubectl (v1.36.3, built with the control plane) against the run's cluster.
import { spawn } from 'node:child_process';
import { inject } from 'vitest';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to stdin (for `apply -f -`). */
  input?: string;
  /** Default: the admin kubeconfig. */
  kubeconfig?: string;
  /** Adds `-n NAMESPACE`. */
  namespace?: string;
  cwd?: string;
}

/** Never throws on a non-zero exit: tests assert on code, stdout and stderr. */
export function kubectl(args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  const e2e = inject('e2e');
  const fullArgs = [
    `--kubeconfig=${opts.kubeconfig ?? e2e.adminKubeconfig}`,
    ...(opts.namespace ? ['-n', opts.namespace] : []),
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(e2e.kubectlPath, fullArgs, { cwd: opts.cwd ?? e2e.repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => {}); // kubectl may exit before reading all input
    child.stdin.end(opts.input ?? '');
  });
}

/** kubectl that must succeed: returns stdout, or throws with stderr in the message. */
export async function kubectlOk(args: string[], opts: KubectlOptions = {}): Promise<string> {
  const r = await kubectl(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}
