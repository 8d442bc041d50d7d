// Three real agents started at once on loopback: one bootstrap, two streaming replicas. Their
// etcd is secured as in production: HTTPS, client certificates, and a login.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentCluster, SUPERUSER } from '../helpers/agent-cluster.js';

describe('three agents started at once on a secured etcd', () => {
  let cluster: AgentCluster;

  beforeAll(async () => {
    cluster = await AgentCluster.start({ securedEtcd: true });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('elect one primary, which runs initdb, and clone two streaming replicas', async () => {
    let primary: string;
    try {
      primary = await cluster.waitForPrimary(60_000);
      await cluster.waitForReplicas(primary, 60_000);
    } catch (error) {
      throw new Error(`${String(error)}\n${cluster.logs()}`);
    }
    const initdbs = cluster.members.filter((m) => /created the cluster/.test(m.agent?.output() ?? ''));
    expect(initdbs.map((m) => m.name)).toEqual([primary]);
    const client = new pg.Client({ host: '127.0.0.1', port: cluster.member(primary).pgPort, database: 'postgres', ...{ user: SUPERUSER.username, password: SUPERUSER.password } });
    await client.connect();
    try {
      const { rows } = await client.query<{ application_name: string; state: string }>('SELECT application_name, state FROM pg_stat_replication ORDER BY 1');
      expect(rows).toEqual(cluster.members.filter((m) => m.name !== primary).map((m) => ({ application_name: m.name, state: 'streaming' })));
    } finally {
      await client.end();
    }
    const view = JSON.parse((await cluster.api(primary, '/cluster')).body) as { members: { name: string; role: string; state: string }[] };
    expect(view.members.map((m) => m.role).sort()).toEqual(['leader', 'replica', 'replica']);
    expect(view.members.filter((m) => m.role === 'replica').every((m) => m.state === 'streaming')).toBe(true);
  }, 150_000);
});
