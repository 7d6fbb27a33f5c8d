// `npm run k8s:build`: builds kube-apiserver, etcd and kubectl into the cache (only what is missing)
// and prints where they are. The logic lives in src/dev/k8s-binaries.ts, shared with the e2e tests,
// `cpi cluster` and `cpi demo`.
import { ensureK8sBinaries, K8sBuildError, k8sBinDir } from '../../src/dev/k8s-binaries.ts';

try {
  const bins = await ensureK8sBinaries((line) => console.error(line));
  console.log(`kube-apiserver, etcd and kubectl are in ${k8sBinDir()}`);
  for (const path of Object.values(bins)) console.log(`  ${path}`);
} catch (err) {
  console.error(`error: ${err instanceof K8sBuildError ? err.message : String((err as Error).stack ?? err)}`);
  process.exitCode = 1;
}
