import { timingRuleHolds } from '../../../agent/contract/timing.js';
import { error, type SpecRule } from './spec-rule.js';

const TIMING_KEYS = ['ttl', 'retry_timeout', 'loop_wait'] as const;

export const timing: SpecRule = {
  name: 'timing',
  check(spec, written) {
    const { ttl, loop_wait, retry_timeout } = spec.dcs;
    if (timingRuleHolds(spec.dcs)) return [];
    const key = TIMING_KEYS.find((k) => written(['dcs', k])) ?? 'ttl';
    const sum = loop_wait + 2 * retry_timeout;
    return [
      error(
        ['dcs', key],
        `dcs.loop_wait (${loop_wait}) + 2 * dcs.retry_timeout (${retry_timeout}) = ${sum} exceeds dcs.ttl (${ttl}): ` +
          'the primary could lose its leader key before it notices; raise ttl or lower loop_wait or retry_timeout',
      ),
    ];
  },
};
