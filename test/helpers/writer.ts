// A client that inserts one row every 20 ms for the whole test, through HAProxy or to the port it
// is told, and records every acknowledged id, so a test can count lost writes (acknowledged,
// then absent) and measure the write gap around an event.
import pg from 'pg';

export interface Ack {
  id: number;
  /** Date.now() when the commit was acknowledged. */
  at: number;
  /** The PostgreSQL port that acknowledged it (inet_server_port()), i.e. which member. */
  port: number;
}

export interface Writer {
  acks: Ack[];
  errors: number;
  stop(): Promise<void>;
}

export interface WriterOptions {
  /** Where to write: HAProxy's port, or the port to write to right now (undefined: nowhere yet); a change of port reconnects. */
  port: number | (() => number | undefined);
  user: string;
  password: string;
  intervalMs?: number;
  /** Upper bound on the whole run, so a forgotten writer still ends. */
  maxRunMs?: number;
  /** Ids -1, -2, ... instead of 1, 2, ..., so that a second writer can share the table. */
  negativeIds?: boolean;
  /** Called after each failed write. */
  onError?: () => void;
}

export const WRITES_TABLE = 'pgha_writes';

export function startWriter(options: WriterOptions): Writer {
  const acks: Ack[] = [];
  const state = { stopped: false, errors: 0 };
  const interval = options.intervalMs ?? 20;
  const deadline = Date.now() + (options.maxRunMs ?? 30 * 60_000);
  const { port: where } = options;
  const target = typeof where === 'number' ? () => where : where;
  const step = options.negativeIds ? -1 : 1;
  const done = (async () => {
    let client: pg.Client | undefined;
    let connectedTo: number | undefined;
    let next = step;
    while (!state.stopped && Date.now() < deadline) {
      const started = Date.now();
      const port = target();
      if (client && port !== connectedTo) {
        await client.end().catch(() => undefined);
        client = undefined;
      }
      if (port !== undefined) {
        try {
          if (!client) {
            connectedTo = port;
            client = new pg.Client({ host: '127.0.0.1', port, user: options.user, password: options.password, database: 'postgres', connectionTimeoutMillis: 1000, query_timeout: 2000 });
            client.on('error', () => undefined);
            await client.connect();
            await client.query(`CREATE TABLE IF NOT EXISTS ${WRITES_TABLE} (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`);
          }
          const { rows } = await client.query<{ port: number }>(`INSERT INTO ${WRITES_TABLE} (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING inet_server_port() AS port`, [next]);
          acks.push({ id: next, at: Date.now(), port: rows[0]?.port ?? 0 });
        } catch {
          state.errors++;
          await client?.end().catch(() => undefined);
          client = undefined;
          options.onError?.();
        }
        next += step;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, interval - (Date.now() - started))));
    }
    await client?.end().catch(() => undefined);
  })();
  return {
    acks,
    get errors() {
      return state.errors;
    },
    async stop() {
      state.stopped = true;
      await done;
    },
  };
}

/** The longest time between two acknowledged writes after `since` (Date.now() ms). */
export function longestGap(acks: Ack[], since: number): number {
  let gap = 0;
  for (let i = 1; i < acks.length; i++) if (acks[i]!.at >= since) gap = Math.max(gap, acks[i]!.at - acks[i - 1]!.at);
  return gap;
}

/** Acknowledged ids missing from the table on the current primary. */
export async function lostWrites(acks: Ack[], connection: { port: number; user: string; password: string }): Promise<number[]> {
  const client = new pg.Client({ host: '127.0.0.1', database: 'postgres', connectionTimeoutMillis: 2000, ...connection });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM ${WRITES_TABLE}`);
    const present = new Set(rows.map((r) => Number(r.id)));
    return acks.map((a) => a.id).filter((id) => !present.has(id));
  } finally {
    await client.end();
  }
}
