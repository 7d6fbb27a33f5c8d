import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';

const version = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string }).version;

async function cli(argv: string[], asKubectlPlugin = false) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { asKubectlPlugin, io: { out: (l) => out.push(l), err: (l) => err.push(l) } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cpi --version', () => {
  it('prints the package version for --version, -v and version, exit 0', async () => {
    for (const flag of ['--version', '-v', 'version']) {
      expect(await cli([flag])).toEqual({ code: 0, out: `cpi ${version} (Node.js ${process.version})`, err: '' });
    }
    expect((await cli(['--version'], true)).out).toBe(`kubectl-cpi ${version} (Node.js ${process.version})`);
    expect(version).not.toBe('unknown');
  });

  it('the plugin speaks in its own form in hints', async () => {
    const r = await cli(['plan'], true);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: give at least one file or directory, e.g. kubectl cpi plan manifests/ (see --help)');
    expect((await cli(['plan'])).err).toBe('error: give at least one file or directory, e.g. cpi plan manifests/ (see --help)');
  });
});
