// The README's configuration table lists every flag of `cpi run` with its environment variable
// (issue 19: the leader-election flags had lost theirs).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { help } from '../../../src/cli/commands/run.ts';

describe('README configuration table', () => {
  it('has one row per cpi run flag, naming the env var --help names', () => {
    const flags = [...help().matchAll(/^ {2}--([a-z-]+)(?: VALUE)?\s.*\n\s+env: (\S+)$/gm)].map((m) => ({ flag: m[1]!, env: m[2]! }));
    expect(flags.length).toBeGreaterThan(15);
    const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const rows = new Map([...section.matchAll(/^\| `--([a-z-]+)` \| `([A-Z_]+)` \|/gm)].map((m) => [m[1]!, m[2]!]));
    for (const { flag, env } of flags) expect(rows.get(flag), `--${flag}`).toBe(env);
    expect(rows.size).toBe(flags.length);
  });
});
