#!/usr/bin/env node
// Runs the built CLI when present (the package and the image), else the TypeScript
// sources directly (a git checkout; Node >= 22.18 strips types natively). `cpi run` prefers
// the production bundle (dist/cpi-run.mjs, `npm run build:bundle`): it loads only the
// controller's own code, in far less memory than the packages it was bundled from.
import { existsSync } from 'node:fs';
const argv = process.argv.slice(2);
const bundle = new URL('../dist/cpi-run.mjs', import.meta.url);
const built = new URL('../dist/cli/main.js', import.meta.url);
const entry = argv[0] === 'run' && existsSync(bundle) ? bundle : existsSync(built) ? built : new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(argv);
