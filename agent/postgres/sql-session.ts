// SQL sessions with the local instance over TCP. Actions run in a one-off session that always
// disconnects, except the HA loop's observations, which run every cycle on one kept session:
// a new connection each time (with SCRAM authentication) would cost more than the queries.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

export interface SqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  connectTimeoutMs: number;
  /** Bound on each query, measured by the client. */
  queryTimeoutMs: number;
  /** A physical replication connection, which takes replication commands (IDENTIFY_SYSTEM) instead of SQL. */
  replication?: boolean;
}

function newClient(target: SqlTarget): Client {
  const client = new Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: 'postgres',
    application_name: 'pgha',
    // Timestamps cast to text must come out as ISO 8601 whatever DateStyle the server is given.
    options: '-c DateStyle=ISO',
    connectionTimeoutMillis: target.connectTimeoutMs,
    query_timeout: target.queryTimeoutMs,
    // pg passes `replication` on to the server's startup packet; its types do not list it.
    ...(target.replication ? ({ replication: 'true' } as object) : {}),
  });
  // A broken connection also rejects the query in flight, which is where the caller hears of it;
  // without a listener the event would crash the agent.
  client.on('error', () => undefined);
  return client;
}

async function disconnect(client: Client, target: SqlTarget): Promise<void> {
  await Promise.race([client.end().catch(() => undefined), sleep(target.connectTimeoutMs)]);
}

export async function withSqlSession<T>(target: SqlTarget, action: (client: Client) => Promise<T>): Promise<T> {
  const client = newClient(target);
  try {
    await client.connect();
    return await action(client);
  } finally {
    await disconnect(client, target);
  }
}

/** A session kept open between calls, reopened when it fails or the target changes. */
export class KeptSqlSession {
  private open: { client: Client; target: SqlTarget; key: string } | undefined;

  async run<T>(target: SqlTarget, action: (client: Client) => Promise<T>): Promise<T> {
    const key = `${target.host}:${target.port}:${target.user}:${target.password}`;
    if (this.open && this.open.key !== key) await this.close();
    const reused = this.open !== undefined;
    try {
      return await action(await this.client(target, key));
    } catch (error) {
      await this.close();
      // A kept session dies with the server it was opened on (a restart): try once on a new one.
      if (!reused) throw error;
      return action(await this.client(target, key));
    }
  }

  private async client(target: SqlTarget, key: string): Promise<Client> {
    if (this.open) return this.open.client;
    const client = newClient(target);
    try {
      await client.connect();
    } catch (error) {
      await disconnect(client, target);
      throw error;
    }
    this.open = { client, target, key };
    return client;
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (open) await disconnect(open.client, open.target);
  }
}
