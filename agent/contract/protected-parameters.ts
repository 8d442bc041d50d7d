// PostgreSQL settings that are not ordinary parameters: the ones pgha derives from elsewhere,
// and the ones every member must share (a hot standby refuses to start when they are lower
// than on its primary), which only the dynamic configuration may set.

/** Settings pgha sets itself, with the part of the cluster spec they come from. */
export const DERIVED_PARAMETERS: Readonly<Record<string, string>> = {
  listen_addresses: "the hosts' addresses",
  port: 'postgres.port',
  cluster_name: 'metadata.name',
  data_directory: 'postgres.data_dir',
  hba_file: 'postgres.pg_hba',
};

export const CLUSTER_WIDE_PARAMETERS: ReadonlySet<string> = new Set([
  'max_connections',
  'max_wal_senders',
  'max_replication_slots',
  'max_worker_processes',
  'max_prepared_transactions',
  'max_locks_per_transaction',
  'track_commit_timestamp',
  'wal_level',
  'wal_log_hints',
  'wal_keep_size',
  'wal_keep_segments',
  'hot_standby',
]);

/**
 * The settings a hot standby must have at least as high as its primary (PostgreSQL 15's
 * CheckRequiredParameterValues: a standby restarted with less refuses to start), with
 * PostgreSQL's defaults (max_wal_senders: pgha's, which is PostgreSQL's).
 */
export const HOT_STANDBY_MINIMUMS: Readonly<Record<string, number>> = {
  max_connections: 100,
  max_prepared_transactions: 0,
  max_locks_per_transaction: 64,
  max_wal_senders: 10,
  max_worker_processes: 8,
};
