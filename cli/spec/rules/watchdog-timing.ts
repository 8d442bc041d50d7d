import { watchdogTimeout } from '../../../agent/contract/timing.js';
import { error, type Finding, type SpecRule } from './spec-rule.js';

const BETWEEN_CYCLES = 'the watchdog would reset a healthy primary between two runs of the loop';

/** An explicit softdog timeout must fit the timing, since the agent cannot change a driver's timeout (no ioctl from Node.js). */
function softMarginProblems(softMargin: number | undefined, timeout: number, loopWait: number, wanted: string): Finding[] {
  if (softMargin === undefined) return [];
  const path = ['watchdog', 'soft_margin'];
  if (softMargin > timeout) {
    return [
      error(
        path,
        `watchdog.soft_margin (${softMargin}s) is longer than ${wanted} = ${timeout}s: a hung primary would be reset only after its leader key expired, ` +
          "and the agent cannot shorten a driver's timeout (in required mode it refuses to lead); lower soft_margin or leave it out",
      ),
    ];
  }
  if (softMargin < loopWait) {
    return [error(path, `watchdog.soft_margin (${softMargin}s) is shorter than dcs.loop_wait (${loopWait}s): ${BETWEEN_CYCLES}; raise soft_margin or leave it out`)];
  }
  return [];
}

export const watchdogTiming: SpecRule = {
  name: 'watchdog-timing',
  check(spec) {
    const { mode, safety_margin: margin, soft_margin: softMargin } = spec.watchdog;
    const { ttl, loop_wait } = spec.dcs;
    if (mode === 'off') return [];
    if (margin >= ttl) {
      return [error(['watchdog', 'safety_margin'], `watchdog.safety_margin (${margin}) must be smaller than dcs.ttl (${ttl})`)];
    }
    const timeout = watchdogTimeout(ttl, margin);
    const wanted = margin === -1 ? `half of dcs.ttl (${ttl})` : `dcs.ttl (${ttl}) - watchdog.safety_margin (${margin})`;
    if (timeout < loop_wait) {
      return [error(['watchdog', 'safety_margin'], `the watchdog timeout (${wanted} = ${timeout}s) is shorter than dcs.loop_wait (${loop_wait}s): ${BETWEEN_CYCLES}`)];
    }
    return softMarginProblems(softMargin, timeout, loop_wait, wanted);
  },
};
