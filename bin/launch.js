// Loads and runs the CLI once bin/node-check.js let this Node through: the built CLI when present
// (the package and the image), else the TypeScript sources directly (a git checkout; Node >= 22.18
// strips types natively). No top-level await in the entry files, so an old Node reaches the check.
export async function launch(opts) {
  const { existsSync } = await import('node:fs');
  const built = new URL('../dist/cli/main.js', import.meta.url);
  const entry = existsSync(built) ? built : new URL('../src/cli/main.ts', import.meta.url);
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2), opts);
}
