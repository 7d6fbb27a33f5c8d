#!/usr/bin/env node
// kubectl plugin entry: `kubectl cpi plan|import|validate ...` runs `cpi plan|import|validate ...`.
// Node >= 22.18, checked first (see node-check.js).
import { requireNode } from './node-check.js';
requireNode('kubectl cpi');
const { existsSync } = await import('node:fs');
const built = new URL('../dist/cli/main.js', import.meta.url);
const entry = existsSync(built) ? built : new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), { asKubectlPlugin: true });
