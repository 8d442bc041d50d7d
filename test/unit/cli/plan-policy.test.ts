// The example policy of examples/policy, conftest-style, against real plans of the lab spec as
// `pgha show --format json` prints them: through its runner as a CI job runs it, and through `deny`.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import planSchema from '../../../schemas/plan.schema.json' with { type: 'json' };
import { buildPlan } from '../../../cli/engine/build-plan.js';
import type { Plan } from '../../../cli/plan/plan.js';
import { formattedPlan } from '../../../cli/views/plan-formats.js';
import { painter } from '../../../cli/views/paint.js';
import { projectPath } from '../../helpers/paths.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { convergedObserved, labDesired, labSpec, LAB_PLAN_HEADER, TEST_DIGEST } from '../provisioner/lab-desired.js';

type Deny = (plan: unknown, data?: object) => string[];

const RUNNER = projectPath('examples/policy/check-plan.mjs');
const dir = useTempDir('pgha-policy-');
const validate = new Ajv2020({ strict: false }).compile(planSchema);
let deny: Deny;

beforeAll(async () => {
  ({ deny } = (await import(pathToFileURL(projectPath('examples/policy/pgha-plan-policy.mjs')).href)) as { deny: Deny });
});

/** The lab spec with these timings (and the watchdog firing half a ttl early, as a ttl of 5 needs). */
const dcs = (ttl: number, loopWait = 2, retryTimeout = 4) => (text: string) =>
  text
    .replace('  ttl: 10\n  loop_wait: 2\n  retry_timeout: 4\n', `  ttl: ${ttl}\n  loop_wait: ${loopWait}\n  retry_timeout: ${retryTimeout}\n`)
    .replace('  mode: automatic\n', '  mode: automatic\n  safety_margin: -1\n');

/** The plan from a cluster running the lab spec as `live` edits it to the spec as `wanted` edits it, as JSON. */
function planJson(live: (text: string) => string, wanted: (text: string) => string): unknown {
  const running = new Map(labDesired(labSpec(live)).resources.map((r) => [r.id, convergedObserved(r)]));
  const desired = labDesired(labSpec(wanted)).resources;
  const plan: Plan = buildPlan(LAB_PLAN_HEADER, desired, new Map(desired.map((r) => [r.id, running.get(r.id)])), TEST_DIGEST.of);
  const json: unknown = JSON.parse(formattedPlan(plan, 'json', painter(false)));
  expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  return json;
}

async function check(plan: unknown, ...args: string[]): Promise<{ code: number; stdout: string; file: string }> {
  const file = join(dir(), `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(plan));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [RUNNER, ...args, file]);
    return { code: 0, stdout, file };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout, file };
  }
}

const TTL_FIVE = 'cluster/dcs_config/config: ttl 5 is below 10 s (it was 30): a primary would lose its leader key on a short network pause';

describe('the example plan policy', () => {
  it('passes a plan that lowers the DCS ttl from 30 to 20', async () => {
    const plan = planJson(dcs(30), dcs(20));
    expect(deny(plan)).toEqual([]);
    const { code, stdout } = await check(plan);
    expect(stdout).toBe('\n3 tests, 3 passed, 0 failures\n');
    expect(code).toBe(0);
  });

  it('fails a plan that lowers the ttl to 5, naming the change, like conftest', async () => {
    const plan = planJson(dcs(30), dcs(5, 1, 2));
    expect(deny(plan)).toEqual([TTL_FIVE]);
    const { code, stdout, file } = await check(plan);
    expect(stdout).toBe(`FAIL - ${file} - ${TTL_FIVE}\n\n3 tests, 2 passed, 1 failure\n`);
    expect(code).toBe(1);
  });

  it('fails a PostgreSQL restart outside a restart window, and passes it in one', async () => {
    const plan = planJson((t) => t, (t) => t.replace('    parameters:\n', '    parameters:\n      max_connections: 200\n'));
    expect(deny(plan)).toEqual([
      'cluster/postgres_rolling_restart/postgresql: restarts PostgreSQL on every member (max_connections) outside a restart window: plan again with the data {"restart_window": true} while one is open',
    ]);
    expect(deny(plan, { restart_window: true })).toEqual([]);
    const window = join(dir(), 'window.json');
    await writeFile(window, '{ "restart_window": true }');
    expect((await check(plan)).code).toBe(1);
    expect(await check(plan, '--data', window)).toMatchObject({ code: 0, stdout: '\n3 tests, 3 passed, 0 failures\n' });
  });

  it('fails a role that becomes a superuser, and only that', () => {
    const plan = planJson((t) => t, (t) => t.replace('options: ["CONNECTION LIMIT 20"]', 'options: ["CONNECTION LIMIT 20", SUPERUSER]'));
    expect(deny(plan)).toEqual(['cluster/postgres_role/app: role app would become a superuser; grant what it needs instead']);
    expect(deny(planJson((t) => t.replace('options: ["CONNECTION LIMIT 20"]', 'options: [SUPERUSER]'), (t) => t.replace('options: ["CONNECTION LIMIT 20"]', 'options: [SUPERUSER, "CONNECTION LIMIT 5"]')))).toEqual([]);
  });

  it('exits 2 on a file that is not a plan, or none', async () => {
    expect((await check({ not: 'a plan' })).code).toBe(2);
    expect((await check([], '--data', join(dir(), 'missing.json'))).code).toBe(2);
  });
});
