import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/helpers/closing-line-reporter.ts'],
    // One file at a time: the integration tests run real clusters whose timing (leases,
    // failover) must not compete for this machine's two cores with another file's cluster.
    fileParallelism: false,
  },
});
