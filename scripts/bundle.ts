// `npm run build:bundle`: dist/cpi-run.mjs, one self-contained ESM file with `cpi run` and every
// dependency it loads (no node_modules needed at run time), and dist/cpi-run.licenses.txt with the
// license of each package in it. bin/cpi.js runs the bundle for `cpi run` when it exists.
// A process that loads the bundle holds less than one that loads the packages: only the code the
// controller reaches, one file to read and compile (docs/BENCHMARKS.md, "Memory").
//   npm run build:bundle [-- --out DIR] [--no-minify]
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'rolldown';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: join(ROOT, 'dist') }, minify: { type: 'boolean', default: true } }, allowNegative: true });
const file = join(values.out, 'cpi-run.mjs');

/** Exports read when the module loads would load what they guard: `http.WebSocket` is Node's own undici. */
const NOT_READ_AT_LOAD = new Set(['http.WebSocket', 'http.CloseEvent', 'http.MessageEvent']);

/**
 * Node's built-in modules through require(), not import. An ES import of a built-in builds its
 * namespace, which reads every export, lazy ones included: `node:http` then loads Node's own
 * copy of undici for its WebSocket export (13 MiB of RSS for a class the controller never uses),
 * `node:process`, `node:fs` and `node:util` a few MiB more.
 */
function builtinsThroughRequire(): Plugin {
  const require = createRequire(import.meta.url);
  const PREFIX = '\0builtin:';
  return {
    name: 'builtins-through-require',
    resolveId(id, _importer, { kind }) {
      // require() calls (CommonJS packages) already get the module itself.
      if (kind === 'require-call' || !isBuiltin(id) || id === 'node:module' || id === 'module') return null;
      return `${PREFIX}${id.replace(/^node:/, '')}`;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const mod = require(`node:${name}`) as Record<string, unknown>;
      // process's getters are live state (exitCode, stdin): only its plain values are exported.
      const names = Object.keys(mod).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default' && !NOT_READ_AT_LOAD.has(`${name}.${k}`) && (name !== 'process' || 'value' in Object.getOwnPropertyDescriptor(mod, k)!));
      return [
        `import { createRequire } from 'node:module';`,
        `const m = createRequire(import.meta.url)('node:${name}');`,
        'export default m;',
        names.length ? `export const { ${names.join(', ')} } = m;` : '',
      ].join('\n');
    },
  };
}

/** The package.json directory of a bundled module, if it came from node_modules. */
function packageDir(id: string): string | undefined {
  const i = id.lastIndexOf('/node_modules/');
  if (i < 0) return undefined;
  const rest = id.slice(i + '/node_modules/'.length).split('/');
  return id.slice(0, i + '/node_modules/'.length) + rest.slice(0, rest[0]!.startsWith('@') ? 2 : 1).join('/');
}

/** dist/cpi-run.licenses.txt: the license text of every package whose code is in the bundle. */
function licenses(): Plugin {
  return {
    name: 'licenses',
    generateBundle(_options, bundle) {
      const dirs = new Set<string>();
      for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk') for (const id of chunk.moduleIds) { const d = packageDir(id); if (d) dirs.add(d); }
      const sections = [...dirs].sort().map((dir) => {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
        const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
        const text = licenseFile ? readFileSync(join(dir, licenseFile), 'utf8').trim() : `License: ${pkg.license ?? 'see the package'}`;
        return `${pkg.name}@${pkg.version}\n${'-'.repeat(72)}\n${text}\n`;
      });
      this.emitFile({ type: 'asset', fileName: 'cpi-run.licenses.txt', source: `Third-party software in cpi-run.mjs\n\n${sections.join('\n')}` });
    },
  };
}

await build({
  input: join(ROOT, 'src/cli/run-main.ts'),
  platform: 'node',
  logLevel: 'warn',
  plugins: [builtinsThroughRequire(), licenses()],
  // client-node's modules have no side effects at load (its own package.json does not say so):
  // this lets rolldown drop the parts of it the controller never imports.
  treeshake: { moduleSideEffects: (id: string) => !id.includes('/@kubernetes/client-node/') },
  output: {
    dir: values.out,
    entryFileNames: 'cpi-run.mjs',
    format: 'esm',
    codeSplitting: false,
    minify: values.minify,
    // One non-ASCII character makes V8 hold the whole source as a two-byte string: twice the heap.
    charset: 'ascii',
    // The licenses are in cpi-run.licenses.txt (legal comments may hold non-ASCII names).
    comments: { legal: false },
  },
});
const text = readFileSync(file, 'utf8');
if (values.minify && /[^\x00-\x7f]/.test(text)) throw new Error(`${file} holds non-ASCII characters`);
console.log(`${file}: ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB${existsSync(join(dirname(file), 'cpi-run.licenses.txt')) ? ' (+ cpi-run.licenses.txt)' : ''}`);
