// A cluster's etcd and agents in memory, for fast tests of planning and applying: etcd runs or
// not, with its members, dynamic config, member keys and the apply lock; the agents answer with
// a cluster document, or none answers. test/contract/cluster-contract.ts holds it to clusterAccess
// against a real etcd. Requests to the agents are recorded in `sent`; a PATCH /config is merged
// into the config as an agent would.
import type { ClusterDocument } from '../../agent/contract/cluster-document.js';
import { pghaLayout } from '../../agent/contract/dcs-layout.js';
import type { MemberRecord } from '../../agent/contract/dcs-records.js';
import type { LockHolder, LockStore } from '../engine/apply-lock.js';
import type { AgentAnswer } from './agent-api-client.js';
import type { EtcdAuthAdmin, EtcdPermission } from './etcd-auth-admin.js';
import type { ClusterMember, ClusterWriter, EtcdMember, LiveConfig } from './cluster-access.js';

export interface FakeEtcd {
  members: EtcdMember[];
  config: LiveConfig | null;
  memberKeys: Map<string, MemberRecord>;
  authEnabled: boolean;
  users: Map<string, { password: string; roles: string[] }>;
  /** Each role's permissions. */
  roles: Map<string, EtcdPermission[]>;
  /** The apply lock's value (a LockHolder as JSON) while someone holds it. */
  lock?: string;
}

/** An etcd that runs with nothing in it yet: no members listed, no config, authentication off. */
export function freshFakeEtcd(): FakeEtcd {
  return { members: [], config: null, memberKeys: new Map(), authEnabled: false, users: new Map(), roles: new Map() };
}

export interface FakeClusterState {
  /** undefined: no etcd answers (bare hosts). */
  etcd?: FakeEtcd;
  /** What GET /cluster answers; undefined: no agent answers. */
  document?: ClusterDocument;
}

const PRIMARY = new Set(['leader', 'primary', 'master']);

export class FakeCluster implements ClusterWriter {
  /** Every request sent to an agent, in order. */
  readonly sent: { method: string; path: string; body: unknown }[] = [];

  constructor(
    private readonly scope: string,
    readonly state: FakeClusterState = {},
  ) {}

  private running(): FakeEtcd {
    if (!this.state.etcd) throw new Error('etcd does not answer');
    return this.state.etcd;
  }

  private async reach<T>(read: (etcd: FakeEtcd) => T): Promise<T | 'unreachable'> {
    return this.state.etcd ? read(this.state.etcd) : 'unreachable';
  }

  dcsConfig(): Promise<LiveConfig | null | 'unreachable'> {
    return this.reach((etcd) => etcd.config && { value: structuredClone(etcd.config.value), revision: etcd.config.revision });
  }

  etcdMembers(): Promise<EtcdMember[] | 'unreachable'> {
    return this.reach((etcd) => etcd.members.map((m) => ({ ...m })));
  }

  memberRecords(): Promise<Map<string, MemberRecord> | 'unreachable'> {
    return this.reach((etcd) => new Map(etcd.memberKeys));
  }

  etcdAuthEnabled(): Promise<boolean | 'unreachable'> {
    return this.reach((etcd) => etcd.authEnabled);
  }

  async members(): Promise<ClusterMember[] | undefined> {
    return this.state.document?.members;
  }

  async clusterDocument(): Promise<ClusterDocument | undefined> {
    return this.state.document && structuredClone(this.state.document);
  }

  /** A member's own GET /patroni, as far as its entry in the cluster document tells. */
  async memberStatus(apiUrl: string): Promise<unknown> {
    const member = this.state.document?.members.find((m) => m.api_url === apiUrl);
    if (!member) return undefined;
    const streaming = member.state === 'streaming';
    return { state: streaming ? 'running' : member.state, role: PRIMARY.has(member.role) ? 'primary' : 'replica', ...(streaming && { replication_state: 'streaming' }) };
  }

  async sql(): Promise<undefined> {
    return undefined;
  }

  async sqlWriter(): Promise<undefined> {
    return undefined;
  }

