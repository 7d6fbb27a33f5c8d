// The harness never leaves a process behind, even when the process that spawned it dies without
// running any handler (a SIGKILLed vitest worker): its watchdog kills the children.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from './support/index.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('e2e harness cleanup', () => {
  it('kills the emulator it spawned when its parent is SIGKILLed', async () => {
    const harness = resolve(import.meta.dirname, '../support/cpi.ts');
    const script = `const { startEmulator } = await import(${JSON.stringify(harness)}); const e = await startEmulator(); console.log('child ' + e.proc.pid); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const pid = Number((await waitFor(() => out.match(/child (\d+)/), { what: 'the emulator pid', timeoutMs: 30_000 }))[1]);
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await once(parent, 'exit');
    await waitFor(() => !alive(pid), { what: `emulator ${pid} to be killed by the watchdog`, timeoutMs: 10_000 });
  });
});
