// The randomized fault suite: `npm run test:nemesis`. Not part of `npm test`: one long run of a
// real cluster, configured by PGHA_NEMESIS_* (see nemesis-config.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/nemesis/**/*.nemesis.ts'],
    fileParallelism: false,
  },
});
