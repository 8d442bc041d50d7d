// Three (or more) agents on a fake clock, with the in-memory etcd, simulated PostgreSQL and, if
// asked, a simulated watchdog that kills its node when it fires: seconds pass instantly, and
// faults (kill, freeze, etcd partition) are injected at will.
import type { NodeState } from '../../agent/ha/node-state.js';
import { dcsLayout } from '../../agent/contract/dcs-layout.js';
import type { DynamicConfig } from '../../agent/contract/schema-types.js';
import { InMemoryKvStore, type InMemoryKvClient } from '../../agent/dcs/in-memory-kv.js';
import { KvDcs } from '../../agent/dcs/kv-dcs.js';
import { HaLoop, wakesTheLoop } from '../../agent/ha/ha-loop.js';
import type { FailsafeAnswer, FailsafeConfirmations } from '../../agent/ha/failsafe.js';
import type { PeerSource } from '../../agent/ha/peer-source.js';
import { walPosition, type PeerStatus } from '../../agent/ha/snapshot.js';
import { silentLogger } from '../../agent/logging/logger.js';
import { SimulatedPostgresWorld, type SimulatedPostgres } from '../../agent/postgres/simulated-postgres.js';
import { FakeWatchdogDevice } from '../../agent/watchdog/fake-watchdog-device.js';
import { Watchdog, type WatchdogMode } from '../../agent/watchdog/watchdog.js';
import { FakeClock } from './fake-clock.js';

export const SIM_DCS: DynamicConfig = {
  ttl: 10,
  loop_wait: 2,
  retry_timeout: 4,
  maximum_lag_on_failover: 1048576,
  maximum_lag_on_syncnode: -1,
  max_timelines_history: 0,
  primary_start_timeout: 300,
  primary_stop_timeout: 0,
  synchronous_mode: false,
  synchronous_mode_strict: false,
  synchronous_node_count: 1,
  failsafe_mode: false,
  check_timeline: false,
  member_slots_ttl: '30min',
  postgresql: {
    use_pg_rewind: true,
    use_slots: true,
    remove_data_directory_on_rewind_failure: false,
    remove_data_directory_on_diverged_timelines: false,
    parameters: {},
  },
};

export interface SimNode {
  name: string;
  port: number;
  postgres: SimulatedPostgres;
  kv: InMemoryKvClient;
  loop: HaLoop;
  watchdog: Watchdog;
  /** The host's watchdog device: it outlives the agent, and fires even after the agent died. */
  device: FakeWatchdogDevice;
  /** Times a watchdog reset this host. */
  resets: number;
  state: NodeState | undefined;
  alive: boolean;
  frozen: boolean;
  busy: boolean;
  nextRunAt: number;
}

export class Simulation {
  readonly clock = new FakeClock();
  readonly store = new InMemoryKvStore(this.clock);
  readonly world = new SimulatedPostgresWorld(() => this.clock.wallTime());
  readonly nodes = new Map<string, SimNode>();
  private readonly layout = dcsLayout('/service', 'sim');

  /** `safety_margin` of the simulated watchdogs by default: they fire ttl - 5 = 5 s after the last keepalive. */
  static readonly SAFETY_MARGIN = 5;
  /** How long a host takes to boot after its watchdog reset it. */
  static readonly BOOT_MS = 30_000;

  private readonly watchdogMode: WatchdogMode;
  private readonly safetyMargin: number;
  /** The dynamic configuration the cluster is created with. */
  readonly dcs: DynamicConfig;

  constructor(names: string[], options: { watchdog?: WatchdogMode; safetyMargin?: number; dcs?: Partial<DynamicConfig> } = {}) {
    this.watchdogMode = options.watchdog ?? 'off';
    this.safetyMargin = options.safetyMargin ?? Simulation.SAFETY_MARGIN;
    this.dcs = { ...SIM_DCS, ...options.dcs };
    names.forEach((name, i) => {
      const port = 5432 + i;
      const node = { name, port, postgres: this.world.create(name, '127.0.0.1', port), alive: false, frozen: false, busy: false, nextRunAt: 0, resets: 0 } as SimNode;
      // A reset kills everything on the host; it boots again, and systemd starts the agent.
      const reset = (): void => {
        node.resets++;
        this.kill(name);
        void this.clock.sleep(Simulation.BOOT_MS).then(() => this.start(name));
      };
      node.device = new FakeWatchdogDevice({ clock: this.clock, timeoutSeconds: SIM_DCS.ttl - this.safetyMargin, onExpire: reset });
      this.nodes.set(name, node);
      this.start(name);
    });
    this.store.watch(this.layout.prefix, (keys) => {
      if (!keys.some(wakesTheLoop)) return;
      for (const node of this.nodes.values()) if (node.kv.reachable) node.loop.wake();
    });
  }

  node(name: string): SimNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  private peers(self: string): PeerSource {
    return {
      gather: async (members) => {
        const statuses: PeerStatus[] = [];
        for (const member of members) {
          const node = this.nodes.get(member.name);
          const reachable = node !== undefined && node.alive && !node.frozen;
          const observed = reachable ? await node.postgres.observe() : undefined;
          statuses.push({
            name: member.name,
            reachable: reachable && member.name !== self,
            isPrimary: observed?.process === 'running' && observed.inRecovery === false,
            watchdogFailed: node?.watchdog.status().failed ?? false,
            walPosition: observed ? walPosition(observed) : 0,
            timeline: observed?.timeline,
            nofailover: false,
            failoverPriority: 1,
          });
        }
        return statuses;
      },
    };
  }

