// `GET /metrics`: Prometheus text format 0.0.4, Patroni 4.1.4's metric names, types and labels
// (`{scope="...",name="..."}`), computed from the same document as `/patroni`, plus pgha's own
// `pgha_*` metrics about the leader lease, the HA loop and the watchdog.
import type { NodeState, PostgresStateName } from '../ha/node-state.js';
import type { WatchdogStatus } from '../watchdog/watchdog.js';
import { nodeStatus, type NodeStatusDocument, type PrimaryXlog, type ReplicaXlog } from './node-status.js';
import { leaseRemainingMs } from './node-view.js';
import { parseTimestamp } from './timestamp-text.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Metric {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  /** Undefined: the metric is described but has no sample right now. */
  value: number | string | undefined;
  /** An extra comment line, for a gauge whose numbers stand for names. */
  legend?: string;
}

/** Patroni's numbering of PostgreSQL states (`patroni_postgres_state`). */
const STATE_NUMBERS: readonly [string, number, PostgresStateName | undefined][] = [
  ['initdb', 0, 'initializing new cluster'],
  ['initdb_failed', 1, undefined],
  ['custom_bootstrap', 2, undefined],
  ['custom_bootstrap_failed', 3, undefined],
  ['creating_replica', 4, 'creating replica'],
  ['running', 5, 'running'],
  ['starting', 6, 'starting'],
  ['bootstrap_starting', 7, undefined],
  ['start_failed', 8, 'start failed'],
  ['restarting', 9, 'restarting'],
  ['restart_failed', 10, 'restart failed'],
  ['stopping', 11, 'stopping'],
  ['stopped', 12, 'stopped'],
  ['stop_failed', 13, 'stop failed'],
  ['crashed', 14, 'crashed'],
];

const STATE_LEGEND = `# Values: ${STATE_NUMBERS.map(([label, number]) => `${label}=${number}`).join(', ')}, unknown=-1`;

function stateNumber(state: string): number {
  return STATE_NUMBERS.find(([, , name]) => name === state)?.[1] ?? -1;
}

/** `040104` for 4.1.4: each component padded to two digits. */
function paddedVersion(version: string): string {
  return version
    .split('.')
    .map((part) => part.padStart(2, '0'))
    .join('');
}

function epochSeconds(text: string | null | undefined): number {
  const parsed = text ? parseTimestamp(text) : undefined;
  return parsed ? parsed.epochMs / 1000 : 0;
}

const flag = (on: boolean | undefined): number => (on ? 1 : 0);

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Seconds, to the millisecond. */
const seconds = (ms: number): number => Math.round(ms) / 1000;

function secondsSince(now: number, then: number | undefined): number | undefined {
  return then === undefined ? undefined : seconds(now - then);
}

