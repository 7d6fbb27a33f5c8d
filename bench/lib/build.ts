// The controller as the image ships it: dist/ compiled by tsc plus the production bundle of
// `cpi run` (dist/cpi-run.mjs, which bin/launch.js runs for `cpi run`), run by plain Node with no
// type stripping. Built into a temporary directory so the checkout's own dist/ is never touched
// (bin/cpi.js prefers dist/ when present, which would change what everyone else runs).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guard } from '../../test/support/guard.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Build {
  /** The entry point to pass as `cli`. */
  cli: string;
  remove(): void;
}

/** `bundle: false` leaves the bundle out: `cpi run` then runs the tsc output, as before the bundle. */
export function buildToTemp(o: { bundle?: boolean } = {}): Build {
  const dir = mkdtempSync(join(tmpdir(), 'cpi-bench-build-'));
  guard().guardDir(dir); // removed even when the bench is killed
  execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist'), '--sourceMap', 'false'], { stdio: 'inherit' });
  if (o.bundle ?? true) execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.ts'), '--out', join(dir, 'dist')], { stdio: 'inherit' });
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { cli: join(dir, 'bin/cpi.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
