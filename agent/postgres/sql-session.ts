// One short SQL session with the local instance over TCP: connect with a deadline, run, and
// always disconnect, so a long-lived agent holds no connection between its calls.
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
}

export async function withSqlSession<T>(target: SqlTarget, action: (client: Client) => Promise<T>): Promise<T> {
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
  });
  // A broken connection also rejects the query in flight, which is where the caller hears of it;
  // without a listener the event would crash the agent.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await action(client);
  } finally {
    await Promise.race([client.end().catch(() => undefined), sleep(target.connectTimeoutMs)]);
  }
}
