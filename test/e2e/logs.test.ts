// Issue 19 point 1, the controller's own lines (the reconciler's are the lead's, issue 12): what a
// person reading the real JSON log sees when AWS credentials stop resolving and come back. Once when
// readiness starts failing, with the reason /readyz gives; once when it ends; never once per probe.
// harness/logs.ts reads the log; extend this file for the per-resource lines.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshNamespace, waitFor } from './support/index.ts';
import { Resources } from './harness/resources.ts';
import { startController, startEmulator, type EmulatorProcess as Emulator, type CpiProcess as Proc } from '../support/cpi.ts';
import { LEVEL, logLines, logsMatching, waitForLog } from './harness/logs.ts';

const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };

describe('controller logs: readiness', () => {
  let emulator: Emulator;
  let controller: Proc;
  let ns: string;

  beforeAll(async () => {
    ns = await freshNamespace('logs');
    emulator = await startEmulator();
    // STS answers 500 to every GetCallerIdentity: credentials do not resolve.
    await emulator.admin.setFaults({ errorRates: { GetCallerIdentity: { rate: 1, status: 500 } } });
    controller = await startController({ kubeconfig: inject('e2e').controllerKubeconfig, emulator, namespace: ns });
  });
  afterAll(async () => {
    await controller?.stop();
    await emulator?.stop();
  });

  it('says what it watches when it starts', () => {
    const [start] = logsMatching(controller, { msg: 'starting' });
    expect(start).toMatchObject({ level: LEVEL.info, namespace: ns, region: 'us-east-1', leaderElect: false, version });
  });

  it('logs a readiness failure once, with the reason, however often /readyz is asked', async () => {
    const line = await waitForLog(controller, { msg: 'not ready' });
    expect(line).toMatchObject({ level: LEVEL.warn, region: 'us-east-1' });
    expect(String(line.reason)).toMatch(/^AWS credentials do not resolve: /);
    const health = (await controller.waitForOutput(/"health":"(http:\/\/[^"]+)"/))[1]!;
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${health}/readyz`);
      expect(r.status).toBe(500);
      expect(await r.text()).toContain('AWS credentials do not resolve');
    }
    expect(logsMatching(controller, { msg: 'not ready' })).toHaveLength(1);
  });

  it('logs once that it is ready again when STS answers, without a probe asking', async () => {
    await emulator.admin.clearFaults();
    const line = await waitForLog(controller, { msg: 'ready again' }, 30_000);
    expect(line.level).toBe(LEVEL.info);
    expect(line.notReadyForSeconds).toEqual(expect.any(Number));
    const health = (await controller.waitForOutput(/"health":"(http:\/\/[^"]+)"/))[1]!;
    await waitFor(async () => (await fetch(`${health}/readyz`)).status === 200, { what: '/readyz 200' });
    expect(logsMatching(controller, { msg: 'ready again' })).toHaveLength(1);
    expect(logsMatching(controller, { msg: 'not ready' })).toHaveLength(1);
  });
});

describe('controller logs: every line about a resource names it and its AWS target', () => {
  let emulator: Emulator;
  let controller: Proc;
  let ns: string;
  let res: Resources;
  const URI = (n: number) => `arn:aws:connect:us-east-1:123456789012:instance/44444444-0000-0000-0000-${String(n).padStart(12, '0')}`;

  beforeAll(async () => {
    ns = await freshNamespace('logkeys');
    res = new Resources(ns);
    emulator = await startEmulator();
    await emulator.admin.createDomain('retail');
    controller = await startController({ kubeconfig: inject('e2e').controllerKubeconfig, emulator, namespace: ns });
  });
  afterAll(async () => {
    await controller?.stop();
    await emulator?.stop();
  });

  it('an AWS write is logged at info with the resource, the target and the outcome', async () => {
    await res.create('written', { domainName: 'retail', uri: URI(1), objectTypeName: 'CTR' });
    const put = await waitForLog(controller, { msg: 'PutIntegration', name: 'written' });
    expect(put).toMatchObject({ level: LEVEL.info, namespace: ns, name: 'written', domain: 'retail', region: 'us-east-1', account: '123456789012', uri: URI(1), outcome: 'ok' });
  });

  it('a failure that changes a condition is logged with the resource and the reason', async () => {
    await res.create('nodomain', { domainName: 'missing', uri: URI(2), objectTypeName: 'CTR' });
    const failed = await waitForLog(controller, { name: 'nodomain', level: LEVEL.warn });
    expect(failed).toMatchObject({ namespace: ns, name: 'nodomain', domain: 'missing', region: 'us-east-1' });
    expect(String(failed.reason)).toMatch(/DomainNotFound|NotFound/);
  });

  it('no line about a resource lacks its key: every line with a uri or a reason names namespace and name', async () => {
    await waitForLog(controller, { name: 'written', msg: 'PutIntegration' });
    const aboutResources = logLines(controller).filter((l) => l.uri !== undefined || (l.reason !== undefined && l.msg !== 'not ready'));
    expect(aboutResources.length).toBeGreaterThan(0);
    expect(aboutResources.filter((l) => l.namespace !== ns || typeof l.name !== 'string')).toEqual([]);
  });
});
