// What a running instance says about itself over SQL: role, WAL positions, timeline, streaming,
// and the settings that wait for a restart.
import type { Client } from 'pg';
import { parseLsn } from './lsn.js';
import type { PostgresObservation, ReplicationRow } from './postgres-controller.js';

export type RunningObservation = Omit<PostgresObservation, 'dataDirectory' | 'process' | 'controlState'>;

interface StatusRow {
  in_recovery: boolean;
  system_identifier: string;
  postmaster_start_time: string;
  server_version: number;
  /** Where a standby's recovery is at least, by its control file: the later of checkpoint and minimum recovery point. */
  recovery_timeline: number;
}

const STATUS = `SELECT pg_catalog.pg_is_in_recovery() AS in_recovery,
  (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) AS system_identifier,
  pg_catalog.pg_postmaster_start_time()::text AS postmaster_start_time,
  pg_catalog.current_setting('server_version_num')::int AS server_version,
  GREATEST((SELECT timeline_id FROM pg_catalog.pg_control_checkpoint()),
    (SELECT min_recovery_end_timeline FROM pg_catalog.pg_control_recovery())) AS recovery_timeline`;

// The checkpoint's timeline lags behind a promotion; the current WAL file's name does not.
const PRIMARY_WAL = `SELECT pg_catalog.pg_current_wal_flush_lsn()::text AS flush_lsn,
  ('x' || substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline,
  pg_catalog.current_setting('synchronous_standby_names') AS synchronous_standby_names
  WHERE NOT pg_catalog.pg_is_in_recovery()`;

const REPLICATION = `SELECT usename, application_name, host(client_addr) AS client_addr, state, sync_state, sync_priority, flush_lsn::text
  FROM pg_catalog.pg_stat_replication ORDER BY application_name`;

const REPLICA_WAL = `SELECT pg_catalog.pg_last_wal_receive_lsn()::text AS receive_lsn,
  pg_catalog.pg_last_wal_replay_lsn()::text AS replay_lsn,
  pg_catalog.pg_last_xact_replay_timestamp()::text AS replay_timestamp,
  CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_is_wal_replay_paused() ELSE false END AS replay_paused`;

const WAL_RECEIVER = `SELECT status, written_lsn::text, flushed_lsn::text, received_tli, sender_host, sender_port
  FROM pg_catalog.pg_stat_wal_receiver`;

// The new value is the last one the configuration files give (pg_file_settings reads them
// afresh); a setting removed from them returns to its built-in default.
const PENDING_RESTART = `SELECT s.name, pg_catalog.current_setting(s.name) AS old_value,
  COALESCE((SELECT f.setting FROM pg_catalog.pg_file_settings f WHERE lower(f.name) = s.name ORDER BY f.seqno DESC LIMIT 1), s.boot_val) AS new_value
  FROM pg_catalog.pg_settings s WHERE s.pending_restart`;

async function primaryFields(client: Client): Promise<Partial<RunningObservation>> {
  const wal = (await client.query<{ flush_lsn: string; timeline: number; synchronous_standby_names: string }>(PRIMARY_WAL)).rows[0];
  if (!wal) return {};
  const rows = (await client.query<Omit<ReplicationRow, 'flushLsn'> & { flush_lsn: string | null }>(REPLICATION)).rows;
  const replication = rows.map(({ flush_lsn, ...row }) => ({ ...row, ...(flush_lsn ? { flushLsn: parseLsn(flush_lsn) } : {}) }));
  return { flushLsn: parseLsn(wal.flush_lsn), timeline: wal.timeline, replication, synchronousStandbyNames: wal.synchronous_standby_names };
}

interface ReplicaWalRow {
  receive_lsn: string | null;
  replay_lsn: string | null;
  replay_timestamp: string | null;
  replay_paused: boolean;
}

interface WalReceiverRow {
  status: string;
  written_lsn: string | null;
  flushed_lsn: string | null;
  received_tli: number | null;
  sender_host: string | null;
  sender_port: number | null;
}

/** The timeline of the WAL a replica last replayed, or undefined when it cannot be asked. */
export type ReplayTimelineReader = () => Promise<number | undefined>;

async function replicaTimeline(
  receiver: WalReceiverRow | undefined,
  recoveryTimeline: number,
  replayTimeline: ReplayTimelineReader,
): Promise<Pick<RunningObservation, 'timeline' | 'timelineSource'>> {
  if (receiver?.status === 'streaming' && receiver.received_tli) return { timeline: receiver.received_tli, timelineSource: 'wal-receiver' };
  const replayed = await replayTimeline();
  return replayed === undefined ? { timeline: recoveryTimeline, timelineSource: 'control-file' } : { timeline: replayed, timelineSource: 'replay' };
}

async function replicaFields(client: Client, recoveryTimeline: number, replayTimeline: ReplayTimelineReader): Promise<Partial<RunningObservation>> {
  const wal = (await client.query<ReplicaWalRow>(REPLICA_WAL)).rows[0]!;
  const receiver = (await client.query<WalReceiverRow>(WAL_RECEIVER)).rows[0];
  const received = [receiver?.written_lsn, receiver?.flushed_lsn, wal.receive_lsn].flatMap((lsn) => (lsn ? [parseLsn(lsn)] : []));
  return {
    ...(received.length > 0 ? { receivedLsn: Math.max(...received) } : {}),
    ...(wal.replay_lsn ? { replayedLsn: parseLsn(wal.replay_lsn) } : {}),
    replayedTimestamp: wal.replay_timestamp,
    replayPaused: wal.replay_paused,
    replicationState: receiver?.status === 'streaming' ? 'streaming' : 'in archive recovery',
    ...(await replicaTimeline(receiver, recoveryTimeline, replayTimeline)),
    ...(receiver?.sender_host && receiver.sender_port ? { upstream: { host: receiver.sender_host, port: receiver.sender_port } } : {}),
  };
}

async function pendingRestart(client: Client): Promise<RunningObservation['pendingRestart']> {
  const { rows } = await client.query<{ name: string; old_value: string; new_value: string }>(PENDING_RESTART);
  return Object.fromEntries(rows.map((row) => [row.name, { old_value: row.old_value, new_value: row.new_value }]));
}

export async function observeRunning(client: Client, replayTimeline: ReplayTimelineReader): Promise<RunningObservation> {
  const status = (await client.query<StatusRow>(STATUS)).rows[0]!;
  const roleFields = status.in_recovery ? await replicaFields(client, status.recovery_timeline, replayTimeline) : await primaryFields(client);
  return {
    systemIdentifier: status.system_identifier,
    inRecovery: status.in_recovery,
    timeline: status.recovery_timeline,
    postmasterStartTime: status.postmaster_start_time,
    serverVersion: status.server_version,
    ...roleFields,
    pendingRestart: await pendingRestart(client),
  };
}
