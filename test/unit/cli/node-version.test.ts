// Issue 19 point 3: on a Node too old to strip types, `cpi` and `kubectl cpi` say what to install and
// exit 1, with no stack trace; one minimum version everywhere it is written down.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript without declarations (it must run on any Node)
import { MIN_NODE, nodeVersionProblem } from '../../../bin/node-check.js';

const root = resolve(import.meta.dirname, '../../..');
const read = (p: string) => readFileSync(resolve(root, p), 'utf8');

/** A real Node older than the minimum when the machine has one (/usr/bin/node is 20 here), else ours made to report 20. */
function oldNode(): { cmd: string; pre: string[]; version: string } {
  for (const cmd of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(cmd)) continue;
    const version = execFileSync(cmd, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (nodeVersionProblem(version)) return { cmd, pre: [], version };
  }
  return { cmd: process.execPath, pre: ['--import', 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.11.1"})'], version: '20.11.1' };
}

describe('the Node.js version check', () => {
  it('accepts 22.18+, 23.6+ and 24, and rejects what cannot strip types', () => {
    for (const ok of ['22.18.0', '22.20.1', '23.6.0', '24.0.0', 'v24.21.0', '25.1.0']) expect(nodeVersionProblem(ok)).toBeUndefined();
    for (const bad of ['18.20.4', '20.19.2', '22.17.1', '23.5.0', 'v22.0.0']) expect(nodeVersionProblem(bad)).toMatch(/needs Node\.js 22\.18 or newer/);
  });

  for (const bin of ['bin/cpi.js', 'bin/kubectl-cpi.js']) {
    it(`${bin} on an old Node: what to install, exit 1, no stack trace`, () => {
      const node = oldNode();
      const r = spawnSync(node.cmd, [...node.pre, resolve(root, bin), '--help'], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`needs Node.js 22.18 or newer; this is Node.js v${node.version}`);
      expect(r.stderr).toMatch(/Install a current Node\.js LTS .*nodejs\.org/);
      expect(r.stderr).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|TypeError|\n\s+at /);
      expect(r.stderr.trim().split('\n')).toHaveLength(3);
    });
  }

  it('bin/cpi.js on this Node runs the CLI (the check lets it through)', () => {
    const r = spawnSync(process.execPath, [resolve(root, 'bin/cpi.js'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`cpi ${JSON.parse(read('package.json')).version} (Node.js ${process.version})`);
  });

  it('one minimum everywhere: engines, lockfile, README, docs and the bin comment', () => {
    expect(MIN_NODE).toBe('22.18.0');
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.engines.node).toBe('^22.18.0 || >=23.6.0');
    expect(JSON.parse(read('package-lock.json')).packages[''].engines.node).toBe(pkg.engines.node);
    expect(read('bin/cpi.js')).toContain('Node >= 22.18');
    for (const doc of ['README.md', 'CONTRIBUTING.md', 'docs/resource.md', 'docs/quickstart.md']) {
      const text = read(doc);
      const mentions = [...text.matchAll(/Node(?:\.js)? (?:v|version )?(\d+(?:\.\d+)*) or newer/g)].map((m) => m[1]);
      expect(mentions.length, `${doc} names the minimum Node`).toBeGreaterThan(0);
      expect(new Set(mentions), doc).toEqual(new Set(['22.18']));
    }
  });
});
