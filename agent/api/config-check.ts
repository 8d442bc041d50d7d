// What a new dynamic configuration must satisfy before it is written to the `config` key: the
// schema a cluster spec's `dcs` section obeys, the timing rule every member relies on, and no
// setting this version does not honour yet.
import commonSchema from '../../schemas/common.schema.json' with { type: 'json' };
import dcsSchema from '../../schemas/dcs.schema.json' with { type: 'json' };
import { createValueValidator } from '../contract/document/value-validator.js';
import { quoted } from '../contract/quoted.js';
import { timingProblem, type LoopTiming } from '../contract/timing.js';
import { unsupportedDynamicSettings } from '../contract/unsupported-settings.js';
import type { JsonObject } from './api-exchange.js';

const validateDynamicConfig = createValueValidator(dcsSchema, [commonSchema]);

/**
 * Every problem with `config`, in sentences. `pause` is checked here rather than by the schema:
 * it is not part of a spec (patronictl pauses through the API), but it lives in the same key.
 */
export function dynamicConfigProblems(config: JsonObject): string[] {
  const { pause, ...rest } = config;
  const problems: string[] = [];
  if (pause !== undefined && typeof pause !== 'boolean') problems.push(`pause must be true or false, got ${quoted(pause)}`);
  const check = validateDynamicConfig(rest);
  problems.push(...check.problems);
  const { ttl, loop_wait, retry_timeout } = check.withDefaults as Record<keyof LoopTiming, unknown>;
  if ([ttl, loop_wait, retry_timeout].every(Number.isInteger)) {
    const timing = timingProblem(check.withDefaults as LoopTiming, '');
    if (timing !== undefined) problems.push(timing);
  }
  problems.push(...unsupportedDynamicSettings(config));
  return problems;
}
