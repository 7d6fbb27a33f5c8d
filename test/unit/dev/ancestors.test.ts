// The ancestors `cpi cluster` watches: those of its own session, parent first (Linux /proc).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const module = resolve(import.meta.dirname, '../../../src/dev/ancestors.ts');

describe('sessionAncestors', () => {
  it('lists the shell that started us in a new session, and stops at the session leader', () => {
    // setsid: the shell leads a session of its own; node is its child.
    const script = `const { sessionAncestors } = await import(${JSON.stringify(module)}); console.log(JSON.stringify({ ppid: process.ppid, a: sessionAncestors() }));`;
    const r = spawnSync('setsid', ['-w', 'sh', '-c', `${JSON.stringify(process.execPath)} --input-type=module -e '${script}'; true`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { ppid, a } = JSON.parse(r.stdout) as { ppid: number; a: Array<{ pid: number; name: string }> };
    expect(a).toEqual([{ pid: ppid, name: 'sh' }]);
  });
});
