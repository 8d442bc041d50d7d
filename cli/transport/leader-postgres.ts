// SQL on the leader's PostgreSQL, as its superuser, over the SSH connection to the leader's host
// (to 127.0.0.1 there, which the default pg_hba admits with a password), so pgha needs no route
// to PostgreSQL's port. Planning gets read-only sessions.
import pg from 'pg';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import type { Secrets } from '../desired/secrets.js';
import { UserError } from '../user-error.js';
import { localForward, type LocalForward } from './local-forward.js';
import type { Duplex } from 'node:stream';

export interface SqlSession {
  /** The leader's member name. */
  leader: string;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

export type Forwarder = (host: string, address: string, port: number) => Promise<Duplex>;

export interface LeaderPostgres {
  /** A new session on the current leader, or undefined when no leader runs. */
  open(mode: 'read' | 'write', leader: string | undefined): Promise<SqlSession | undefined>;
  close(): Promise<void>;
}

export function leaderPostgres(spec: ClusterSpec, secrets: Secrets, forward: Forwarder): LeaderPostgres {
  const open: { client: pg.Client; tunnel: LocalForward }[] = [];
  let closed = false;
  const { superuser } = spec.postgres.authentication;
  return {
    async open(mode, leader) {
      if (!leader) return undefined;
      const tunnel = await localForward(() => forward(leader, '127.0.0.1', spec.postgres.port));
      if (closed) {
        await tunnel.close();
        throw new Error('the run is over: no new PostgreSQL session');
      }
      const client = new pg.Client({
        host: '127.0.0.1',
        port: tunnel.port,
        user: superuser.username,
        password: secrets.resolve(superuser.password, 'postgres.authentication.superuser.password'),
        database: 'postgres',
        connectionTimeoutMillis: 10_000,
        application_name: 'pgha',
        ...(mode === 'read' && { options: '-c default_transaction_read_only=on' }),
      });
      client.on('error', () => undefined);
      open.push({ client, tunnel });
      try {
        await client.connect();
      } catch (error) {
        throw new UserError(`cannot log in to PostgreSQL on the leader ${leader} (127.0.0.1:${spec.postgres.port} there, as ${superuser.username}): ${(error as Error).message}`);
      }
      return {
        leader,
        query: async (sql, params) => (await client.query(sql, params)).rows as Record<string, unknown>[],
      };
    },
    async close() {
      closed = true;
      await Promise.all(open.splice(0).map(async ({ client, tunnel }) => {
        await client.end().catch(() => undefined);
        await tunnel.close();
      }));
    },
  };
}
