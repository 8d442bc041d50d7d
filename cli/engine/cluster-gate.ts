// The checkpoints between apply's stages: etcd answers with every member before the agents
// start, and the cluster has a leader with every replica streaming before HAProxy and the DCS
// config. Both waits are bounded.
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { hostsWithRole } from '../spec/host-roles.js';
import { LEADER_ROLES, type ClusterMember, type ClusterReader } from '../transport/cluster-access.js';
import type { EventSink } from './engine-events.js';
import type { StageGate } from './walk-changes.js';

/** The stage gate, and the waits the rolling restarts make before each host. */
export interface ClusterGate extends StageGate {
  /** Waits (bounded) until the cluster has a running leader and every replica streams; `purpose` shows in progress. */
  waitHealthy(purpose?: string): Promise<boolean>;
  /** Waits (bounded) until every etcd member answers on its own. */
  waitEtcd(purpose: string): Promise<boolean>;
  /** Waits (bounded) until the agent on `host` answers GET /patroni itself with its PostgreSQL running (and streaming, on a replica). */
  waitAgentBack(host: string, purpose: string): Promise<boolean>;
  /** Waits until `probe` says ok, at most `timeoutMs` (by default as long as for a healthy cluster). */
  waitUntil(what: string, probe: () => Promise<Probe>, timeoutMs?: number): Promise<boolean>;
}

/** One look at what a wait waits for: whether it holds, and what was seen. */
export interface Probe {
  ok: boolean;
  detail: string;
}

export interface GateOptions {
  etcdTimeoutMs: number;
  clusterTimeoutMs: number;
  pollMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Called once etcd answers (the apply lock is taken then on a new cluster). */
  onEtcdReady?: () => Promise<void>;
}

export function clusterHealth(spec: ClusterSpec, members: readonly ClusterMember[] | undefined): Probe {
  if (!members) return { ok: false, detail: 'no agent answers GET /cluster' };
  const leader = members.find((m) => LEADER_ROLES.has(m.role) && m.state === 'running');
  if (!leader) return { ok: false, detail: 'no running leader yet' };
  const waiting = hostsWithRole(spec, 'postgres')
    .map(({ host }) => host.name)
    .filter((name) => name !== leader.name && members.find((m) => m.name === name)?.state !== 'streaming');
  if (waiting.length > 0) return { ok: false, detail: `leader ${leader.name}; not streaming yet: ${waiting.join(', ')}` };
  return { ok: true, detail: `leader ${leader.name}, ${members.length - 1} replicas streaming` };
}

/** Whether a member's own GET /patroni shows its PostgreSQL at work: running, and streaming unless it leads. */
export function agentBack(host: string, status: unknown): Probe {
  if (typeof status !== 'object' || status === null) return { ok: false, detail: `the agent on ${host} does not answer GET /patroni yet` };
  const { state, role, replication_state: replication } = status as { state?: unknown; role?: unknown; replication_state?: unknown };
  if (state !== 'running') return { ok: false, detail: `${host} reports PostgreSQL ${String(state)}` };
  if (role === 'replica' && replication !== 'streaming') return { ok: false, detail: `${host} runs as a replica that does not stream yet` };
  return { ok: true, detail: `${host} answers: ${String(role)}, PostgreSQL running` };
}

async function waitFor(
  what: string,
  probe: () => Promise<Probe>,
  timeoutMs: number,
  options: GateOptions,
  emit: EventSink,
): Promise<boolean> {
  emit({ type: 'wait', what });
  const started = options.now();
  let last = { ok: false, detail: 'not checked' };
  while (options.now() - started < timeoutMs) {
    last = await probe();
    if (last.ok) break;
    await options.sleep(options.pollMs);
  }
  emit({ type: 'waited', what, ms: options.now() - started, ok: last.ok, detail: last.ok ? last.detail : `gave up after ${Math.round(timeoutMs / 1000)} s: ${last.detail}` });
  return last.ok;
}

export function clusterGate(spec: ClusterSpec, cluster: ClusterReader, options: GateOptions, emit: EventSink): ClusterGate {
  const etcdCount = hostsWithRole(spec, 'etcd').length;
  const waitHealthy = (purpose?: string): Promise<boolean> =>
    waitFor(`a leader and every replica streaming${purpose ? `, ${purpose}` : ''}`, async () => clusterHealth(spec, await cluster.members()), options.clusterTimeoutMs, options, emit);
  const waitEtcd = (purpose: string): Promise<boolean> =>
    waitFor(
      `every etcd member answering, ${purpose}`,
      async () => {
        const silent = await cluster.etcdSilentMembers();
        return { ok: silent.length === 0, detail: silent.length === 0 ? `${etcdCount} members answer` : `no answer from ${silent.join(', ')}` };
      },
      options.etcdTimeoutMs,
      options,
      emit,
    );
  const waitAgentBack = (host: string, purpose: string): Promise<boolean> =>
    waitFor(
      `the agent on ${host} answering, ${purpose}`,
      async () => {
        const apiUrl = (await cluster.members())?.find((m) => m.name === host)?.api_url;
        return agentBack(host, apiUrl ? await cluster.memberStatus(apiUrl) : undefined);
      },
      options.clusterTimeoutMs,
      options,
      emit,
    );
  return {
    waitHealthy,
    waitEtcd,
    waitAgentBack,
    waitUntil: (what, probe, timeoutMs = options.clusterTimeoutMs) => waitFor(what, probe, timeoutMs, options, emit),
    async after(stage) {
      if (stage === 'etcd') {
        const ok = await waitFor(
          `etcd with ${etcdCount} members`,
          async () => {
            const members = await cluster.etcdMembers();
            if (members === 'unreachable') return { ok: false, detail: 'etcd does not answer' };
            const started = members.filter((m) => m.name !== '').length;
            return { ok: started === etcdCount, detail: `${started} of ${etcdCount} members started` };
          },
          options.etcdTimeoutMs,
          options,
          emit,
        );
        if (ok) await options.onEtcdReady?.();
        return ok;
      }
      if (stage === 'agent') return waitHealthy();
      return true;
    },
  };
}
