// The API server dies (SIGKILL) while the controller is busy, stays down a while, and comes back:
// changes made just before the outage, AWS drift during it, and creates, updates and deletes made
// right after it (while the controller's watch is still reconnecting) all converge. Runs on a
// private control plane so the shared one of the other files is never disturbed.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { retryTransient } from '../../src/dev/cluster-setup.ts';
import type { IntegrationSpec } from '../../src/api/types.ts';
import { controllerStack } from './harness/stack.ts';
import { condition } from './harness/resources.ts';
import { waitFor } from './support/index.ts';

const uri = (name: string) => {
  const n = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1e12, 7);
  return `arn:aws:connect:us-east-1:123456789012:instance/cdcdcdcd-bbbb-cccc-dddd-${String(n).padStart(12, '0')}`;
};
const spec = (name: string, objectTypeName = 'CTR'): IntegrationSpec => ({ domainName: 'retail', uri: uri(name), objectTypeName });

describe('controller: API server restart', () => {
  const stack = controllerStack('ctl-restart', {
    privateCluster: true,
    emulatorArgs: ['--quota', 'PutIntegration=4', '--quota', 'DeleteIntegration=4'],
    controllerArgs: ['--put-tps', '4', '--poll-interval', '3s', '--log-level', 'info'],
  });

  // A person's kubectl retries what a restarting API server refuses (429 storage initializing, refused connections).
  const create = (name: string, s: IntegrationSpec) =>
    retryTransient(`create ${name}`, () => stack.res.create(name, s).catch((err: { code?: number }) => { if (err.code !== 409) throw err; return undefined; }));
  const patch = (name: string, s: Record<string, unknown>) => retryTransient(`patch ${name}`, () => stack.res.patchSpec(name, s));
  const remove = (name: string) => retryTransient(`delete ${name}`, () => stack.res.delete(name).catch((err: { code?: number }) => { if (err.code !== 404) throw err; }));

  it('loses nothing: changes before, during and right after the outage converge', async () => {
    const first = ['a-0', 'a-1', 'a-2', 'a-3', 'a-4', 'a-5'];
    await Promise.all(first.map((n) => create(n, spec(n))));
    await waitFor(async () => (await stack.res.list()).every((o) => condition(o, 'Ready')?.status === 'True') && (await stack.res.list()).length === 6, {
      what: 'the first 6 Ready',
      timeoutMs: 30_000,
    });

    // Changes the controller is busy with when the API server dies.
    const before = ['b-0', 'b-1', 'b-2', 'b-3'];
    await Promise.all([...before.map((n) => create(n, spec(n))), patch('a-0', { objectTypeName: 'Before' }), remove('a-1')]);
    await stack.cluster!.cp.stopApiServer({ signal: 'SIGKILL' });

    // During the outage AWS drifts; the controller cannot write status, and its watch is broken.
    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('a-2'), { ObjectTypeName: 'Console' });
    await sleep(4_000); // the outage itself is the thing measured
    await stack.cluster!.cp.startApiServer();

    // Right after, before the controller's watch has reconnected.
    const after = ['c-0', 'c-1', 'c-2'];
    await Promise.all([...after.map((n) => create(n, spec(n))), patch('a-3', { objectTypeName: 'After' }), remove('a-4'), remove('b-0')]);

    const kept = ['a-0', 'a-2', 'a-3', 'a-5', 'b-1', 'b-2', 'b-3', ...after];
    // Keys that failed through the outage back off (1 s doubling), so recovery can take about as
    // long again as the outage and the API server's own start; allow for a loaded machine.
    let pending = '';
    await waitFor(async () => {
      const items = await stack.res.list();
      const names = items.map((o) => o.metadata.name).sort();
      const notReady = items.filter((o) => !(condition(o, 'Ready')?.status === 'True' && condition(o, 'Ready')?.observedGeneration === o.metadata.generation));
      pending = `names ${JSON.stringify(names)}; not ready: ${JSON.stringify(notReady.map((o) => [o.metadata.name, o.metadata.generation, o.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}@${c.observedGeneration}`)]))}`;
      return JSON.stringify(names) === JSON.stringify([...kept].sort()) && notReady.length === 0;
    }, { what: 'every kept resource Ready at its generation, deleted ones gone', timeoutMs: 150_000 }).catch((err: Error) => {
      throw new Error(`${err.message}\n${pending}\ncontroller log tail:\n${stack.controller.output.slice(-40).join('\n')}`);
    });

    const inAws = new Map((await stack.aws.integrations('retail')).map((i) => [i.Uri, i.ObjectTypeName]));
    expect([...inAws.keys()].sort()).toEqual(kept.map(uri).sort());
    expect(inAws.get(uri('a-0'))).toBe('Before');
    expect(inAws.get(uri('a-3'))).toBe('After');
    await waitFor(async () => (await stack.aws.integration('retail', uri('a-2')))?.ObjectTypeName === 'CTR', { what: 'drift from the outage corrected', timeoutMs: 10_000 });
    expect(stack.controller.proc.exitCode).toBeNull(); // it rode the outage out
    // ...and really saw it: its watch failed and was re-established.
    expect(stack.controller.output.some((l) => l.includes('list/watch failed; restarting with backoff'))).toBe(true);
    expect(stack.controller.output.some((l) => l.includes('watch re-established'))).toBe(true);
  }, 300_000);
});
