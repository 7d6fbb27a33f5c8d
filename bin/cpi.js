#!/usr/bin/env node
// The `cpi` command. The Node version is checked first, in syntax any ESM-capable Node parses
// (no top-level await): on an older Node the sources would fail with an unreadable
// ERR_UNKNOWN_FILE_EXTENSION. Then ./launch.js runs the built CLI or the sources (Node >= 22.18).
import { requireNode } from './node-check.js';
requireNode('cpi');
import('./launch.js').then((m) => m.launch({}));
