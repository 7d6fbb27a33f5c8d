// `npm run build:bundle`: dist/cpi-run.mjs, one self-contained ESM file with `cpi run` and every
// dependency it loads (no node_modules needed at run time). Bundling lets rolldown drop what the
// controller never reaches, above all @kubernetes/client-node's generated API classes: a process
// that loads the bundle holds far less code than one that imports the packages (docs/BENCHMARKS.md).
//   npm run build:bundle [-- --out DIR]
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { build } from 'rolldown';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: join(ROOT, 'dist') }, minify: { type: 'boolean', default: true } }, allowNegative: true });
const file = join(values.out, 'cpi-run.mjs');

await build({
  input: join(ROOT, 'src/cli/run-main.ts'),
  platform: 'node',
  logLevel: 'warn',
  treeshake: { moduleSideEffects: (id: string) => !id.includes('/@kubernetes/client-node/') },
  output: {
    file,
    format: 'esm',
    codeSplitting: false,
    minify: values.minify,
  },
});
console.log(`${file}: ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`);
