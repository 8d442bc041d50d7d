// The cluster-wide edges of a run: etcd (the DCS config, its members, the apply lock) and the
// agents' REST API (the cluster's state, PATCH /config), reached directly, as patronictl does;
// and the leader's PostgreSQL, reached through the SSH connection to its host.
import { Etcd3, type IOptions } from 'etcd3';
import { dcsLayout, pghaLayout } from '../../agent/contract/dcs-layout.js';
import type { LockStore } from '../engine/apply-lock.js';
import { parseConfig, parseMember, type MemberRecord } from '../../agent/contract/dcs-records.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import type { ClusterDocument } from '../../agent/contract/cluster-document.js';
import { hostsWithRole } from '../spec/host-roles.js';
import { etcdScheme } from '../desired/etcd-access.js';
import type { Secrets } from '../desired/secrets.js';
import type { AgentAnswer, AgentApiClient } from './agent-api-client.js';
import { etcdLockStore } from './etcd-apply-lock.js';
import { etcd3AuthAdmin, type EtcdAuthAdmin } from './etcd-auth-admin.js';
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

/** A TLS client's failure against a member that serves plain HTTP only (a cluster not moved to TLS yet): it drops or resets the handshake. */
function isPlainHttpPeer(error: unknown): boolean {
  return /before secure TLS connection was established|wrong version number|ECONNRESET/.test(String(error));
}

/** How pgha connects to etcd: TLS with a client certificate, and root's credentials once authentication is on. */
export interface EtcdClientSettings {
  tls?: { ca: string | undefined; cert: string; key: string };
  root?: { username: string; password: string };
}

/** etcd's answer to a call without a token while its authentication is on (3.4 has no AuthStatus call); with it off, nothing is denied. */
export function isRefusedForNoUser(error: unknown): boolean {
  return /user name is empty|invalid auth token|permission denied/.test(String(error));
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
  /** The whole `GET /cluster` document from the first agent that answers (pause and a scheduled switchover too). */
  clusterDocument(): Promise<ClusterDocument | undefined>;
  /** A member's own `GET /patroni`, at its api_url, as parsed JSON; undefined when it does not answer. */
  memberStatus(apiUrl: string): Promise<unknown>;
  /** Every member key in etcd, by member name; 'unreachable' without etcd. */
  memberRecords(): Promise<Map<string, MemberRecord> | 'unreachable'>;
  /** A read-only session on the leader's PostgreSQL; undefined when no leader runs. */
  sql(): Promise<SqlSession | undefined>;
  /**
   * etcd's users and roles through the etcd client of the moment: authenticated as root once
   * etcd's authentication is on, without a user before. Planning reads only.
   */
  etcdAuthAdmin(): Promise<EtcdAuthAdmin>;
  /** Whether etcd's authentication is on; 'unreachable' without etcd. */
  etcdAuthEnabled(): Promise<boolean | 'unreachable'>;
  /** Whether etcd accepts `username` with `password` (authentication must be on). */
  etcdLogin(username: string, password: string): Promise<boolean>;
  /** The etcd members (by client URL) that do not answer a status call on their own. */
  etcdSilentMembers(): Promise<string[]>;
}

