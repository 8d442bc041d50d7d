// The watchdog's timing is Patroni's, in seconds: it fires ttl - safety_margin after the last
// keepalive, and must not fire between two cycles.
import type { WatchdogTiming } from '../watchdog/watchdog.js';
import type { HaSettings } from './ha-settings.js';

export function watchdogTiming(settings: Pick<HaSettings, 'ttlMs' | 'loopWaitMs'>): WatchdogTiming {
  return { ttl: settings.ttlMs / 1000, loop_wait: settings.loopWaitMs / 1000 };
}
