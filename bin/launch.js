// Loads and runs the CLI once bin/node-check.js let this Node through: the built CLI when present
// (the package and the image), else the TypeScript sources directly (a git checkout; Node >= 22.18
// strips types natively). No top-level await in the entry files, so an old Node reaches the check.
// `cpi run` prefers the production bundle (dist/cpi-run.mjs, `npm run build:bundle`): it loads
// only the controller's own code, in far less memory than the packages it was bundled from.
export async function launch(opts) {
  const { existsSync } = await import('node:fs');
  const bundle = new URL('../dist/cpi-run.mjs', import.meta.url);
  const built = new URL('../dist/cli/main.js', import.meta.url);
  const run = process.argv[2] === 'run' && !opts.asKubectlPlugin && existsSync(bundle);
  const entry = run ? bundle : existsSync(built) ? built : new URL('../src/cli/main.ts', import.meta.url);
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2), opts);
}
