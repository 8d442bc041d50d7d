// Failsafe mode has two preconditions the schema cannot see: the agents must reach each other over
// HTTPS (they never send their credentials over plain HTTP, so POST /failsafe would be refused),
// and a watchdog must not reset the primary while it waits for etcd before it can ask the members.
import { watchdogTimeout } from '../../../agent/contract/timing.js';
import { error, warning, type SpecRule } from './spec-rule.js';

/**
 * The agent feeds the watchdog before each etcd read for its last renewal, which the watchdog takes
 * only within half of ttl - timeout of it; after that the next keepalive follows a read that etcd
 * does not answer (retry_timeout) and the round of POST /failsafe.
 */
function watchdogOutlastsRead(ttl: number, loopWait: number, retryTimeout: number, timeout: number): boolean {
  const fedBeforeFirstRead = loopWait <= (ttl - timeout) / 2;
  return retryTimeout < timeout && (fedBeforeFirstRead || loopWait + retryTimeout < timeout);
}

export const failsafeMode: SpecRule = {
  name: 'failsafe-mode',
  check(spec) {
    const { failsafe_mode: enabled, ttl, loop_wait, retry_timeout } = spec.dcs;
    if (enabled !== true) return [];
    if (spec.agent.insecure) {
      return [
        error(
          ['dcs', 'failsafe_mode'],
          "failsafe mode needs the agents' REST API over HTTPS: over plain HTTP (agent.insecure) the agents send no credentials, so no member could confirm the primary; remove agent.insecure or failsafe_mode",
        ),
      ];
    }
    const { mode, safety_margin: margin } = spec.watchdog;
    if (mode === 'off' || margin >= ttl) return [];
    const timeout = watchdogTimeout(ttl, margin);
    if (watchdogOutlastsRead(ttl, loop_wait, retry_timeout, timeout)) return [];
    return [
      warning(
        ['dcs', 'failsafe_mode'],
        `with a watchdog timeout of ${timeout}s, dcs.loop_wait (${loop_wait}) and dcs.retry_timeout (${retry_timeout}) let the watchdog reset the primary during an etcd outage before the members can confirm it; ` +
          'lower retry_timeout or loop_wait, or raise ttl',
      ),
    ];
  },
};
