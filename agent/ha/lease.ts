// Leadership is a belief that expires: it lasts ttl from the moment the last successful renewal
// (or acquisition) was sent, on this member's monotonic clock, whatever etcd says later.
import type { HaSettings } from './ha-settings.js';

export function leaseDeadline(renewedAt: number, settings: Pick<HaSettings, 'ttlMs'>): number {
  return renewedAt + settings.ttlMs;
}
