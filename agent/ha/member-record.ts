// What this member publishes under members/<name>, in Patroni's format.
import type { MemberRecord } from '../contract/dcs-records.js';
import type { Tags } from '../contract/schema-types.js';
import type { PostgresStateName } from './node-state.js';
import type { PostgresObservation } from '../postgres/postgres-controller.js';
import type { TaskKind } from './snapshot.js';

/** The Patroni version whose wire format pgha speaks. */
export const PATRONI_COMPATIBLE_VERSION = '4.1.4';

const TASK_STATES: Partial<Record<TaskKind, PostgresStateName>> = {
  bootstrap: 'initializing new cluster',
  clone: 'creating replica',
  reinitialize: 'creating replica',
  restart: 'restarting',
  start: 'starting',
  demote: 'stopping',
};

export function postgresStateName(postgres: PostgresObservation, task: TaskKind | undefined): PostgresStateName {
  const during = task ? TASK_STATES[task] : undefined;
  if (during && postgres.process !== 'running') return during;
  return postgres.process;
}

export function roleName(postgres: PostgresObservation): string {
  if (postgres.dataDirectory !== 'initialized') return 'uninitialized';
  return postgres.inRecovery === false ? 'primary' : 'replica';
}

export interface MemberAddresses {
  /** `host:port` of PostgreSQL. */
  postgres: string;
  /** `http(s)://host:port` of the REST API. */
  api: string;
}

/** Where this member's PostgreSQL and REST API are reached, as Patroni's member key says it. */
export function memberUrls(addresses: MemberAddresses): { conn_url: string; api_url: string } {
  return { conn_url: `postgres://${addresses.postgres}/postgres`, api_url: `${addresses.api}/patroni` };
}

/** `paused`: the cluster is paused (patronictl's `pause --wait` waits for every member to say so). */
export function memberRecord(postgres: PostgresObservation, task: TaskKind | undefined, tags: Tags, addresses: MemberAddresses, paused = false): MemberRecord {
  const record: MemberRecord = {
    ...memberUrls(addresses),
    state: postgresStateName(postgres, task),
    role: roleName(postgres),
    version: PATRONI_COMPATIBLE_VERSION,
  };
  if (postgres.process === 'running') {
    const primary = postgres.inRecovery === false;
    record.xlog_location = primary ? (postgres.flushLsn ?? 0) : Math.max(postgres.receivedLsn ?? 0, postgres.replayedLsn ?? 0);
    if (!primary) {
      if (postgres.receivedLsn !== undefined) record.receive_lsn = postgres.receivedLsn;
      if (postgres.replayedLsn !== undefined) record.replay_lsn = postgres.replayedLsn;
      if (postgres.replicationState) record.replication_state = postgres.replicationState;
    }
  }
  if (postgres.timeline !== undefined) record.timeline = postgres.timeline;
  if (Object.keys(tags).length > 0) record.tags = tags as MemberRecord['tags'];
  if (postgres.pendingRestart && Object.keys(postgres.pendingRestart).length > 0) record.pending_restart = true;
  if (paused) record.pause = true;
  return record;
}
