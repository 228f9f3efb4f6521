import { defineConfig } from 'vitest/config';

/**
 * Four kinds of test (STYLE.md): unit (pure, no network), infra (CDK template assertions),
 * integration (DynamoDB Local) and e2e (HTTP against the local server); test/security keeps the
 * attack categories (cursors, sizes, encodings, identity, mass assignment, CSV injection) as e2e
 * tests, and test/web drives the web app in headless Chromium against the local server (the app is
 * built first when its sources changed: test/support/web-build.ts). Each integration test file runs
 * on a DynamoDB Local of its own, in memory (test/support/setup-env.ts says why).
 * The JSON report feeds the closing line of .ci/run.
 */
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: '.reports/vitest.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/fast-check.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'test/integration/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/security/**/*.test.ts',
            'test/web/**/*.test.ts',
            'test/faults/**/*.test.ts',
          ],
          globalSetup: ['test/support/web-build.ts'],
          setupFiles: ['test/support/setup-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
