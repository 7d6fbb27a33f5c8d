import { defineConfig } from 'vitest/config';

// Three projects: pure unit tests; contract tests of the emulator through the real AWS SDK;
// end-to-end tests against a real kube-apiserver + etcd (one control plane per run).
// `extends: true` makes each project inherit the root options below (timeouts included).
export default defineConfig({
  test: {
    // Two cores: e2e files each run a controller process, an emulator and kubectl.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'contract', include: ['test/contract/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 180_000,
        },
      },
    ],
  },
});
