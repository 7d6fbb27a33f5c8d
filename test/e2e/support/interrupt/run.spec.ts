// Driven by INTERRUPT_MODE: `hang` waits to be interrupted, `fail` fails, `pass` passes. Prints a
// marker with the API server it was given first.
import { test } from 'vitest';
import { adminKubeConfig } from '../index.ts';

test(`nested run (${process.env.INTERRUPT_MODE})`, async () => {
  const server = adminKubeConfig().getCurrentCluster()?.server;
  process.stdout.write(`NESTED-TEST-RUNNING ${server}\n`);
  if (process.env.INTERRUPT_MODE === 'fail') throw new Error('failing on purpose');
  if (process.env.INTERRUPT_MODE === 'pass') return;
  await new Promise(() => {}); // until interrupted
});
