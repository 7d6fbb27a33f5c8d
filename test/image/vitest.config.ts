import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:image`: the image built and run as deploy/base's Deployment runs it. Apart from
// `npm test` because it needs a container engine (podman); it shares the e2e control plane setup.
export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    include: ['test/image/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 900_000,
  },
});
