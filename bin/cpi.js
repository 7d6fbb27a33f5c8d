#!/usr/bin/env node
// Runs the built CLI when present (the package and the image), else the TypeScript sources
// directly (a git checkout; Node >= 22.18 strips types natively). The Node version is checked
// first: on an older Node the sources fail with an unreadable ERR_UNKNOWN_FILE_EXTENSION.
import { requireNode } from './node-check.js';
requireNode('cpi');
const { existsSync } = await import('node:fs');
const built = new URL('../dist/cli/main.js', import.meta.url);
const entry = existsSync(built) ? built : new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
