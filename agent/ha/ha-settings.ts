// The dynamic settings the HA rules read, resolved from the DCS `config` key (or the bootstrap
// defaults until the cluster has one): every duration in milliseconds, every size in bytes.
import { parseDuration, parseSize } from '../contract/pg-units.js';
import type { DynamicConfig } from '../contract/schema-types.js';

export interface HaSettings {
  ttlMs: number;
  loopWaitMs: number;
  retryTimeoutMs: number;
  maximumLagOnFailover: number;
  primaryStartTimeoutMs: number;
  checkTimeline: boolean;
  usePgRewind: boolean;
  removeDataDirectoryOnRewindFailure: boolean;
  removeDataDirectoryOnDivergedTimelines: boolean;
  pause: boolean;
  /** `on`: a commit waits for the chosen standbys, which alone may be promoted; `quorum`: for any `synchronousNodeCount` of them. */
  synchronousMode: 'off' | 'on' | 'quorum';
  /** With no standby to choose, commits wait rather than go unprotected. */
  synchronousModeStrict: boolean;
  synchronousNodeCount: number;
  /** A standby further behind than this many bytes is not chosen; negative: no limit. */
  maximumLagOnSyncnode: number;
  /** A primary cut off from etcd stays primary while every member confirms it over POST /failsafe. */
  failsafeMode: boolean;
}

function number(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function flag(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (/^(on|true|yes|1)$/i.test(value)) return true;
    if (/^(off|false|no|0)$/i.test(value)) return false;
  }
  return fallback;
}

/** Values another tool wrote are read as leniently as Patroni reads them; anything unusable falls back. */
export function haSettings(live: Record<string, unknown> | undefined, defaults: DynamicConfig): HaSettings {
  const config = (live ?? defaults) as Record<string, unknown>;
  const postgresql = (typeof config.postgresql === 'object' && config.postgresql !== null ? config.postgresql : {}) as Record<string, unknown>;
  const size = (value: unknown, fallback: number): number =>
    typeof value === 'number' || typeof value === 'string' ? (parseSize(value) ?? fallback) : fallback;
  const seconds = (value: unknown, fallback: number): number =>
    typeof value === 'number' || typeof value === 'string' ? (parseDuration(value) ?? fallback * 1000) : fallback * 1000;
  return {
    ttlMs: number(config.ttl, defaults.ttl) * 1000,
    loopWaitMs: number(config.loop_wait, defaults.loop_wait) * 1000,
    retryTimeoutMs: number(config.retry_timeout, defaults.retry_timeout) * 1000,
    maximumLagOnFailover: size(config.maximum_lag_on_failover, size(defaults.maximum_lag_on_failover, 1048576)),
    primaryStartTimeoutMs: seconds(config.primary_start_timeout, defaults.primary_start_timeout),
    checkTimeline: flag(config.check_timeline, defaults.check_timeline),
    usePgRewind: flag(postgresql.use_pg_rewind, defaults.postgresql.use_pg_rewind),
    removeDataDirectoryOnRewindFailure: flag(postgresql.remove_data_directory_on_rewind_failure, defaults.postgresql.remove_data_directory_on_rewind_failure),
    removeDataDirectoryOnDivergedTimelines: flag(
      postgresql.remove_data_directory_on_diverged_timelines,
      defaults.postgresql.remove_data_directory_on_diverged_timelines,
    ),
    pause: flag(config.pause, false),
    synchronousMode: config.synchronous_mode === 'quorum' ? 'quorum' : flag(config.synchronous_mode, false) ? 'on' : 'off',
    synchronousModeStrict: flag(config.synchronous_mode_strict, false),
    synchronousNodeCount: Math.max(1, Math.floor(number(config.synchronous_node_count, defaults.synchronous_node_count))),
    maximumLagOnSyncnode: size(config.maximum_lag_on_syncnode, -1),
    failsafeMode: flag(config.failsafe_mode, defaults.failsafe_mode),
  };
}
