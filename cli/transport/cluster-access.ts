// The cluster-wide edges of a run: etcd (the DCS config, its members, the apply lock) and the
// agents' REST API (the cluster's state, PATCH /config), reached directly, as patronictl does;
// and the leader's PostgreSQL, reached through the SSH connection to its host.
import { Etcd3, type IOptions } from 'etcd3';
import { dcsLayout } from '../../agent/contract/dcs-layout.js';
import { parseConfig } from '../../agent/contract/dcs-records.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { hostsWithRole } from '../spec/host-roles.js';
import { etcdTlsMaterial } from '../desired/etcd-tls.js';
import type { Secrets } from '../desired/secrets.js';
import type { AgentApiClient } from './agent-api-client.js';
import { leaderPostgres, type Forwarder, type SqlSession } from './leader-postgres.js';

const CALL_DEADLINE_MS = 3000;

export interface LiveConfig {
  value: Record<string, unknown>;
  /** The `config` key's mod_revision: the version a PATCH is conditional on. */
  revision: string;
}

export interface EtcdMember {
  name: string;
  peerUrls: string[];
}

export interface ClusterMember {
  name: string;
  role: string;
  state: string;
  host?: string;
  lag?: number | string;
  api_url?: string;
}

/** Roles a member that holds the leader key reports (a standby cluster's leader included). */
export const LEADER_ROLES: ReadonlySet<string> = new Set(['leader', 'primary', 'master', 'standby_leader']);
const PRIMARY_ROLES: ReadonlySet<string> = new Set(['leader', 'primary', 'master']);

export interface ClusterReader {
  /** The live dynamic config; null when etcd runs but holds none; 'unreachable' without etcd. */
  dcsConfig(): Promise<LiveConfig | null | 'unreachable'>;
  /** etcd's members, or 'unreachable' when no etcd answers. */
  etcdMembers(): Promise<EtcdMember[] | 'unreachable'>;
  /** `GET /cluster` from the first agent that answers. */
  members(): Promise<ClusterMember[] | undefined>;
  /** A read-only session on the leader's PostgreSQL; undefined when no leader runs. */
  sql(): Promise<SqlSession | undefined>;
}

export interface ClusterWriter extends ClusterReader {
  addEtcdMember(peerUrl: string): Promise<void>;
  /** One `PATCH /config` to the leader; refused when the config moved past `revision`. */
  patchConfig(body: Record<string, unknown>, revision: string | undefined): Promise<void>;
  /** A session on the leader's PostgreSQL that may write; undefined when no leader runs. */
  sqlWriter(): Promise<SqlSession | undefined>;
  etcd(): Etcd3;
  close(): void;
}

export function clusterAccess(spec: ClusterSpec, secrets: Secrets, agentApi: () => AgentApiClient, forward: Forwarder): ClusterWriter {
  const tls = etcdTlsMaterial(spec, secrets);
  const scheme = tls ? 'https' : 'http';
  const hosts = hostsWithRole(spec, 'etcd').map(({ host }) => `${scheme}://${host.address}:${spec.etcd.client_port}`);
  const options: IOptions = {
    hosts,
    dialTimeout: 2000,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS }),
    ...(tls && { credentials: { rootCertificate: Buffer.from(tls.ca ?? ''), certChain: Buffer.from(tls.cert), privateKey: Buffer.from(tls.key) } }),
    ...(spec.etcd.auth && { auth: { username: spec.etcd.auth.username, password: secrets.resolve(spec.etcd.auth.password, 'etcd.auth.password') } }),
  };
  let client: Etcd3 | undefined;
  const etcd = (): Etcd3 => (client ??= new Etcd3(options));
  const layout = dcsLayout(spec.metadata.namespace, spec.metadata.name);
  const agents = hostsWithRole(spec, 'postgres').map(({ host }) => `${host.address}:${spec.agent.rest_port}`);

  const unreachable = async <T>(read: () => Promise<T>): Promise<T | 'unreachable'> => {
    try {
      return await read();
    } catch {
      return 'unreachable';
    }
  };

  const members = async (): Promise<ClusterMember[] | undefined> => {
    const client = agentApi();
    for (const scheme of client.schemes) {
      for (const agent of agents) {
        try {
          const answer = await client.call(`${scheme}://${agent}/cluster`, { timeoutMs: CALL_DEADLINE_MS });
          if (answer.status === 200) return (JSON.parse(answer.text) as { members: ClusterMember[] }).members;
        } catch {
          // the next agent may answer
        }
      }
    }
    return undefined;
  };

  const postgres = leaderPostgres(spec, secrets, forward);
  const primary = async (): Promise<ClusterMember | undefined> => (await members())?.find((m) => PRIMARY_ROLES.has(m.role));
  const runningLeader = async (): Promise<string | undefined> => {
    const leader = await primary();
    return leader?.state === 'running' ? leader.name : undefined;
  };

  return {
    etcd,
    members,
    sql: async () => postgres.open('read', await runningLeader()),
    sqlWriter: async () => postgres.open('write', await runningLeader()),
    dcsConfig: () =>
      unreachable(async () => {
        const response = await etcd().get(layout.config).exec();
        const kv = response.kvs[0];
        if (!kv) return null;
        return { value: parseConfig(kv.value.toString()) ?? {}, revision: kv.mod_revision };
      }),
    etcdMembers: () =>
      unreachable(async () => (await etcd().cluster.memberList({})).members.map((m) => ({ name: m.name, peerUrls: m.peerURLs }))),
    async addEtcdMember(peerUrl) {
      await etcd().cluster.memberAdd({ peerURLs: [peerUrl] });
    },
    async patchConfig(body, revision) {
      const leader = await primary();
      if (!leader?.api_url) throw new Error('no leader answers, so the DCS config cannot be changed now');
      const url = new URL(leader.api_url);
      const response = await agentApi().call(`${url.origin}/config`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...(revision !== undefined && { 'if-match': `"${revision}"` }) },
        body: JSON.stringify(body),
        timeoutMs: 10_000,
      });
      const answer = response.text.trim();
      if (response.status === 412) throw new Error(`the DCS config changed since the plan read it (${answer}); plan again`);
      if (response.status < 200 || response.status > 299) throw new Error(`PATCH /config on ${leader.name} answered ${response.status}: ${answer}`);
    },
    close: () => {
      client?.close();
      void postgres.close();
    },
  };
}
