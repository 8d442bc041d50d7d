import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/closing-line-reporter.ts'],
    projects: [
      {
        // Pure logic and short-lived processes: files run side by side (`npm run test:unit`), and a
        // worker keeps the modules it imported for its next file (no file relies on a fresh module).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 }, isolate: false },
      },
      {
        // Real clusters, one file at a time and after the unit files: their timing (leases,
        // failover) must not compete for this machine's two cores with another file's work.
        test: { name: 'real', include: ['test/**/*.test.ts'], exclude: ['test/unit/**'], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