export interface ClusterWriter extends ClusterReader {
  addEtcdMember(peerUrl: string): Promise<void>;
  /** `etcd member remove` of the member with this name or peer URL; false when etcd has no such member. */
  removeEtcdMember(name: string, peerUrl: string): Promise<boolean>;
  /** Deletes a member key (of a host dropped from the spec). */
  deleteMemberKey(name: string): Promise<void>;
  /** Points etcd's membership at a member's new peer URL (plain HTTP to TLS). */
  updateEtcdPeerUrl(name: string, peerUrl: string): Promise<void>;
  /** Connects afresh on the next call: a member may serve TLS now where it served plain HTTP only. */
  reconnectEtcd(): void;
  /** A request (with a JSON body unless undefined) to the leader's agent, or else to the first other agent that answers; which member took it, and its answer. */
  callAgents(method: string, path: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<{ member: string; answer: AgentAnswer }>;
  /** A request (with a JSON body unless undefined) to one member's agent, at its api_url. */
  callMember(apiUrl: string, method: string, path: string, body: unknown, timeoutMs: number): Promise<AgentAnswer>;
  /** One `PATCH /config`, to the leader or else any agent that answers; refused when the config moved past `revision`. */
  patchConfig(body: Record<string, unknown>, revision: string | undefined): Promise<void>;
  /** A session on the leader's PostgreSQL that may write; undefined when no leader runs. */
  sqlWriter(): Promise<SqlSession | undefined>;
  /** Says that this run turned etcd's authentication on: calls go as root from now on. */
  etcdAuthTurnedOn(): void;
  /** Where this cluster's apply lock lives (its key's lease lasts `leaseTtlS`, 30 s unless told). */
  applyLock(leaseTtlS?: number): LockStore;
  close(): void;
}

/** `make`'s promise, kept once it resolves; a rejected one is not kept, so the next call tries again. */
function retried<T>(make: () => Promise<T>): () => Promise<T> {
  let kept: Promise<T> | undefined;
  return () =>
    (kept ??= make().catch((error: unknown) => {
      kept = undefined;
      throw error;
    }));
}

export function clusterAccess(spec: ClusterSpec, secrets: Secrets, etcdClient: () => Promise<EtcdClientSettings>, agentApi: () => AgentApiClient, forward: Forwarder): ClusterWriter {
  const layout = dcsLayout(spec.metadata.namespace, spec.metadata.name);
  // plain HTTP only while a cluster is on its way to TLS and no member serves it yet (see etcd-tls-cutover).
  let scheme = etcdScheme(spec);
  const urls = (): string[] => hostsWithRole(spec, 'etcd').map(({ host }) => `${scheme}://${host.address}:${spec.etcd.client_port}`);
  // Each is kept once it succeeds, and asked again after a failure: before apply creates the
  // cluster CA, or while etcd does not answer yet.
  const settings = retried(etcdClient);
  const options = async (auth?: EtcdClientSettings['root'], hosts = urls()): Promise<IOptions> => {
    const { tls } = await settings();
    return {
      hosts,
      dialTimeout: 2000,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS }),
      ...(tls && hosts.every((url) => url.startsWith('https:')) && { credentials: { rootCertificate: Buffer.from(tls.ca ?? ''), certChain: Buffer.from(tls.cert), privateKey: Buffer.from(tls.key) } }),
      ...(auth && { auth }),
    };
  };
  const clients: Etcd3[] = [];
  const opened = async (auth?: EtcdClientSettings['root'], hosts?: string[]): Promise<Etcd3> => {
    const client = new Etcd3(await options(auth, hosts));
    clients.push(client);
    return client;
  };
  const tryPlainHttp = async (): Promise<Etcd3 | undefined> => {
    scheme = 'http';
    const client = await opened();
    try {
      await client.get(layout.config).exec();
      return client;
    } catch {
      scheme = 'https';
      return undefined;
    }
  };
  const connect = async (): Promise<Etcd3> => {
    scheme = etcdScheme(spec);
    const client = await opened();
    if (scheme === 'http') return client;
    try {
      await client.get(layout.config).exec();
    } catch (error) {
      if (isPlainHttpPeer(error)) return (await tryPlainHttp()) ?? client;
    }
    return client;
  };
  let plain = retried(connect);
  const rootClient = async (): Promise<Etcd3> => {
    await plain();
    // root's password goes over TLS only.
    if (scheme === 'http') throw new Error('etcd serves plain HTTP only, and pgha sends the root password over TLS only');
    return opened((await settings()).root);
  };
  let root = retried(rootClient);
  let authOn: boolean | undefined;
  const probeAuth = async (): Promise<boolean> => {
    try {
      await (await plain()).get(layout.config).exec();
      return false;
    } catch (error) {
      if (isRefusedForNoUser(error)) return true;
      throw error;
    }
  };
  // A probe that was under way when this run turned authentication on does not undo that.
  const authEnabled = async (): Promise<boolean> => {
    if (authOn === undefined) {
      const probed = await probeAuth();
      authOn ??= probed;
    }
    return authOn;
  };
  const etcd = async (): Promise<Etcd3> => ((await settings()).root && (await authEnabled()) ? root() : plain());
  const agents = hostsWithRole(spec, 'postgres').map(({ host }) => `${host.address}:${spec.agent.rest_port}`);

  const unreachable = async <T>(read: () => Promise<T>): Promise<T | 'unreachable'> => {
    try {
      return await read();
    } catch {
      return 'unreachable';
    }
  };

  const clusterDocument = async (): Promise<ClusterDocument | undefined> => {
    const client = agentApi();
    for (const scheme of client.schemes) {
      for (const agent of agents) {
        try {
          const answer = await client.call(`${scheme}://${agent}/cluster`, { timeoutMs: CALL_DEADLINE_MS });
          if (answer.status === 200) return JSON.parse(answer.text) as ClusterDocument;
        } catch {
          // the next agent may answer
        }
      }
    }
    return undefined;
  };
  const members = async (): Promise<ClusterMember[] | undefined> => (await clusterDocument())?.members;
  const callMember = (apiUrl: string, method: string, path: string, body: unknown, timeoutMs: number, headers: Record<string, string> = {}): Promise<AgentAnswer> =>
    agentApi().call(`${new URL(apiUrl).origin}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body !== undefined && { body: JSON.stringify(body) }), timeoutMs });
  // The leader first, as patronictl does; any other member when none leads (a paused cluster, a failover).
  const callAgents: ClusterWriter['callAgents'] = async (method, path, body, headers, timeoutMs) => {
    const known = ((await members()) ?? []).filter((m) => m.api_url !== undefined);
    const ordered = [...known.filter((m) => PRIMARY_ROLES.has(m.role)), ...known.filter((m) => !PRIMARY_ROLES.has(m.role))];
    if (ordered.length === 0) throw new Error(`no agent answers, so ${method} ${path} cannot be sent now`);
    const failures: string[] = [];
    for (const member of ordered) {
      const answer = await callMember(member.api_url!, method, path, body, timeoutMs, headers).catch((error: unknown) => {
        failures.push(`${member.name}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
      if (answer) return { member: member.name, answer };
    }
    throw new Error(`no agent took ${method} ${path} (${failures.join('; ')})`);
  };

  const postgres = leaderPostgres(spec, secrets, forward);
  const primary = async (): Promise<ClusterMember | undefined> => (await members())?.find((m) => PRIMARY_ROLES.has(m.role));
  const runningLeader = async (): Promise<string | undefined> => {
    const leader = await primary();
    return leader?.state === 'running' ? leader.name : undefined;
  };

  return {
    etcdAuthAdmin: async () => etcd3AuthAdmin(await etcd()),
    members,
    clusterDocument,
    async memberStatus(apiUrl) {
      try {
        const answer = await agentApi().call(`${new URL(apiUrl).origin}/patroni`, { timeoutMs: CALL_DEADLINE_MS });
        return answer.status === 200 || answer.status === 503 ? (JSON.parse(answer.text) as unknown) : undefined;
      } catch {
        return undefined;
      }
    },
    memberRecords: () =>
      unreachable(async () => {
        const keys = await (await etcd()).getAll().prefix(layout.membersPrefix).strings();
        return new Map(Object.entries(keys).map(([key, text]) => [key.slice(layout.membersPrefix.length), parseMember(text)]));
      }),
    sql: async () => postgres.open('read', await runningLeader()),
    sqlWriter: async () => postgres.open('write', await runningLeader()),
    dcsConfig: () =>
      unreachable(async () => {
        const response = await (await etcd()).get(layout.config).exec();
        const kv = response.kvs[0];
        if (!kv) return null;
        return { value: parseConfig(kv.value.toString()) ?? {}, revision: kv.mod_revision };
      }),
    etcdMembers: () =>
      unreachable(async () => (await (await etcd()).cluster.memberList({})).members.map((m) => ({ name: m.name, peerUrls: m.peerURLs }))),
    async etcdSilentMembers() {
      const auth = (await settings()).root && (await authEnabled()) ? (await settings()).root : undefined;
      const answers = async (hosts: string[], withAuth: typeof auth): Promise<boolean> => {
        // Closed right after its one call: not kept for close() with the run's clients.
        const client = new Etcd3(await options(withAuth, hosts));
        try {
          await client.maintenance.status();
          return true;
        } catch (error) {
          if (isPlainHttpPeer(error)) throw error;
          return false;
        } finally {
          client.close();
        }
      };
      // Each member on its own, over TLS, or plain HTTP while a move to TLS has not reached it (never with root's password).
      const silent = await Promise.all(
        hostsWithRole(spec, 'etcd').map(async ({ host }) => {
          const address = `${host.address}:${spec.etcd.client_port}`;
          const tls = await answers([`${etcdScheme(spec)}://${address}`], auth).catch(async (error: unknown) => {
            if (etcdScheme(spec) !== 'https' || auth) throw error;
            return answers([`http://${address}`], undefined);
          }).catch(() => false);
          return tls ? [] : [address];
        }),
      );
      return silent.flat();
    },
    async addEtcdMember(peerUrl) {
      await (await etcd()).cluster.memberAdd({ peerURLs: [peerUrl] });
    },
    async removeEtcdMember(name, peerUrl) {
      const client = await etcd();
      const member = (await client.cluster.memberList({})).members.find((m) => (name !== '' && m.name === name) || m.peerURLs.includes(peerUrl));
      if (!member) return false;
      await client.cluster.memberRemove({ ID: member.ID });
      return true;
    },
    async deleteMemberKey(name) {
      await (await etcd()).delete().key(layout.member(name)).exec();
    },
    async updateEtcdPeerUrl(name, peerUrl) {
      const client = await etcd();
      const member = (await client.cluster.memberList({})).members.find((m) => m.name === name);
      if (!member) throw new Error(`etcd has no member ${name}`);
      await client.cluster.memberUpdate({ ID: member.ID, peerURLs: [peerUrl] });
    },
    reconnectEtcd() {
      // The clients made so far stay open until close(): the apply lock's lease lives on one.
      plain = retried(connect);
      root = retried(rootClient);
    },
    etcdAuthEnabled: () => unreachable(authEnabled),
    async etcdLogin(username, password) {
      const client = await opened({ username, password });
      try {
        await client.get(layout.leader).exec();
        return true;
      } catch (error) {
        if (/authentication failed|invalid user ID or password/.test(String(error))) return false;
        throw error;
      } finally {
        client.close();
      }
    },
    etcdAuthTurnedOn() {
      authOn = true;
    },
    applyLock: (leaseTtlS) => etcdLockStore(etcd, pghaLayout(spec.metadata.name).lock, leaseTtlS),
    async patchConfig(body, revision) {
      const { member, answer } = await callAgents('PATCH', '/config', body, { ...(revision !== undefined && { 'if-match': `"${revision}"` }) }, 10_000);
      const text = answer.text.trim();
      if (answer.status === 412) throw new Error(`the DCS config changed since the plan read it (${text}); plan again`);
      if (answer.status < 200 || answer.status > 299) throw new Error(`PATCH /config on ${member} answered ${answer.status}: ${text}`);
    },
    callAgents,
    callMember,
    close: () => {
      for (const client of clients) client.close();
      void postgres.close();
    },
  };
}
