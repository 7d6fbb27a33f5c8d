// `cpi demo` as a user runs it: its own control plane, the emulator, the controller, the examples.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { spawnCpi } from '../support/cpi.ts';

/** Processes whose command line mentions the demo's control-plane state dir. */
function processesUsing(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(dir) && !l.includes('ps -eo'));
}

function stateDir(output: string[]): string {
  const line = output.find((l) => /state in (\S+)\)/.test(l));
  expect(line, `no state dir line in:\n${output.join('\n')}`).toBeDefined();
  return line!.match(/state in (\S+)\)/)![1]!;
}

describe('cpi demo', () => {
  it('--once runs the whole story, exits 0, and leaves no process or state behind', async () => {
    const demo = spawnCpi(['demo', '--once']);
    const code = await demo.exited;
    const text = demo.output.join('\n');
    expect(code, text).toBe(0);
    expect(text).toContain('demo: every step converged');
    expect(text).toMatch(/all \d+ Ready in/);
    expect(text).toMatch(/is gone from Kubernetes and its integration from AWS/);
    const dir = stateDir(demo.output);
    expect(existsSync(dir)).toBe(false);
    expect(processesUsing(dir)).toEqual([]);
  }, 240_000);

  it('stops everything cleanly on Ctrl-C', async () => {
    const demo = spawnCpi(['demo']);
    await demo.waitForOutput(/Press Ctrl-C to stop everything/, 200_000);
    const dir = stateDir(demo.output);
    expect(processesUsing(dir).length).toBeGreaterThan(0);
    demo.proc.kill('SIGINT');
    const code = await demo.exited;
    expect(code).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(processesUsing(dir)).toEqual([]);
  }, 240_000);
});