  /** POST /failsafe reaches a member whose agent runs (and is not frozen), which answers as its API would. */
  private failsafe(): FailsafeConfirmations {
    return {
      ask: async (members, call) =>
        members.map((member): FailsafeAnswer => {
          const node = this.nodes.get(member.name);
          if (node === undefined || !node.alive || node.frozen) return { name: member.name, accepted: false, refusal: 'no answer' };
          const verdict = node.loop.acceptFailsafe(call);
          if (verdict.kind === 'accepted') return { name: member.name, accepted: true };
          return { name: member.name, accepted: false, refusal: verdict.kind === 'off' ? '502 failsafe mode is not enabled' : '500 Running as a leader' };
        }),
    };
  }

  /** (Re)starts a member's agent with fresh memory, as systemd would after a crash; nothing if it runs. */
  start(name: string): void {
    const node = this.node(name);
    if (node.alive) return;
    node.kv = this.store.client();
    node.alive = true;
    node.frozen = false;
    node.postgres.suspended = false;
    node.nextRunAt = this.clock.now();
    const timing = () => ({ ttl: SIM_DCS.ttl, retry_timeout: SIM_DCS.retry_timeout });
    node.watchdog = new Watchdog({ device: node.device, clock: this.clock, settings: { mode: this.watchdogMode, safetyMargin: this.safetyMargin } });
    node.loop = new HaLoop({
      name,
      scope: 'sim',
      version: 'sim',
      dcs: new KvDcs({ kv: node.kv, layout: this.layout, name, clock: this.clock, timing }),
      postgres: node.postgres,
      peers: this.peers(name),
      failsafe: this.failsafe(),
      clock: this.clock,
      log: silentLogger,
      tags: {},
      addresses: { postgres: `127.0.0.1:${node.port}`, api: `http://127.0.0.1:${node.port + 3000}` },
      watchdog: node.watchdog,
      bootstrap: { dcs: this.dcs, initdb: [] },
      postgresSettings: (_live, synchronousStandbyNames) => ({
        memberName: name,
        scope: 'sim',
        listenAddresses: ['127.0.0.1'],
        port: node.port,
        parameters: Object.fromEntries(synchronousStandbyNames === undefined ? [] : [['synchronous_standby_names', synchronousStandbyNames]]),
        pgHba: [],
        superuser: { username: 'postgres', password: 'x' },
        replication: { username: 'replicator', password: 'y' },
      }),
      publish: (state) => (node.state = state),
    });
  }

  /** kill -9 of the agent and the postmaster together: an armed watchdog, closed without the magic byte, fires later. */
  kill(name: string): void {
    const node = this.node(name);
    node.alive = false;
    node.kv.reachable = false;
    node.postgres.crash();
    void node.device.abandon();
  }

  /** SIGSTOP of the agent and PostgreSQL; `thaw` is SIGCONT. */
  freeze(name: string): void {
    const node = this.node(name);
    node.frozen = true;
    node.postgres.suspended = true;
  }

  /** SIGSTOP of the agent alone: PostgreSQL goes on taking writes. */
  freezeAgent(name: string): void {
    this.node(name).frozen = true;
  }

  /** SIGCONT; a host its watchdog reset meanwhile boots instead. */
  thaw(name: string): void {
    const node = this.node(name);
    if (!node.alive) return this.start(name);
    node.frozen = false;
    node.postgres.suspended = false;
    node.nextRunAt = this.clock.now();
  }

  /** Cuts (or restores) one member's connection to etcd. */
  setEtcdReachable(name: string, reachable: boolean): void {
    this.node(name).kv.reachable = reachable;
  }

  /** What `POST /switchover` writes: the failover key, as an operator's request. */
  async requestSwitchover(leader: string, candidate: string): Promise<void> {
    const operator = new KvDcs({ kv: this.store.client(), layout: this.layout, name: 'operator', clock: this.clock, timing: () => ({ ttl: SIM_DCS.ttl, retry_timeout: SIM_DCS.retry_timeout }) });
    if (!(await operator.writeFailover({ leader, member: candidate }))) throw new Error('the failover key was not written');
    for (const node of this.nodes.values()) node.loop.wake();
  }

  /** The member the leader key names now, its lease not expired (etcd's view, on the shared clock). */
  leaderKeyHolder(): string | undefined {
    const key = this.layout.leader;
    return this.store.range(key).kvs.find((kv) => kv.key === key)?.value;
  }

  /**
   * Members whose PostgreSQL would acknowledge a write right now although etcd does not name them
   * leader: what a client writing straight to a former primary would see. Never anyone, with a
   * watchdog; without one, a primary whose agent hangs goes on taking writes.
   */
  writableWithoutLease(): string[] {
    const holder = this.leaderKeyHolder();
    return [...this.nodes.values()].filter((n) => n.postgres.write(0) !== undefined && n.name !== holder).map((n) => n.name);
  }

  /** Members whose PostgreSQL takes writes and whose agent believes it leads: what HAProxy would route to. */
  writablePrimaries(): SimNode[] {
    const now = this.clock.now();
    return [...this.nodes.values()].filter((n) => n.alive && !n.frozen && n.postgres.write(0) !== undefined && (n.loop.leaderUntil ?? -1) > now);
  }

  /** Called after time moved and before the due cycles run: the moment a resumed member has not acted yet. */
  beforeCycles: () => void = () => undefined;

  /** Moves time by `ms` and runs every cycle that is due. */
  async tick(ms: number): Promise<void> {
    await this.clock.advance(ms);
    this.beforeCycles();
    for (const node of this.nodes.values()) {
      const due = node.loop.wakeRequested || node.nextRunAt <= this.clock.now();
      if (!node.alive || node.frozen || node.busy || !due) continue;
      node.busy = true;
      node.nextRunAt = this.clock.now() + SIM_DCS.loop_wait * 1000;
      void node.loop.runCycle().finally(() => (node.busy = false));
    }
    await this.clock.advance(0);
  }
}