function patroniMetrics(doc: NodeStatusDocument): Metric[] {
  const primaryXlog = (doc.xlog ?? {}) as Partial<PrimaryXlog>;
  const replicaXlog = (doc.xlog ?? {}) as Partial<ReplicaXlog>;
  const serverVersion = doc.server_version ?? 0;
  const metrics: Metric[] = [
    { name: 'patroni_version', type: 'gauge', help: 'Patroni version this agent is compatible with, two digits per component.', value: paddedVersion(doc.patroni.version) },
    { name: 'patroni_postgres_running', type: 'gauge', help: '1 while PostgreSQL runs, else 0.', value: flag(doc.state === 'running') },
    { name: 'patroni_postmaster_start_time', type: 'gauge', help: 'Epoch seconds at which the postmaster started, 0 when unknown.', value: epochSeconds(doc.postmaster_start_time) },
    { name: 'patroni_primary', type: 'gauge', help: '1 on a primary, else 0.', value: flag(doc.role === 'primary') },
    { name: 'patroni_xlog_location', type: 'counter', help: 'WAL flush position of a primary in bytes, 0 elsewhere.', value: primaryXlog.location ?? 0 },
    { name: 'patroni_standby_leader', type: 'gauge', help: '1 on the leader of a standby cluster, else 0.', value: flag(doc.role === 'standby_leader') },
    { name: 'patroni_replica', type: 'gauge', help: '1 on a replica, else 0.', value: flag(doc.role === 'replica') },
    { name: 'patroni_sync_standby', type: 'gauge', help: '1 on a synchronous standby, else 0.', value: flag(doc.sync_standby) },
    { name: 'patroni_quorum_standby', type: 'gauge', help: '1 on a quorum standby, else 0.', value: flag(doc.quorum_standby) },
    { name: 'patroni_xlog_received_location', type: 'counter', help: 'WAL position a replica received, in bytes; 0 elsewhere.', value: replicaXlog.received_location ?? 0 },
    { name: 'patroni_xlog_replayed_location', type: 'counter', help: 'WAL position a replica replayed, in bytes; 0 elsewhere.', value: replicaXlog.replayed_location ?? 0 },
    { name: 'patroni_xlog_replayed_timestamp', type: 'gauge', help: 'Epoch seconds of the last transaction a replica replayed, 0 when unknown.', value: epochSeconds(replicaXlog.replayed_timestamp) },
    { name: 'patroni_xlog_paused', type: 'gauge', help: '1 while WAL replay is paused, else 0.', value: flag(replicaXlog.paused) },
  ];
  if (serverVersion >= 90600) {
    metrics.push(
      { name: 'patroni_postgres_streaming', type: 'gauge', help: '1 while a replica streams WAL from its source, else 0.', value: flag(doc.replication_state === 'streaming') },
      { name: 'patroni_postgres_in_archive_recovery', type: 'gauge', help: '1 while a replica recovers from the WAL archive, else 0.', value: flag(doc.replication_state === 'in archive recovery') },
    );
  }
  metrics.push(
    { name: 'patroni_postgres_server_version', type: 'gauge', help: 'PostgreSQL server_version_num while it runs, else 0.', value: serverVersion },
    { name: 'patroni_cluster_unlocked', type: 'gauge', help: '1 when no member holds the leader key (or etcd is out of sight), else 0.', value: flag(doc.cluster_unlocked) },
    { name: 'patroni_failsafe_mode_is_active', type: 'gauge', help: '1 while failsafe mode keeps a primary up without etcd (on it, and on the members that confirmed it), else 0.', value: flag(doc.failsafe_mode_is_active) },
    { name: 'patroni_postgres_timeline', type: 'gauge', help: 'PostgreSQL timeline while it runs, else 0.', value: doc.timeline ?? 0 },
    { name: 'patroni_dcs_last_seen', type: 'gauge', help: 'Epoch seconds of the last successful etcd read.', value: doc.dcs_last_seen },
    { name: 'patroni_pending_restart', type: 'gauge', help: '1 when a setting waits for a PostgreSQL restart, else 0.', value: flag(doc.pending_restart) },
    { name: 'patroni_is_paused', type: 'gauge', help: '1 while the cluster is paused (no automatic failover), else 0.', value: flag(doc.pause) },
    { name: 'patroni_postgres_state', type: 'gauge', help: 'PostgreSQL state as a number; see the values below.', value: stateNumber(doc.state), legend: STATE_LEGEND },
  );
  return metrics;
}

function watchdogMetrics(watchdog: WatchdogStatus): Metric[] {
  const lastKeepalive = watchdog.lastKeepalive === undefined ? undefined : Date.parse(watchdog.lastKeepalive) / 1000;
  return [
    { name: 'pgha_watchdog_armed', type: 'gauge', help: '1 while the watchdog is armed (this member leads and feeds it), else 0.', value: flag(watchdog.state === 'armed') },
    { name: 'pgha_watchdog_failed', type: 'gauge', help: '1 when the watchdog is required but unusable, so this member may not lead, else 0.', value: flag(watchdog.failed) },
    { name: 'pgha_watchdog_timeout_seconds', type: 'gauge', help: "The watchdog driver's timeout in seconds, once read.", value: watchdog.timeoutSeconds },
    { name: 'pgha_watchdog_keepalives_total', type: 'counter', help: 'Keepalives written to the watchdog since the agent started.', value: watchdog.keepalives },
    { name: 'pgha_watchdog_last_keepalive_timestamp_seconds', type: 'gauge', help: 'Epoch seconds of the last keepalive written to the watchdog.', value: lastKeepalive },
  ];
}

function pghaMetrics(state: NodeState, now: number): Metric[] {
  return [
    { name: 'pgha_leader_lease_remaining_seconds', type: 'gauge', help: 'Seconds this member may still act as leader without renewing its key, 0 when it does not lead.', value: seconds(leaseRemainingMs(state, now) ?? 0) },
    { name: 'pgha_last_cycle_age_seconds', type: 'gauge', help: 'Seconds since the HA loop last finished a cycle.', value: secondsSince(now, state.lastCycleAt) },
    { name: 'pgha_dcs_view_age_seconds', type: 'gauge', help: 'Seconds since the HA loop last read the cluster from etcd.', value: secondsSince(now, state.clusterReadAt) },
    ...watchdogMetrics(state.watchdog),
  ];
}

export function renderMetrics(state: NodeState, now: number): string {
  const labels = `{scope="${escapeLabel(state.scope)}",name="${escapeLabel(state.name)}"}`;
  const lines: string[] = [];
  for (const metric of [...patroniMetrics(nodeStatus(state, now)), ...pghaMetrics(state, now)]) {
    lines.push(`# HELP ${metric.name} ${metric.help}`);
    if (metric.legend) lines.push(metric.legend);
    lines.push(`# TYPE ${metric.name} ${metric.type}`);
    if (metric.value !== undefined) lines.push(`${metric.name}${labels} ${metric.value}`);
  }
  return `${lines.join('\n')}\n`;
}
