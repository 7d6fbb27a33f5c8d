// The controller's memory settings as deploy/base/deployment.yaml runs it (NODE_OPTIONS and MALLOC_*),
// so benchmarks and the soak measure the process the Deployment runs, not a development default.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The memory settings of the controller container in deploy/base/deployment.yaml: NODE_OPTIONS and MALLOC_*. */
export function deploymentMemoryEnv(): Record<string, string> {
  const doc = parse(readFileSync(fileURLToPath(new URL('../../deploy/base/deployment.yaml', import.meta.url)), 'utf8'));
  const container = doc.spec.template.spec.containers.find((c: { name: string }) => c.name === 'controller');
  const env: Array<{ name: string; value?: string }> = container.env ?? [];
  return Object.fromEntries(env.filter((e) => e.value !== undefined && (e.name === 'NODE_OPTIONS' || e.name.startsWith('MALLOC_'))).map((e) => [e.name, e.value!]));
}

