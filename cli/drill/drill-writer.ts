// The drill's writer: one INSERT after the other, each on a connection of its own, through the
// cluster's HAProxy on a host the fault does not touch, reached over that host's SSH connection
// (so the machine running pgha needs no route to it). It keeps each acknowledged id and when its
// acknowledgement came; afterwards it reads back which of them the primary lacks.
import pg from 'pg';
import { localForward, type LocalForward } from '../transport/local-forward.js';
import type { Forwarder } from '../transport/leader-postgres.js';

export interface Ack {
  id: number;
  /** Epoch ms when the INSERT was acknowledged. */
  at: number;
}

export interface DrillWriter {
  acks: Ack[];
  /** Attempts that failed (the write gap is made of them). */
  failures: number;
  /** Stops writing; resolves once the last attempt ended. */
  stop(): Promise<void>;
  /** The acknowledged ids the primary behind HAProxy does not have. */
  lost(): Promise<number[]>;
  close(): Promise<void>;
}

export interface WriterOptions {
  forward: Forwarder;
  /** The HAProxy host the writes go through, and its primary port. */
  via: { host: string; port: number };
  user: string;
  password: string;
  /** Tells this drill's rows from another's. */
  run: string;
  /** Bounds: at most this many writes, and this long. */
  maxWrites: number;
  maxMs: number;
}

const TABLE = 'pgha_drill';
/** HAProxy may still be moving to the new primary when the cluster reports healthy: the read back is tried again, a few times. */
const READ_BACK_ATTEMPTS = 10;
const READ_BACK_PAUSE_MS = 1000;

async function readBack<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= READ_BACK_ATTEMPTS) throw new Error(`the drill's rows could not be read back through HAProxy after ${READ_BACK_ATTEMPTS} attempts: ${error instanceof Error ? error.message : String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, READ_BACK_PAUSE_MS));
    }
  }
}

export async function startDrillWriter(options: WriterOptions): Promise<DrillWriter> {
  const tunnel: LocalForward = await localForward(() => options.forward(options.via.host, '127.0.0.1', options.via.port));
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ host: '127.0.0.1', port: tunnel.port, user: options.user, password: options.password, database: 'postgres', connectionTimeoutMillis: 3000, application_name: 'pgha drill' });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const once = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  await once((c) => c.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (run text, id integer, at timestamptz DEFAULT now(), PRIMARY KEY (run, id))`));
  const acks: Ack[] = [];
  let failures = 0;
  let writing = true;
  const started = Date.now();
  const loop = (async () => {
    for (let id = 1; writing && id <= options.maxWrites && Date.now() - started < options.maxMs; id++) {
      const ok = await once((c) => c.query(`INSERT INTO ${TABLE} (run, id) VALUES ($1, $2)`, [options.run, id])).then(
        () => true,
        () => false,
      );
      if (ok) acks.push({ id, at: Date.now() });
      else {
        failures++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  })();
  return {
    acks,
    get failures() {
      return failures;
    },
    async stop() {
      writing = false;
      await loop;
    },
    async lost() {
      const rows = await readBack(() => once((c) => c.query<{ id: number }>(`SELECT id FROM ${TABLE} WHERE run = $1`, [options.run])));
      const present = new Set(rows.rows.map((r) => r.id));
      return acks.map((a) => a.id).filter((id) => !present.has(id));
    },
    close: () => tunnel.close(),
  };
}
