// The configuration files the controller owns, Patroni's way: our postgresql.conf includes the
// one initdb wrote (renamed postgresql.base.conf), then sets what replication needs, then the
// cluster's parameters, then, on a replica, where to stream from. pg_hba.conf is ours entirely.
import { DERIVED_PARAMETERS } from '../contract/protected-parameters.js';
import { formatConninfo, parseConninfo } from './conninfo.js';
import { slotNameFor, type PostgresSettings, type ReplicationSource } from './postgres-controller.js';

export type ServerRole = { kind: 'primary' } | { kind: 'replica'; source: ReplicationSource | null };

export const BASE_CONF = 'postgresql.base.conf';
const MANAGED_HEADER = '# Written by pgha; every change here is overwritten. Set parameters in the cluster configuration.';

type ConfValue = string | number | boolean;

/** Defaults for replication; `parameters` may change them (max_wal_senders and max_replication_slots not below 10). */
const REPLICATION_DEFAULTS: Readonly<Record<string, ConfValue>> = {
  wal_level: 'replica',
  hot_standby: 'on',
  wal_log_hints: 'on',
  max_wal_senders: 10,
  max_replication_slots: 10,
  wal_keep_size: '128MB',
};
const AT_LEAST_TEN = ['max_wal_senders', 'max_replication_slots'];

/** Set by the controller alone; a value for them in `parameters` is ignored. */
const OWNED = new Set([...Object.keys(DERIVED_PARAMETERS), 'hot_standby', 'primary_conninfo', 'primary_slot_name', 'recovery_target_timeline']);

export function isManagedConf(text: string): boolean {
  return text.startsWith(MANAGED_HEADER);
}

/** A postgresql.conf string literal: backslashes escaped, quotes doubled; a line break cannot be written. */
export function quoteConfString(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new Error(`a configuration value cannot contain a line break: ${JSON.stringify(value)}`);
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function confValue(value: ConfValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') return String(value);
  return quoteConfString(value);
}

function atLeast(minimum: number, value: ConfValue): ConfValue {
  const number = Number(value);
  return Number.isInteger(number) && number < minimum ? minimum : value;
}

function replicationSettings(settings: PostgresSettings, source: ReplicationSource): Record<string, ConfValue> {
  const conninfo = formatConninfo({
    host: source.host,
    port: source.port,
    user: settings.replication.username,
    password: settings.replication.password,
    application_name: settings.memberName,
    sslmode: 'prefer',
  });
  return { primary_conninfo: conninfo, primary_slot_name: slotNameFor(settings.memberName) };
}

export function renderPostgresqlConf(settings: PostgresSettings, hbaFile: string, role: ServerRole): string {
  const values: Record<string, ConfValue> = {
    listen_addresses: settings.listenAddresses.join(','),
    port: settings.port,
    cluster_name: settings.scope,
    hba_file: hbaFile,
    ...REPLICATION_DEFAULTS,
  };
  for (const [given, value] of Object.entries(settings.parameters)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(given)) throw new Error(`not a PostgreSQL parameter name: ${JSON.stringify(given)}`);
    const name = given.toLowerCase();
    if (!OWNED.has(name)) values[name] = AT_LEAST_TEN.includes(name) ? atLeast(10, value) : value;
  }
  if (role.kind === 'replica' && role.source) Object.assign(values, replicationSettings(settings, role.source));
  // On a primary too: it takes a restart to unset, so dropping it at a promotion would leave a pending restart behind.
  values.recovery_target_timeline = 'latest';
  const lines = Object.entries(values).map(([name, value]) => `${name} = ${confValue(value)}`);
  return [MANAGED_HEADER, `include ${quoteConfString(BASE_CONF)}`, ...lines, ''].join('\n');
}

/** A role name in pg_hba.conf, quoted so that one called `all` or `replication` is not read as a keyword. */
function hbaRoleName(name: string): string {
  if (/["\n\r\0]/.test(name)) throw new Error(`a role name in pg_hba.conf cannot contain a double quote or a line break: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/**
 * The configured lines, after one of the agent's own: the replication role may open a replication
 * connection over the local socket, over which a standby tells the agent which timeline it replays.
 */
export function renderPgHba(lines: string[], replicationRole: string): string {
  return [
    '# Written by pgha from the cluster configuration; every change here is overwritten.',
    `local replication ${hbaRoleName(replicationRole)} scram-sha-256`,
    ...lines,
    '',
  ].join('\n');
}

/** The host and port of the primary_conninfo in a postgresql.conf this module rendered. */
export function upstreamInConf(text: string): { host: string; port: number } | undefined {
  const line = /^primary_conninfo = '((?:[^'\\]|''|\\.)*)'$/m.exec(text);
  if (!line) return undefined;
  const conninfo = parseConninfo(line[1]!.replace(/''/g, "'").replace(/\\\\/g, '\\'));
  const port = Number(conninfo.port);
  return conninfo.host && Number.isInteger(port) ? { host: conninfo.host, port } : undefined;
}
