// The fault-injection soak, as a command:
//
//   npm run soak -- --minutes 30 [--slots 200 --domains 5 --seed 42 --ops-per-second 4 --leader-kills 2]
//
// Prints the figures and every invariant; writes bench/results/soak.json (or --out FILE).
// Exit status 0 when every invariant holds, 1 when one fails.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { machineBusy } from './lib/measure.ts';
import { log, writeResult } from './lib/report.ts';
import { printSoak } from './soak/print.ts';
import { runSoak } from './soak/run.ts';
import { deploymentMemoryEnv } from './lib/deployment-env.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    slots: { type: 'string', default: '200' },
    domains: { type: 'string', default: '5' },
    seed: { type: 'string' },
    'ops-per-second': { type: 'string', default: '4' },
    'leader-kills': { type: 'string', default: '2' },
    out: { type: 'string' },
  },
});
const num = (flag: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`cpi soak: --${flag} must be a positive number, got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
};


const busy = await machineBusy(2000);
const report = await runSoak({
  minutes: num('minutes', values.minutes),
  slots: num('slots', values.slots),
  domains: num('domains', values.domains),
  ...(values.seed ? { seed: num('seed', values.seed) } : {}),
  opsPerSecond: num('ops-per-second', values['ops-per-second']),
  leaderKills: Number(values['leader-kills']),
  // The replicas run with the Deployment's memory settings, so the RSS figures are the deployed ones.
  controllerEnv: deploymentMemoryEnv(),
  log,
});
printSoak(report);
if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
} else writeResult('soak', report as unknown as Record<string, unknown>, { machineBusyShare: busy });
process.exitCode = report.ok ? 0 : 1;
