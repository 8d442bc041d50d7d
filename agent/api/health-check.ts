// Patroni's health checks, which load balancers and orchestrators poll: the status code of a
// path for this member right now. Pure and cheap: no SQL, no etcd, only the published state.
import { parseSize } from '../contract/pg-units.js';
import { isRunningPrimary } from '../ha/snapshot.js';
import type { NodeState } from '../ha/node-state.js';
import { failsafeActive, freshCluster, isLeader, isStandbyCluster, reportedRole, synchronousDuty } from './node-view.js';
import { publishedTags } from './published-tags.js';
import { firstSegment } from './request-target.js';

const OK = 200;
const UNAVAILABLE = 503;

const code = (ok: boolean): number => (ok ? OK : UNAVAILABLE);

/** Patroni reads the query with Python's parse_qs, which drops blank values: `?lag=` sets nothing. */
function queryValue(query: URLSearchParams, name: string): string | undefined {
  for (const value of query.getAll(name)) if (value !== '') return value;
  return undefined;
}

/** `?lag=` in bytes or with PostgreSQL units; an unreadable limit is no limit, as in Patroni. */
function lagLimit(query: URLSearchParams): number | undefined {
  const text = queryValue(query, 'lag');
  return text === undefined ? undefined : parseSize(text);
}

function replayedPosition(state: NodeState): number {
  const pg = state.postgres;
  return pg.process === 'running' && pg.inRecovery !== false ? (pg.replayedLsn ?? 0) : 0;
}

function isLagging(state: NodeState, now: number, query: URLSearchParams): boolean {
  const limit = lagLimit(query);
  const optime = freshCluster(state, now)?.status?.optime;
  return limit !== undefined && optime !== undefined && optime > replayedPosition(state) + limit;
}

/** The four codes every health-check path is answered from. */
interface CheckCodes {
  replica: number;
  leader: number;
  primary: number;
  standbyLeader: number;
}

function checkCodes(state: NodeState, now: number, query: URLSearchParams): CheckCodes {
  const role = reportedRole(state, now);
  const replicaOk = !state.tags.noloadbalance && role === 'replica' && state.postgresState === 'running' && !isLagging(state, now, query);
  const replica = code(replicaOk);
  if (!freshCluster(state, now) && state.settings.pause) {
    // Paused with etcd out of sight: nobody will take over, so trust what PostgreSQL says.
    return { replica, leader: code(role === 'primary' || role === 'standby_leader'), primary: code(role === 'primary'), standbyLeader: code(role === 'standby_leader') };
  }
  if (!isLeader(state, now)) return { replica, leader: UNAVAILABLE, primary: UNAVAILABLE, standbyLeader: UNAVAILABLE };
  if (isStandbyCluster(state)) {
    return { replica: UNAVAILABLE, leader: OK, primary: UNAVAILABLE, standbyLeader: code(role === 'replica' || role === 'standby_leader') };
  }
  return { replica, leader: OK, primary: OK, standbyLeader: UNAVAILABLE };
}

/** Paths Patroni matches exactly, and only while the DCS view is available. */
function synchronousPathStatus(path: string, codes: CheckCodes, state: NodeState, now: number): number {
  const { sync, quorum } = synchronousDuty(state, now);
  const leads = codes.primary === OK || codes.standbyLeader === OK;
  switch (path) {
    case '/sync':
    case '/synchronous':
      return sync ? codes.replica : UNAVAILABLE;
    case '/quorum':
      return quorum ? codes.replica : UNAVAILABLE;
    case '/async':
    case '/asynchronous':
      return sync || quorum ? UNAVAILABLE : codes.replica;
    case '/read-only-quorum':
      return leads ? OK : quorum ? codes.replica : UNAVAILABLE;
    case '/read-only-sync':
    case '/read-only-synchronous':
      return leads ? OK : sync ? codes.replica : UNAVAILABLE;
    default:
      return UNAVAILABLE;
  }
}

