// What the lab tests do with a cluster pgha built: etcdctl on a host with the agents' client
// certificate, the local secrets apply generated, writes through HAProxy (one, or a writer that
// keeps going and reports its longest gap), and the change lines of a plan.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { LAB_INVENTORY, labAddress, onLabHost } from './lab.js';

/** A secret apply generated beside the lab spec (`.pgha/lab/<name>`). */
export const localSecret = async (name: string): Promise<string> => (await readFile(join(LAB_INVENTORY, '.pgha/lab', name), 'utf8')).trim();

/** etcdctl over TLS on a lab host, with the cluster CA and (unless `certificate` is false) the agents' client certificate. */
export const etcdctlTls = (certificate = true): string =>
  `etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/pgha/etcd-ca.crt${certificate ? ' --cert=/etc/pgha/etcd-client.crt --key=/etc/pgha/etcd-client.key' : ''}`;

/** etcdctl on a lab host with the agents' certificate, as root (pgha's user) or as the agents' user. */
export async function etcdctl(host: number, args: string, user: 'root' | 'pgha-lab' = 'root'): Promise<string> {
  const password = await localSecret(user === 'root' ? 'etcd-root-password' : 'etcd-agent-password');
  return onLabHost(host, `ETCDCTL_USER='${user}:${password}' ${etcdctlTls()} ${args}`);
}

/** One INSERT through the HAProxy of a lab host; the address of the PostgreSQL that took it. */
export async function writeThroughHaproxy(host: number, value: string): Promise<string> {
  const password = (await readFile(join(LAB_INVENTORY, 'secrets/superuser-password'), 'utf8')).trim();
  const client = new pg.Client({ host: labAddress(host), port: 5000, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 3000 });
  // A server that stops mid-query (a restart under test) also emits an error event.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS e2e_writes (via text, at timestamptz DEFAULT now())');
    await client.query('INSERT INTO e2e_writes (via) VALUES ($1)', [value]);
    return String((await client.query('SELECT inet_server_addr() AS addr')).rows[0].addr);
  } finally {
    await client.end();
  }
}

export interface HaproxyWriter {
  /** Stops the writer; when each acknowledged write came back (epoch ms), the longest time between two, and the acknowledged writes the primary lacks. */
  stop(): Promise<{ writes: number[]; longestGapMs: number; lost: string[] }>;
}

/**
 * `attempt`, tried again a second later while it fails, at most `tries` times: right after a leader
 * change HAProxy may still send a connection to the old primary for a few checks.
 */
export async function retried<T>(attempt: () => Promise<T>, tries = 10): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Of `values` written to e2e_writes, those the primary behind c1's HAProxy does not have. */
function missingThroughHaproxy(label: string, values: readonly string[]): Promise<string[]> {
  return retried(() => missingOnce(label, values));
}

async function missingOnce(label: string, values: readonly string[]): Promise<string[]> {
  const password = (await readFile(join(LAB_INVENTORY, 'secrets/superuser-password'), 'utf8')).trim();
  const client = new pg.Client({ host: labAddress(1), port: 5000, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const rows = (await client.query<{ via: string }>("SELECT via FROM e2e_writes WHERE via LIKE $1 || ' %'", [label])).rows;
    const present = new Set(rows.map((r) => r.via));
    return values.filter((v) => !present.has(v));
  } finally {
    await client.end();
  }
}

/** Writes through c1's HAProxy one after the other (at most 5,000, pausing 100 ms after a failure) until stopped. */
export function startHaproxyWriter(label: string): HaproxyWriter {
  const writes: number[] = [];
  const acknowledged: string[] = [];
  let writing = true;
  const loop = (async () => {
    for (let i = 0; writing && i < 5000; i++) {
      const value = `${label} ${i}`;
      const ok = await writeThroughHaproxy(1, value).then(
        () => true,
        () => false,
      );
      if (ok) {
        writes.push(Date.now());
        acknowledged.push(value);
      } else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      writing = false;
      await loop;
      return { writes, longestGapMs: Math.max(0, ...writes.slice(1).map((t, i) => t - writes[i]!)), lost: await missingThroughHaproxy(label, acknowledged) };
    },
  };
}

/** The change lines of a plan's text: "  ~ c1: file /etc/pgha/agent.yaml". */
export function changeLines(plan: string): string[] {
  return plan.split('\n').filter((line) => /^ {2,4}(\+|~|-\/\+|-) \S+: /.test(line));
}
