// `GET /cluster`: every member as the DCS shows it (no calls to peers), in Patroni 4.1's shape:
// LSNs printed like PostgreSQL's `0/3000060`, lags in bytes behind the leader's last position.
import type { MemberRecord } from '../contract/dcs-records.js';
import type { ClusterState, MemberEntry } from '../dcs/dcs.js';
import { formatLsn } from '../postgres/lsn.js';
import { isPausedIn, isStandbyClusterIn } from './dynamic-config-view.js';
import { synchronousDutyIn } from './synchronous-duty.js';
import type { ClusterDocument, ClusterMemberDocument, Lag } from '../contract/cluster-document.js';

/** Member fields passed through as the member published them. */
const PASSED_THROUGH = ['timeline', 'pending_restart', 'pending_restart_reason', 'scheduled_restart', 'tags'] as const;

/** The three positions a replica publishes, each with the pair of fields it becomes. */
const POSITIONS = [
  ['xlog_location', 'lsn', 'lag'],
  ['receive_lsn', 'receive_lsn', 'receive_lag'],
  ['replay_lsn', 'replay_lsn', 'replay_lag'],
] as const;

function connectionAddress(connUrl: string): { host?: string; port?: number } {
  try {
    const url = new URL(connUrl);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (host === '') return {};
    return url.port === '' ? { host } : { host, port: Number(url.port) };
  } catch {
    return {};
  }
}

function lagFields(record: MemberRecord, optime: number): Partial<ClusterMemberDocument> {
  const fields: Partial<Record<string, string | Lag>> = {};
  for (const [source, lsnField, lagField] of POSITIONS) {
    const position = record[source];
    if (typeof position !== 'number') {
      fields[lagField] = 'unknown';
      continue;
    }
    fields[lsnField] = formatLsn(position);
    fields[lagField] = Math.max(0, optime - position);
  }
  return fields as Partial<ClusterMemberDocument>;
}

function memberRole(cluster: ClusterState, name: string): string {
  const config = cluster.config?.value;
  if (name === cluster.leader?.name) return isStandbyClusterIn(config) ? 'standby_leader' : 'leader';
  const duty = synchronousDutyIn(cluster, name);
  return duty.sync ? 'sync_standby' : duty.quorum ? 'quorum_standby' : 'replica';
}

function memberDocument(cluster: ClusterState, member: MemberEntry): ClusterMemberDocument {
  const { record, name } = member;
  const role = memberRole(cluster, name);
  const replicationState = role !== 'leader' && typeof record.replication_state === 'string' ? record.replication_state : '';
  const document: ClusterMemberDocument = { name, role, state: replicationState || record.state, api_url: record.api_url, ...connectionAddress(record.conn_url) };
  for (const key of PASSED_THROUGH) if (record[key] !== undefined) document[key] = record[key];
  if (name === cluster.leader?.name) return document;
  return { ...document, ...lagFields(record, cluster.status?.optime ?? 0) };
}

export function clusterDocument(cluster: ClusterState, scope: string): ClusterDocument {
  const members = cluster.members.map((member) => memberDocument(cluster, member)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const document: ClusterDocument = { members, scope };
  if (isPausedIn(cluster.config?.value)) document.pause = true;
  const failover = cluster.failover?.value;
  if (failover?.scheduled_at !== undefined) {
    document.scheduled_switchover = { at: failover.scheduled_at };
    if (failover.leader !== undefined) document.scheduled_switchover.from = failover.leader;
    if (failover.member !== undefined) document.scheduled_switchover.to = failover.member;
  }
  return document;
}
