// Moved to test/support/cpi.ts, the one toolkit of tests and benchmarks; kept under the old names
// so that tests written against this path (a branch in flight) still compile. Import from there.
export { spawnCpi, startController, startEmulator, type CpiProcess as Proc, type EmulatorProcess as Emulator } from '../../support/cpi.ts';
