// PostgreSQL settings that pgha sets itself, or that must be equal on every member.
import type { DocPath } from '../../../agent/contract/document/doc-path.js';
import { error, type Finding, type SpecRule } from './spec-rule.js';

/** Settings pgha derives from other parts of the spec, with the part to change instead. */
const DERIVED: Readonly<Record<string, string>> = {
  listen_addresses: "the hosts' addresses",
  port: 'postgres.port',
  cluster_name: 'metadata.name',
  data_directory: 'postgres.data_dir',
  hba_file: 'postgres.pg_hba',
};

/** A hot standby refuses to start when these are lower than on its primary, so Patroni keeps them cluster-wide. */
const CLUSTER_WIDE = new Set([
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

export const protectedParameters: SpecRule = {
  name: 'protected-parameter',
  check(spec) {
    const findings: Finding[] = [];
    const sections: [DocPath, Readonly<Record<string, unknown>>][] = [
      [['postgres', 'parameters'], spec.postgres.parameters],
      [['dcs', 'postgresql', 'parameters'], spec.dcs.postgresql.parameters],
    ];
    for (const [path, parameters] of sections) {
      for (const name of Object.keys(parameters)) {
        const source = DERIVED[name];
        if (source) findings.push(error([...path, name], `${name} is set by pgha from ${source}; change that instead`, 'key'));
      }
    }
    for (const name of Object.keys(spec.postgres.parameters)) {
      if (!CLUSTER_WIDE.has(name)) continue;
      findings.push(error(['postgres', 'parameters', name], `${name} must be equal on every member, so it can only be set in dcs.postgresql.parameters`, 'key'));
    }
    return findings;
  },
};
