// Where to stream from or clone from: a member's `conn_url` (postgres://host:port/postgres).
import type { ClusterState } from '../dcs/dcs.js';
import type { ReplicationSource } from '../postgres/postgres-controller.js';

export function replicationSource(cluster: ClusterState | undefined, member: string): ReplicationSource | undefined {
  const url = cluster?.members.find((m) => m.name === member)?.record.conn_url;
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return { name: member, host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 5432) };
  } catch {
    return undefined;
  }
}
