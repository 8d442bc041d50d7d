import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/closing-line-reporter.ts'],
    projects: [
      {
        // Pure logic and short-lived processes: files run side by side (`npm run test:unit`).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        // Real clusters, one file at a time and after the unit files: their timing (leases,
        // failover) must not compete for this machine's two cores with another file's work.
        test: { name: 'real', include: ['test/**/*.test.ts'], exclude: ['test/unit/**'], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
