// Moved to test/support/wait.ts, the one toolkit of tests and benchmarks; kept so that older
// imports (bench/memory.ts) still compile.
export { sleep, waitFor as waitUntil } from '../../test/support/wait.ts';
