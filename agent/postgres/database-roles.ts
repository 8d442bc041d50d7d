// The roles bootstrap creates: replication (streaming and pg_basebackup) and, when configured, a
// rewind role that may read the files pg_rewind needs without being a superuser.
import { escapeIdentifier, escapeLiteral, type Client } from 'pg';
import type { PostgresSettings } from './postgres-controller.js';

const REWIND_FUNCTIONS = [
  'pg_catalog.pg_ls_dir(text, boolean, boolean)',
  'pg_catalog.pg_stat_file(text, boolean)',
  'pg_catalog.pg_read_binary_file(text)',
  'pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)',
];

type Credentials = PostgresSettings['replication'];

/** Keeps the passwords below out of the server log. */
async function hideStatementsFromLog(client: Client): Promise<void> {
  await client.query("SET log_statement TO 'none'; SET log_min_duration_statement TO -1; SET log_min_error_statement TO 'panic'");
}

async function createOrAlterLoginRole(client: Client, role: Credentials, attributes: string[]): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [role.username]);
  const verb = found.rowCount ? 'ALTER' : 'CREATE';
  await client.query(`${verb} ROLE ${escapeIdentifier(role.username)} WITH ${['LOGIN', ...attributes].join(' ')} PASSWORD ${escapeLiteral(role.password)}`);
}

export async function ensureReplicationRole(client: Client, role: Credentials): Promise<void> {
  await hideStatementsFromLog(client);
  await createOrAlterLoginRole(client, role, ['REPLICATION']);
}

export async function ensureRewindRole(client: Client, role: Credentials): Promise<void> {
  await hideStatementsFromLog(client);
  await createOrAlterLoginRole(client, role, []);
  for (const fn of REWIND_FUNCTIONS) await client.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${escapeIdentifier(role.username)}`);
}
