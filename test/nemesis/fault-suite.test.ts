// The fault suite as `npm test` runs it: 12 faults from a fixed seed whose schedule holds every
// kind (a switchover followed by a fault too), on a cluster in synchronous mode with a watchdog
// emulator per member, so it must lose no acknowledged write, see no write acknowledged by a
// second primary, and end with every member healthy. Longer schedules and other seeds run by
// hand: npm run test:nemesis (PGHA_NEMESIS_* in nemesis-config.ts).
import { describe, expect, it } from 'vitest';
import { nemesisConfig } from './nemesis-config.js';
import { nemesisTimeoutMs, runNemesis } from './nemesis-run.js';

const config = nemesisConfig({ PGHA_NEMESIS_FAULTS: '12', PGHA_NEMESIS_SEED: process.env.PGHA_CI_NEMESIS_SEED ?? '20261202', PGHA_NEMESIS_SYNC: 'on', PGHA_NEMESIS_WATCHDOG: 'emulator' });

describe(`fault suite: ${config.faults} faults from seed ${config.seed}, synchronous mode, watchdog emulator`, () => {
  it('loses no acknowledged write, never has two primaries take writes, and heals after every fault', async () => {
    const report = await runNemesis(config);
    expect(report.violations).toEqual([]);
    expect(report.outcomes).toHaveLength(config.faults);
  }, nemesisTimeoutMs(config));
});
