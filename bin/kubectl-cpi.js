#!/usr/bin/env node
// kubectl plugin entry: `kubectl cpi plan|import|validate ...` runs `cpi plan|import|validate ...`.
// Node >= 22.18, checked first (see cpi.js and node-check.js).
import { requireNode } from './node-check.js';
requireNode('kubectl cpi');
import('./launch.js').then((m) => m.launch({ asKubectlPlugin: true }));
