// The saved plan (`pgha plan -out FILE`): the plan document as JSON, owner-readable only.
import { readFile, writeFile } from 'node:fs/promises';
import packageJson from '../../package.json' with { type: 'json' };
import { UserError } from '../user-error.js';
import { PLAN_FORMAT, type Plan } from './plan.js';

export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  await writeFile(path, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
}

export async function readPlanFile(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the plan file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let plan: Partial<Plan>;
  try {
    plan = JSON.parse(text) as Partial<Plan>;
  } catch {
    throw new UserError(`${path} is not a plan file saved by "pgha plan -out" (it is not JSON)`);
  }
  if (typeof plan.format_version === 'number' && plan.format_version < PLAN_FORMAT) {
    throw new UserError(`${path} was saved by an older pgha (plan format ${plan.format_version}, whose digests were not keyed); run "pgha plan -out" again`);
  }
  if (plan.format_version !== PLAN_FORMAT || !Array.isArray(plan.changes) || typeof plan.observed !== 'object' || !plan.spec) {
    throw new UserError(`${path} is not a plan file saved by "pgha plan -out" (format ${String(plan.format_version)})`);
  }
  if (plan.pgha_version !== packageJson.version) {
    // Another version may build or carry out the same change differently from what the plan showed.
    throw new UserError(`${path} was saved by pgha ${String(plan.pgha_version)} and this is pgha ${packageJson.version}, so nothing was changed: run "pgha plan -out" again with this pgha`);
  }
  return plan as Plan;
}
