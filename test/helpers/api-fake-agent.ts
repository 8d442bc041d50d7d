// The rest of the agent as the REST API sees it, for tests: a three-member cluster in an
// in-memory etcd (every member with its own DCS client and lease), NodeStates that keep their
// age as real time passes, and intent callbacks that record what they were asked.
import type { FailsafeCall, FailsafeVerdict } from '../../agent/ha/failsafe.js';
import type { ApiContext, ReinitializeOutcome, ReinitializeRequest, RestartOutcome } from '../../agent/api/api-context.js';
import type { NodeState } from '../../agent/ha/node-state.js';
import { createPeerClient } from '../../agent/api/peer-client.js';
import type { RestartRequest } from '../../agent/api/restart-request.js';
import { systemClock, type Clock } from '../../agent/clock/clock.js';
import { dcsLayout } from '../../agent/contract/dcs-layout.js';
import { InMemoryKvStore, type InMemoryKvClient } from '../../agent/dcs/in-memory-kv.js';
import { KvDcs } from '../../agent/dcs/kv-dcs.js';
import { silentLogger } from '../../agent/logging/logger.js';
import { NOW } from './api-node-state.js';
import { memberRecord } from './ha-snapshot.js';

export const MEMBERS = ['pg1', 'pg2', 'pg3'] as const;
export type MemberName = (typeof MEMBERS)[number];

export const INITIAL_CONFIG = { ttl: 10, loop_wait: 2, retry_timeout: 4, postgresql: { parameters: { max_connections: 100, work_mem: '4MB' } } };

/** Real time, with the monotonic clock starting at NOW so the NodeState fixtures read as fresh. */
export function testClock(): Clock {
  const offset = NOW - systemClock.now();
  return { ...systemClock, now: () => systemClock.now() + offset };
}

export class FakeCluster {
  readonly store: InMemoryKvStore;
  readonly clients = new Map<MemberName, InMemoryKvClient>();
  readonly dcs = new Map<MemberName, KvDcs>();

  constructor(readonly clock: Clock) {
    this.store = new InMemoryKvStore(clock);
    for (const name of MEMBERS) {
      const client = this.store.client();
      this.clients.set(name, client);
      this.dcs.set(name, new KvDcs({ kv: client, layout: dcsLayout('/service', 'lab'), name, clock, timing: () => ({ ttl: 10, retry_timeout: 0.3 }) }));
    }
  }

  member(name: MemberName): KvDcs {
    return this.dcs.get(name)!;
  }

  /** pg1 leads; every member publishes the api_url given for it, or one where nothing listens. */
  async bootstrap(apiUrls: Partial<Record<MemberName, string>>): Promise<void> {
    await this.member('pg1').writeConfig(INITIAL_CONFIG);
    for (const [i, name] of MEMBERS.entries()) {
      const record = memberRecord(name, 5432 + i, name === 'pg1' ? 'primary' : 'replica');
      await this.member(name).touchMember({ ...record, api_url: apiUrls[name] ?? 'http://127.0.0.1:9/patroni' });
    }
    await this.member('pg1').acquireLeader();
  }

  /** What a switchover does to etcd: the old leader lets go and `name` takes the key. */
  async handOver(from: MemberName, to: MemberName): Promise<void> {
    await this.member(from).releaseLeader();
    await this.member(to).acquireLeader();
  }

  async close(): Promise<void> {
    await Promise.all([...this.dcs.values()].map((dcs) => dcs.close()));
  }
}

/** Shifts the fixture's monotonic times (written relative to NOW) to the clock's present. */
function agedFrom(template: NodeState, clock: Clock): NodeState {
  const shift = clock.now() - NOW;
  const at = (time: number | undefined) => (time === undefined ? undefined : time + shift);
  return { ...template, leaderUntil: at(template.leaderUntil), clusterReadAt: at(template.clusterReadAt), lastCycleAt: at(template.lastCycleAt) };
}

export class FakeAgent {
  wakes = 0;
  reloads = 0;
  readonly restarts: RestartRequest[] = [];
  readonly reinitializations: ReinitializeRequest[] = [];
  restartOutcome: RestartOutcome = { kind: 'restarted' };
  reinitializeOutcome: ReinitializeOutcome = { kind: 'started' };
  scheduledRestart = false;
  readonly failsafeCalls: FailsafeCall[] = [];
  failsafeVerdict: FailsafeVerdict = { kind: 'accepted', lsn: 0 };
  readonly context: ApiContext;

  constructor(
    public template: NodeState,
    dcs: ApiContext['dcs'],
    clock: Clock,
    switchoverWait?: ApiContext['switchoverWait'],
  ) {
    this.context = {
      state: () => agedFrom(this.template, clock),
      clock,
      dcs,
      fetchPeerStatus: createPeerClient({ timeoutMs: 500 }),
      wake: () => void this.wakes++,
      restart: async (request) => {
        this.restarts.push(request);
        return this.restartOutcome;
      },
      cancelScheduledRestart: async () => {
        const had = this.scheduledRestart;
        this.scheduledRestart = false;
        return had;
      },
      reinitialize: async (request) => {
        this.reinitializations.push(request);
        return this.reinitializeOutcome;
      },
      reload: () => void this.reloads++,
      acceptFailsafe: (call) => {
        this.failsafeCalls.push(call);
        return this.failsafeVerdict;
      },
      log: silentLogger,
      ...(switchoverWait ? { switchoverWait } : {}),
    };
  }
}