/** Paths about serving reads; `?tag_<name>=` filters apply to them. */
function readPathStatus(path: string, codes: CheckCodes, state: NodeState, now: number): number {
  if (path.includes('replica')) return codes.replica;
  if (path.includes('read-only') && !path.includes('sync') && !path.includes('quorum')) {
    return codes.primary === OK || codes.standbyLeader === OK ? OK : codes.replica;
  }
  if (path.includes('health')) return code(state.postgresState === 'running');
  return freshCluster(state, now) ? synchronousPathStatus(path, codes, state, now) : UNAVAILABLE;
}

/** Every `?tag_<name>=<value>` must equal a published tag; non-string tags compare as lower-case text. */
function tagsMatch(query: URLSearchParams, state: NodeState): boolean {
  // The first non-blank value of each tag, in one pass: a getAll per key would take quadratic time on a long query string.
  const wantedTags = new Map<string, string>();
  for (const [key, value] of query) if (key.startsWith('tag_') && value !== '' && !wantedTags.has(key)) wantedTags.set(key, value);
  let tags: ReturnType<typeof publishedTags> | undefined;
  for (const [key, wanted] of wantedTags) {
    tags ??= publishedTags(state.tags);
    const tag = tags[key.slice('tag_'.length)];
    if (tag === undefined) return false;
    if ((typeof tag === 'string' ? tag : String(tag).toLowerCase()) !== wanted) return false;
  }
  return true;
}

/** The generic check every GET path without a handler of its own, and every HEAD or OPTIONS, gets. */
function pathStatus(rawPath: string, query: URLSearchParams, state: NodeState, now: number): number {
  const path = rawPath === '/' ? '/primary' : rawPath;
  const codes = checkCodes(state, now, query);
  if (path.includes('standby_leader') || path.includes('standby-leader')) return codes.standbyLeader;
  if (path.includes('leader')) return codes.leader;
  if (path.includes('master') || path.includes('primary') || path.includes('read-write')) return codes.primary;
  const status = readPathStatus(path, codes, state, now);
  return status === OK && !tagsMatch(query, state) ? UNAVAILABLE : status;
}

/**
 * 200 while the HA loop keeps cycling: its next run (the last cycle's end plus loop_wait) is
 * less than ttl old on a running primary, 2*ttl elsewhere. Paused members are always alive.
 */
function livenessStatus(state: NodeState, now: number): number {
  if (state.settings.pause) return OK;
  if (state.lastCycleAt === undefined) return UNAVAILABLE;
  const { ttlMs, loopWaitMs } = state.settings;
  const threshold = isRunningPrimary(state.postgres) ? ttlMs : 2 * ttlMs;
  return code(state.lastCycleAt + loopWaitMs + threshold > now);
}

/**
 * 200 when this member can serve: the leader always; a replica while it streams and is within
 * `?lag=` (default maximum_lag_on_failover) of the leader's last position, measured on replayed
 * WAL, or on received WAL with `?mode=write`.
 */
function readinessStatus(state: NodeState, now: number, query: URLSearchParams): number {
  if (isLeader(state, now)) return OK;
  const pg = state.postgres;
  if (state.postgresState !== 'running' || pg.replicationState !== 'streaming') return UNAVAILABLE;
  const cluster = freshCluster(state, now);
  // Without a DCS view, ready only while this member confirmed a primary kept by failsafe mode.
  if (!cluster) return code(failsafeActive(state, now));
  const position = queryValue(query, 'mode') === 'write' ? (pg.receivedLsn ?? pg.replayedLsn ?? 0) : (pg.replayedLsn ?? 0);
  const limit = lagLimit(query) ?? state.settings.maximumLagOnFailover;
  return code((cluster.status?.optime ?? 0) - position <= limit);
}

/**
 * The status code Patroni gives `method` on `path` (the query string split off into `query`).
 * GET `/liveness` and `/readiness` have checks of their own; HEAD and OPTIONS always get the
 * generic check, so `HEAD /liveness` is 503, as in Patroni.
 */
export function healthCheckStatus(method: string, path: string, query: URLSearchParams, state: NodeState, now: number): number {
  if (method === 'GET') {
    const segment = firstSegment(path);
    if (segment === 'liveness') return livenessStatus(state, now);
    if (segment === 'readiness') return readinessStatus(state, now, query);
  }
  return pathStatus(path, query, state, now);
}
