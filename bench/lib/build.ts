// The compiled controller as the image ships it (dist/ + bin/, run by plain Node, no type
// stripping), built into a temporary directory so the checkout's own dist/ is never touched
// (bin/cpi.js prefers dist/ when present, which would change what everyone else runs).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Build {
  /** The entry point to pass as `cli`. */
  cli: string;
  remove(): void;
}

export function buildToTemp(): Build {
  const dir = mkdtempSync(join(tmpdir(), 'cpi-bench-build-'));
  execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist'), '--sourceMap', 'false'], { stdio: 'inherit' });
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(ROOT, 'bin/cpi.js'), join(dir, 'bin/cpi.js'));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { cli: join(dir, 'bin/cpi.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
