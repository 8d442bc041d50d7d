import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../cli/engine/build-plan.js';
import { readPlanFile, writePlanFile } from '../../../cli/plan/plan-file.js';
import packageJson from '../../../package.json' with { type: 'json' };
import { useTempDir } from '../../helpers/temp-dir.js';
import { bareObserved, labDesired, LAB_PLAN_HEADER, TEST_DIGEST } from './lab-desired.js';

describe('the saved plan file', () => {
  const dir = useTempDir('pgha-plan-file-');

  it('is readable by its owner only, and reads back as it was written', async () => {
    const desired = labDesired().resources;
    const plan = buildPlan(LAB_PLAN_HEADER, desired, new Map(desired.map((r) => [r.id, bareObserved(r)])), TEST_DIGEST.of);
    const file = join(dir(), 'lab.plan');
    await writePlanFile(file, plan);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readPlanFile(file)).toEqual(JSON.parse(JSON.stringify(plan)));
  });

  it('refuses a plan an older pgha saved with unkeyed digests', async () => {
    const file = join(dir(), 'old.plan');
    await writeFile(file, JSON.stringify({ format_version: 1, changes: [], observed: {}, spec: { file: 'x', digest: 'a'.repeat(64) } }));
    await expect(readPlanFile(file)).rejects.toThrow(`${file} was saved by an older pgha (plan format 1, whose digests were not keyed); run "pgha plan -out" again`);
  });

  it('refuses a plan another version of pgha saved, with one sentence', async () => {
    const desired = labDesired().resources;
    const plan = buildPlan({ ...LAB_PLAN_HEADER, pgha_version: '0.0.9' }, desired, new Map(desired.map((r) => [r.id, bareObserved(r)])), TEST_DIGEST.of);
    const file = join(dir(), 'other-version.plan');
    await writePlanFile(file, plan);
    await expect(readPlanFile(file)).rejects.toThrow(`${file} was saved by pgha 0.0.9 and this is pgha ${packageJson.version}, so nothing was changed: run "pgha plan -out" again with this pgha`);
  });
});
