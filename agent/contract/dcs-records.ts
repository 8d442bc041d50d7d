// The values stored under the cluster prefix, in Patroni's formats, with tolerant parsers:
// a value another tool wrote badly must never crash an agent (Patroni reads it as empty).

export type TagValue = string | number | boolean;

/** `members/<name>`: what a member publishes about itself every cycle. */
export interface MemberRecord {
  /** `postgres://host:port/postgres` */
  conn_url: string;
  /** `http://host:port/patroni`; peers GET it as-is. */
  api_url: string;
  state: string;
  role: string;
  version: string;
  xlog_location?: number;
  receive_lsn?: number;
  replay_lsn?: number;
  replication_state?: string;
  timeline?: number;
  tags?: Record<string, TagValue>;
  checkpoint_after_promote?: boolean;
  pending_restart?: boolean;
  pause?: boolean;
  [extra: string]: unknown;
}

/** `status`: the leader's last known WAL position, and slot positions to retain. */
export interface StatusRecord {
  optime: number;
  slots?: Record<string, number>;
  retain_slots?: string[];
}

/** `sync`: who may auto-promote in synchronous mode. */
export interface SyncRecord {
  leader: string | null;
  /** Comma-separated member names, or null. */
  sync_standby: string | null;
  quorum?: number;
}

/** `failover`: a requested switchover or failover; `{}` when none. */
export interface FailoverRecord {
  leader?: string;
  member?: string;
  scheduled_at?: string;
}

/** One `history` entry: `[timeline, lsn, reason, timestamp, new_leader]`. */
export type HistoryEntry = [number, number, string, string, string];

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  return typeof value === 'string' ? value : '';
}

export function parseMember(text: string): MemberRecord {
  const parsed = parseJson(text);
  const record = isObject(parsed) ? parsed : {};
  return {
    ...record,
    conn_url: stringField(record, 'conn_url'),
    api_url: stringField(record, 'api_url'),
    state: stringField(record, 'state'),
    role: stringField(record, 'role'),
    version: stringField(record, 'version'),
    tags: isObject(record.tags) ? (record.tags as Record<string, TagValue>) : undefined,
  };
}

export function parseStatus(text: string): StatusRecord | undefined {
  const parsed = parseJson(text);
  if (typeof parsed === 'number') return { optime: parsed };
  if (!isObject(parsed) || typeof parsed.optime !== 'number') return undefined;
  return parsed as unknown as StatusRecord;
}

export function parseSync(text: string): SyncRecord | undefined {
  const parsed = parseJson(text);
  if (!isObject(parsed)) return undefined;
  const leader = typeof parsed.leader === 'string' ? parsed.leader : null;
  const standby = typeof parsed.sync_standby === 'string' ? parsed.sync_standby : null;
  return { ...parsed, leader, sync_standby: standby } as SyncRecord;
}

export function parseFailover(text: string): FailoverRecord {
  const parsed = parseJson(text);
  if (!isObject(parsed)) return {};
  const record: FailoverRecord = {};
  for (const key of ['leader', 'member', 'scheduled_at'] as const) {
    const value = parsed[key];
    if (typeof value === 'string' && value !== '') record[key] = value;
  }
  return record;
}

export function parseHistory(text: string): HistoryEntry[] {
  const parsed = parseJson(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (entry): entry is HistoryEntry => Array.isArray(entry) && typeof entry[0] === 'number' && typeof entry[1] === 'number',
  );
}

export function parseConfig(text: string): Record<string, unknown> | undefined {
  const parsed = parseJson(text);
  return isObject(parsed) ? parsed : undefined;
}

export function parseFailsafe(text: string): Record<string, string> | undefined {
  const parsed = parseJson(text);
  if (!isObject(parsed)) return undefined;
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Patroni writes compact JSON. */
export function encodeRecord(value: unknown): string {
  return JSON.stringify(value);
}
