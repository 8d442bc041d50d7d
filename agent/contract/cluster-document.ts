// The document of `GET /cluster` (Patroni 4.1's shape), which the agents serve and pgha's
// operator commands read.
export type Lag = number | 'unknown';

export interface ClusterMemberDocument {
  name: string;
  role: string;
  state: string;
  api_url: string;
  host?: string;
  port?: number;
  timeline?: unknown;
  pending_restart?: unknown;
  pending_restart_reason?: unknown;
  scheduled_restart?: unknown;
  tags?: unknown;
  lsn?: string;
  lag?: Lag;
  receive_lsn?: string;
  receive_lag?: Lag;
  replay_lsn?: string;
  replay_lag?: Lag;
}

export interface ClusterDocument {
  members: ClusterMemberDocument[];
  pause?: true;
  scheduled_switchover?: { at: string; from?: string; to?: string };
  scope: string;
}
