// A seeded random schedule of faults on a real cluster, as one long test: the run prints its seed
// and schedule first, a line per fault, and a table per fault kind; it fails on a broken invariant.
import { describe, expect, it } from 'vitest';
import { nemesisConfig } from './nemesis-config.js';
import { nemesisTimeoutMs, runNemesis } from './nemesis-run.js';

const config = nemesisConfig();

describe(`nemesis: ${config.faults} faults from seed ${config.seed}`, () => {
  it('keeps one primary, every member streaming, and what the mode promises about acknowledged writes', async () => {
    const report = await runNemesis(config);
    expect(report.violations).toEqual([]);
  }, nemesisTimeoutMs(config));
});
