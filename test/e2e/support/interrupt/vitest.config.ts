// A nested vitest run used by test/e2e/control-plane.test.ts to prove that interrupting (Ctrl-C)
// or failing an e2e run leaves no control plane behind. Same global setup as the real e2e project;
// the spec file is named *.spec.ts so the outer run never picks it up.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../../../', import.meta.url)),
  test: {
    include: ['test/e2e/support/interrupt/*.spec.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
