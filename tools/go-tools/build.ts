// `npm run tools:build`: builds the Go tools the tests use (the Argo CD Lua harness, helm, actionlint)
// into the cache, only what is missing, and prints where they are. Tests build them on first use too;
// this only lets CI build them up front with readable progress. Logic: src/dev/go-tools.ts.
import { ensureGoTool, GO_TOOL_NAMES, GoToolBuildError } from '../../src/dev/go-tools.ts';
import { K8sBuildError } from '../../src/dev/k8s-binaries.ts';

try {
  for (const name of GO_TOOL_NAMES) console.log(`${name}: ${await ensureGoTool(name, (line) => console.error(line))}`);
} catch (err) {
  const known = err instanceof GoToolBuildError || err instanceof K8sBuildError;
  console.error(`error: ${known ? (err as Error).message : String((err as Error).stack ?? err)}`);
  process.exitCode = 1;
}
