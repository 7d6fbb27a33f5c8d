// Issue 19 point 1, the controller's own lines (the reconciler's are the lead's, issue 12): what a
// person reading the real JSON log sees when AWS credentials stop resolving and come back. Once when
// readiness starts failing, with the reason /readyz gives; once when it ends; never once per probe.
// harness/logs.ts reads the log; extend this file for the per-resource lines.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from './support/index.ts';
import { controllerStack } from './harness/stack.ts';
import { LEVEL, logLines, logsMatching, waitForLog } from './harness/logs.ts';

const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };

describe('controller logs: readiness', () => {
  const stack = controllerStack('logs', {
    domains: [],
    async beforeController(s) {
      // STS answers 500 to every GetCallerIdentity: credentials do not resolve.
      await s.emulator.admin.setFaults({ errorRates: { GetCallerIdentity: { rate: 1, status: 500 } } });
    },
  });

  it('says what it watches when it starts', () => {
    const [start] = logsMatching(stack.controller, { msg: 'starting' });
    expect(start).toMatchObject({ level: LEVEL.info, namespace: stack.ns, region: 'us-east-1', leaderElect: false, version });
  });

  it('logs a readiness failure once, with the reason, however often /readyz is asked', async () => {
    const line = await waitForLog(stack.controller, { msg: 'not ready' });
    expect(line).toMatchObject({ level: LEVEL.warn, region: 'us-east-1' });
    expect(String(line.reason)).toMatch(/^AWS credentials do not resolve: /);
    const health = stack.controller.healthUrl;
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${health}/readyz`);
      expect(r.status).toBe(500);
      expect(await r.text()).toContain('AWS credentials do not resolve');
    }
    expect(logsMatching(stack.controller, { msg: 'not ready' })).toHaveLength(1);
  });

  it('logs once that it is ready again when STS answers, without a probe asking', async () => {
    await stack.emulator.admin.clearFaults();
    const line = await waitForLog(stack.controller, { msg: 'ready again' }, 30_000);
    expect(line.level).toBe(LEVEL.info);
    expect(line.notReadyForSeconds).toEqual(expect.any(Number));
    const health = stack.controller.healthUrl;
    await waitFor(async () => (await fetch(`${health}/readyz`)).status === 200, { what: '/readyz 200' });
    expect(logsMatching(stack.controller, { msg: 'ready again' })).toHaveLength(1);
    expect(logsMatching(stack.controller, { msg: 'not ready' })).toHaveLength(1);
  });
});

describe('controller logs: every line about a resource names it and its AWS target', () => {
  const stack = controllerStack('logkeys');
  const URI = (n: number) => `arn:aws:connect:us-east-1:123456789012:instance/44444444-0000-0000-0000-${String(n).padStart(12, '0')}`;


  it('an AWS write is logged at info with the resource, the target and the outcome', async () => {
    await stack.res.create('written', { domainName: 'retail', uri: URI(1), objectTypeName: 'CTR' });
    const put = await waitForLog(stack.controller, { msg: 'PutIntegration', name: 'written' });
    expect(put).toMatchObject({ level: LEVEL.info, namespace: stack.ns, name: 'written', domain: 'retail', region: 'us-east-1', account: '123456789012', uri: URI(1), outcome: 'ok' });
  });

  it('a failure that changes a condition is logged with the resource and the reason', async () => {
    await stack.res.create('nodomain', { domainName: 'missing', uri: URI(2), objectTypeName: 'CTR' });
    const failed = await waitForLog(stack.controller, { name: 'nodomain', level: LEVEL.warn });
    expect(failed).toMatchObject({ namespace: stack.ns, name: 'nodomain', domain: 'missing', region: 'us-east-1' });
    expect(String(failed.reason)).toMatch(/DomainNotFound|NotFound/);
  });

  it('no line about a resource lacks its key: every line with a uri or a reason names namespace and name', async () => {
    await waitForLog(stack.controller, { name: 'written', msg: 'PutIntegration' });
    const aboutResources = logLines(stack.controller).filter((l) => l.uri !== undefined || (l.reason !== undefined && l.msg !== 'not ready'));
    expect(aboutResources.length).toBeGreaterThan(0);
    expect(aboutResources.filter((l) => l.namespace !== stack.ns || typeof l.name !== 'string')).toEqual([]);
  });
});
