// Injecting one fault of a schedule into a running cluster, and healing it.
import type { AgentCluster } from '../helpers/agent-cluster.js';
import type { Fault, SingleFaultKind, Step } from './fault-schedule.js';

export interface FaultContext {
  cluster: AgentCluster;
  /** Starts the member's agent again (and follows its output). */
  restart(name: string): Promise<void>;
}

/** Undoes a fault: restarts an agent, thaws a process, heals a proxy. */
type Heal = () => Promise<void> | void;

type Injector = (context: FaultContext, target: string, primary: string) => Promise<Heal>;

const NOTHING_TO_HEAL: Heal = () => undefined;

/** How long a switchover waits for the leader to name a synchronous standby it may go to. */
const SYNC_STANDBY_WAIT_MS = 10_000;

/** Switches over to `candidate` (or the synchronous standby the leader names instead); resolves the member that took over. */
async function switchover(context: FaultContext, candidate: string, primary: string): Promise<string> {
  const deadline = Date.now() + SYNC_STANDBY_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const answer = await context.cluster.api(primary, '/switchover', { method: 'POST', body: JSON.stringify({ leader: primary, candidate }) });
    // "Successfully switched over to "pg2"", or "... over to "pg3" instead of "pg2"".
    const leader = /over to "([^"]+)"/.exec(answer.body)?.[1];
    if (answer.status === 200 && leader !== undefined) return leader;
    // In synchronous mode the leader may be between two synchronous standbys (412), or the one it
    // just named may not answer or stream yet (503, the leader's log says which): ask again, as an operator would.
    if ((answer.status !== 412 && answer.status !== 503) || Date.now() > deadline || attempt > 20) {
      throw new Error(`the switchover from ${primary} to ${candidate} answered ${answer.status}: ${answer.body}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    candidate = (await syncStandbys(context.cluster, primary).catch(() => []))[0] ?? candidate;
  }
}

async function killNode({ cluster, restart }: FaultContext, target: string): Promise<Heal> {
  await cluster.kill(target);
  return () => restart(target);
}

const INJECTORS: Record<Exclude<SingleFaultKind, 'switchover'>, Injector> = {
  'kill-node': killNode,
  'kill-sync-standby': killNode,
  async 'freeze-node'({ cluster }, target) {
    await cluster.signal(target, 'SIGSTOP', 'agent+postgres');
    return () => cluster.signal(target, 'SIGCONT', 'agent+postgres');
  },
  async 'freeze-agent'({ cluster }, target) {
    await cluster.signal(target, 'SIGSTOP', 'agent');
    return () => cluster.signal(target, 'SIGCONT', 'agent');
  },
  async 'crash-postgres'({ cluster }, target) {
    await cluster.crashPostgres(target);
    return NOTHING_TO_HEAL;
  },
  async 'cut-agent'({ cluster }, target) {
    cluster.cutEtcd('blackhole', [target]);
    return () => cluster.healEtcd([target]);
  },
  async 'cut-etcd'({ cluster }) {
    cluster.cutEtcd('blackhole');
    return () => cluster.healEtcd();
  },
};

/** The synchronous standbys as the primary's GET /cluster names them (none in asynchronous mode). */
async function syncStandbys(cluster: AgentCluster, primary: string): Promise<string[]> {
  const answer = await cluster.api(primary, '/cluster');
  const document = JSON.parse(answer.body) as { members?: { name: string; role: string }[] };
  return (document.members ?? []).filter((m) => m.role === 'sync_standby' || m.role === 'quorum_standby').map((m) => m.name);
}

async function resolve(cluster: AgentCluster, fault: Fault, primary: string): Promise<string> {
  const { target, pick } = fault;
  if (target.startsWith('member:')) return target.slice('member:'.length);
  if (target === 'primary' || target === 'everyone') return primary;
  // In synchronous mode a switchover may only go to a synchronous standby, as with Patroni.
  const sync = target === 'sync-standby' || fault.kind === 'switchover' ? await syncStandbys(cluster, primary).catch(() => []) : [];
  const candidates = sync.length > 0 ? sync : cluster.members.map((m) => m.name).filter((name) => name !== primary);
  return candidates[pick % candidates.length]!;
}

export interface Injected {
  /** The member the main fault struck (the primary for a fault on every member; the new leader for a switchover). */
  target: string;
  heal: Heal;
}

async function inject(context: FaultContext, fault: Fault, primary: string): Promise<Injected> {
  const target = await resolve(context.cluster, fault, primary);
  if (fault.kind === 'switchover') return { target: await switchover(context, target, primary), heal: NOTHING_TO_HEAL };
  return { target, heal: await INJECTORS[fault.kind](context, target, primary) };
}

/** Injects the step's faults on a healthy cluster whose primary is `primary`; the caller holds and heals. */
export async function injectStep(context: FaultContext, step: Step, primary: string): Promise<Injected> {
  if (!step.switchover) return inject(context, step.fault, primary);
  const { target: candidate } = await inject(context, step.switchover, primary);
  return inject(context, step.fault, candidate);
}