  async etcdAuthAdmin(): Promise<EtcdAuthAdmin> {
    const etcd = this.running();
    const user = (name: string) => {
      const found = etcd.users.get(name);
      if (!found) throw new Error(`etcdserver: user name not found`);
      return found;
    };
    const same = (a: EtcdPermission, b: EtcdPermission): boolean => a.permission === b.permission && a.key === b.key && a.rangeEnd === b.rangeEnd;
    return {
      users: async () => [...etcd.users.keys()],
      userRoles: async (name) => [...user(name).roles],
      roles: async () => [...etcd.roles.keys()],
      permissions: async (role) => [...(etcd.roles.get(role) ?? [])],
      createUser: async (name, password) => void etcd.users.set(name, { password, roles: [] }),
      setPassword: async (name, password) => void (user(name).password = password),
      grantRole: async (name, role) => void user(name).roles.push(role),
      revokeRole: async (name, role) => void (user(name).roles = user(name).roles.filter((r) => r !== role)),
      createRole: async (role) => void etcd.roles.set(role, []),
      grant: async (role, permissions) => {
        const held = etcd.roles.get(role) ?? [];
        etcd.roles.set(role, [...held, ...permissions.filter((p) => !held.some((h) => same(h, p)))]);
      },
      revoke: async (role, permission) => void etcd.roles.set(role, (etcd.roles.get(role) ?? []).filter((p) => !same(p, permission))),
      enableAuth: async () => void (etcd.authEnabled = true),
    };
  }

  async etcdLogin(name: string, password: string): Promise<boolean> {
    return this.running().users.get(name)?.password === password;
  }

  async etcdSilentMembers(): Promise<string[]> {
    return this.state.etcd ? [] : ['etcd'];
  }

  async addEtcdMember(peerUrl: string): Promise<void> {
    this.running().members.push({ name: '', peerUrls: [peerUrl] });
  }

  async removeEtcdMember(name: string, peerUrl: string): Promise<boolean> {
    const etcd = this.running();
    const before = etcd.members.length;
    etcd.members = etcd.members.filter((m) => !((name !== '' && m.name === name) || m.peerUrls.includes(peerUrl)));
    return etcd.members.length < before;
  }

  async deleteMemberKey(name: string): Promise<void> {
    this.running().memberKeys.delete(name);
  }

  async updateEtcdPeerUrl(name: string, peerUrl: string): Promise<void> {
    const member = this.running().members.find((m) => m.name === name);
    if (!member) throw new Error(`etcd has no member ${name}`);
    member.peerUrls = [peerUrl];
  }

  reconnectEtcd(): void {}

  etcdAuthTurnedOn(): void {
    this.running().authEnabled = true;
  }

  async callMember(_apiUrl: string, method: string, path: string, body: unknown): Promise<AgentAnswer> {
    return this.answer(method, path, body);
  }

  async callAgents(method: string, path: string, body: unknown): Promise<{ member: string; answer: AgentAnswer }> {
    const members = this.state.document?.members ?? [];
    const member = members.find((m) => PRIMARY.has(m.role)) ?? members[0];
    if (!member) throw new Error(`no agent answers, so ${method} ${path} cannot be sent now`);
    return { member: member.name, answer: this.answer(method, path, body) };
  }

  async patchConfig(body: Record<string, unknown>, revision: string | undefined): Promise<void> {
    const etcd = this.running();
    if (revision !== undefined && etcd.config && etcd.config.revision !== revision) throw new Error('the DCS config changed since the plan read it; plan again');
    await this.callAgents('PATCH', '/config', body);
    const value = { ...(etcd.config?.value ?? {}), ...body };
    for (const [key, setting] of Object.entries(body)) if (setting === null) delete value[key];
    etcd.config = { value, revision: String(Number(etcd.config?.revision ?? '0') + 1) };
  }

  applyLock(): LockStore {
    return {
      name: pghaLayout(this.scope).lock,
      tryTake: async (me: LockHolder) => {
        const etcd = this.running();
        if (etcd.lock !== undefined) return { heldBy: JSON.parse(etcd.lock) as LockHolder };
        const mine = JSON.stringify(me);
        etcd.lock = mine;
        return {
          taken: {
            release: async () => {
              if (this.state.etcd?.lock === mine) delete this.state.etcd.lock;
            },
          },
        };
      },
      abandon: async () => undefined,
    };
  }

  close(): void {}

  private answer(method: string, path: string, body: unknown): AgentAnswer {
    this.sent.push({ method, path, body });
    return { status: 200, text: '{}' };
  }
}
