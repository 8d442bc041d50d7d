import { watchdogTimeout } from '../../../agent/contract/timing.js';
import { error, type SpecRule } from './spec-rule.js';

export const watchdogTiming: SpecRule = {
  name: 'watchdog-timing',
  check(spec) {
    const { mode, safety_margin: margin } = spec.watchdog;
    const { ttl, loop_wait } = spec.dcs;
    if (mode === 'off') return [];
    if (margin >= ttl) {
      return [error(['watchdog', 'safety_margin'], `watchdog.safety_margin (${margin}) must be smaller than dcs.ttl (${ttl})`)];
    }
    const timeout = watchdogTimeout(ttl, margin);
    if (timeout >= loop_wait) return [];
    return [
      error(
        ['watchdog', 'safety_margin'],
        `the watchdog timeout (dcs.ttl - watchdog.safety_margin = ${timeout}s) is shorter than dcs.loop_wait (${loop_wait}s): ` +
          'the watchdog would reset a healthy primary between two runs of the loop',
      ),
    ];
  },
};
