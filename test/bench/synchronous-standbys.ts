// Synchronous figures mean something only once the leader has named its standbys: right after a
// start, a failover or a switchover it runs for a while with none, and commits do not wait.
import pg from 'pg';
import { SUPERUSER, type AgentCluster } from '../helpers/agent-cluster.js';
import { waitFor } from '../helpers/child-process.js';

export interface SynchronousStandbys {
  /** The members GET /cluster shows as sync_standby or quorum_standby. */
  standbys: string[];
  /** synchronous_standby_names as the primary's PostgreSQL runs with it. */
  setting: string;
}

export async function synchronousStandbyNames(cluster: AgentCluster, primary: string): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port: cluster.member(primary).pgPort, database: 'postgres', user: SUPERUSER.username, password: SUPERUSER.password });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<{ setting: string }>("SELECT current_setting('synchronous_standby_names') AS setting")).rows[0]!.setting;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Waits until `count` standbys are synchronous in GET /cluster and each is named in the primary's synchronous_standby_names. */
export async function waitForSynchronousStandbys(cluster: AgentCluster, primary: string, count: number, timeoutMs: number): Promise<SynchronousStandbys> {
  let found: SynchronousStandbys = { standbys: [], setting: '' };
  await waitFor(`${count} synchronous standby(s) named by ${primary}`, async () => {
    const document = JSON.parse((await cluster.api(primary, '/cluster')).body) as { members: { name: string; role: string }[] };
    const standbys = document.members.filter((m) => m.role === 'sync_standby' || m.role === 'quorum_standby').map((m) => m.name);
    const setting = await synchronousStandbyNames(cluster, primary);
    found = { standbys, setting };
    const named = setting.split(/[\s,()"]+/);
    return standbys.length === count && standbys.every((name) => named.includes(name));
  }, timeoutMs, 250);
  return found;
}
