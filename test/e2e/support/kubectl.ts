// Runs the real kubectl (v1.36.3, built with the control plane) against the run's cluster.
import { inject } from 'vitest';
import { run, type RunResult as KubectlResult } from '../../support/run.ts';

export type { KubectlResult };

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
  return run(e2e.kubectlPath, fullArgs, { cwd: opts.cwd ?? e2e.repoRoot, ...(opts.input !== undefined ? { input: opts.input } : {}) });
}

/** kubectl that must succeed: returns stdout, or throws with stderr in the message. */
export async function kubectlOk(args: string[], opts: KubectlOptions = {}): Promise<string> {
  const r = await kubectl(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}
