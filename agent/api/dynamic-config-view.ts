// The few dynamic-configuration switches the REST API reads, read as leniently as Patroni reads
// them (`pause: "on"` is true), from whatever another tool may have written into the key.
import { parseLenientBool } from '../contract/lenient-bool.js';

export type DynamicConfigValue = Record<string, unknown> | undefined;

export type SynchronousMode = 'off' | 'on' | 'quorum';

function flag(config: DynamicConfigValue, key: string): boolean {
  return parseLenientBool(config?.[key]) ?? false;
}

export function isPausedIn(config: DynamicConfigValue): boolean {
  return flag(config, 'pause');
}

export function failsafeModeIn(config: DynamicConfigValue): boolean {
  return flag(config, 'failsafe_mode');
}

/** A standby cluster replicates from elsewhere: its leader is a `standby_leader`, never a primary. */
export function isStandbyClusterIn(config: DynamicConfigValue): boolean {
  const standby = config?.standby_cluster;
  if (typeof standby !== 'object' || standby === null) return false;
  const { host, port, restore_command } = standby as Record<string, unknown>;
  return Boolean(host || port || restore_command);
}

export function synchronousModeIn(config: DynamicConfigValue): SynchronousMode {
  if (isStandbyClusterIn(config)) return 'off';
  if (config?.synchronous_mode === 'quorum') return 'quorum';
  return flag(config, 'synchronous_mode') ? 'on' : 'off';
}
