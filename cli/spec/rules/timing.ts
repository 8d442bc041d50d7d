import { timingProblem } from '../../../agent/contract/timing.js';
import { error, type SpecRule } from './spec-rule.js';

const TIMING_KEYS = ['ttl', 'retry_timeout', 'loop_wait'] as const;

export const timing: SpecRule = {
  name: 'timing',
  check(spec, written) {
    const problem = timingProblem(spec.dcs, 'dcs.');
    if (problem === undefined) return [];
    const key = TIMING_KEYS.find((k) => written(['dcs', k])) ?? 'ttl';
    return [error(['dcs', key], problem)];
  },
};
