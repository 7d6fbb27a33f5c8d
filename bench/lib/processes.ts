// Moved to test/support/cpi.ts, the one toolkit of tests and benchmarks; kept so that older
// imports (bench/memory.ts) still compile.
export * from '../../test/support/cpi.ts';
