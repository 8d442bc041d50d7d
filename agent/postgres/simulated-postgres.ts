// An in-memory PostgreSQL for fast tests and simulations: timelines, WAL positions that only a
// running primary advances, streaming that stops at a divergence, promotion, pg_rewind, clones,
// crashes, and commits that wait for the standbys synchronous_standby_names names. It is held to
// the real controller by the PostgresController contract suite.
import type {
  BootstrapOptions,
  PostgresController,
  PostgresObservation,
  PostgresSettings,
  ReplicationSource,
  RewindOutcome,
  SourceTimeline,
  StopMode,
} from './postgres-controller.js';
import { parseCommitRule, type CommitRule } from './synchronous-standby-names.js';

/** Settings a running instance only takes after a restart. */
const RESTART_ONLY = new Set(['max_connections', 'shared_buffers', 'max_wal_senders', 'max_replication_slots', 'wal_level', 'max_worker_processes']);

interface Data {
  systemIdentifier: string;
  timeline: number;
  lsn: number;
  /** `[timeline, switchLsn]` for every timeline this data left, like a timeline history file. */
  history: [number, number][];
  standby: boolean;
  cleanShutdown: boolean;
}

/** The instances of one simulated network, so replicas can find their upstream by address. */
export class SimulatedPostgresWorld {
  readonly instances = new Map<string, SimulatedPostgres>();
  private nextIdentifier = 7_700_000_000_000_000_000n;

  /** Wall-clock time, for postmaster start times. */
  constructor(readonly now: () => Date = () => new Date()) {}

  create(name: string, host: string, port: number): SimulatedPostgres {
    const instance = new SimulatedPostgres(this, name, host, port);
    this.instances.set(name, instance);
    return instance;
  }

  at(host: string, port: number): SimulatedPostgres | undefined {
    return [...this.instances.values()].find((i) => i.host === host && i.port === port);
  }

  newIdentifier(): string {
    this.nextIdentifier += 1n;
    return this.nextIdentifier.toString();
  }
}

function sameHistory(a: Data, b: Data): boolean {
  return a.history.length === b.history.length && a.history.every(([timeline, lsn], i) => b.history[i]?.[0] === timeline && b.history[i]?.[1] === lsn);
}

/** The WAL position where `follower`'s history leaves `source`'s, or undefined when it is a prefix of it. */
function divergence(follower: Data, source: Data): number | undefined {
  if (follower.systemIdentifier !== source.systemIdentifier) return 0;
  if (follower.timeline === source.timeline) {
    // Two promotions that took the same timeline number: the same id, different WAL.
    if (!sameHistory(follower, source)) return 0;
    return follower.lsn <= source.lsn ? undefined : source.lsn;
  }
  if (follower.timeline > source.timeline) return 0;
  const switchPoint = source.history.find(([timeline]) => timeline === follower.timeline)?.[1];
  if (switchPoint === undefined) return 0;
  return follower.lsn <= switchPoint ? undefined : switchPoint;
}

export class SimulatedPostgres implements PostgresController {
  private data: Data | undefined;
  private running = false;
  private startedAt = '';
  /** Frozen (SIGSTOP): it keeps its state but answers nobody. */
  suspended = false;
  private upstream: ReplicationSource | null = null;
  private settings: PostgresSettings | undefined;
  private startedSettings: PostgresSettings | undefined;
  /** Timelines up to this one have a history file, so a promotion goes past them. */
  private reservedTimeline = 0;

  constructor(
    private readonly world: SimulatedPostgresWorld,
    readonly name: string,
    readonly host: string,
    readonly port: number,
  ) {}

  /**
   * A commit on a running primary: the WAL advances, and the commit is acknowledged (its position
   * returned) once enough of the standbys synchronous_standby_names names have flushed it.
   */
  write(bytes = 128): number | undefined {
    if (!this.answers() || !this.data || this.data.standby) return undefined;
    this.data.lsn += bytes;
    return this.synchronouslyConfirmed() ? this.data.lsn : undefined;
  }

  private commitRule(): CommitRule | undefined {
    const value = this.settings?.parameters['synchronous_standby_names'];
    return typeof value === 'string' ? parseCommitRule(value) : undefined;
  }

  /** Standbys streaming from this instance, caught up with it as they stream. */
  private streamingStandbys(): SimulatedPostgres[] {
    return [...this.world.instances.values()].filter((i) => i.data?.standby && i.upstream?.host === this.host && i.upstream.port === this.port && i.catchUp());
  }

  private synchronouslyConfirmed(): boolean {
    const rule = this.commitRule();
    if (!rule || rule.count === 0) return true;
    return this.streamingStandbys().filter((i) => rule.any || rule.members.includes(i.name)).length >= rule.count;
  }

  private syncState(standby: string): string {
    const rule = this.commitRule();
    if (rule?.any) return 'sync';
    if (!rule?.members.includes(standby)) return 'async';
    return rule.quorum ? 'quorum' : 'sync';
  }

  /** kill -9 of the postmaster. */
  crash(): void {
    if (!this.running || !this.data) return;
    this.running = false;
    this.data.cleanShutdown = false;
  }

  private answers(): boolean {
    return this.running && !this.suspended;
  }

  private source(): SimulatedPostgres | undefined {
    return this.upstream ? this.world.at(this.upstream.host, this.upstream.port) : undefined;
  }

  /** Streams from the upstream as far as it can: up to the upstream's position, never past a divergence. */
  private catchUp(): boolean {
    const source = this.source();
    if (!this.answers() || !this.data?.standby || !source?.answers() || !source.data) return false;
    if (divergence(this.data, source.data) !== undefined) return false;
    if (this.data.timeline < source.data.timeline) {
      this.data.history = source.data.history.map(([t, l]) => [t, l]);
      this.data.timeline = source.data.timeline;
    }
    this.data.lsn = Math.max(this.data.lsn, source.data.lsn);
    return true;
  }

  async observe(): Promise<PostgresObservation> {
    if (!this.data) return { dataDirectory: 'empty', process: 'stopped' };
    if (!this.running) {
      const { cleanShutdown, standby } = this.data;
      return {
        dataDirectory: 'initialized',
        process: cleanShutdown ? 'stopped' : 'crashed',
        controlState: cleanShutdown ? (standby ? 'shut down in recovery' : 'shut down') : standby ? 'in archive recovery' : 'in production',
        systemIdentifier: this.data.systemIdentifier,
        inRecovery: this.data.standby,
        timeline: this.data.timeline,
      };
    }
    const streaming = this.catchUp();
    const base: PostgresObservation = {
      dataDirectory: 'initialized',
      process: 'running',
      systemIdentifier: this.data.systemIdentifier,
      timeline: this.data.timeline,
      inRecovery: this.data.standby,
      serverVersion: 150020,
      postmasterStartTime: this.startedAt,
      pendingRestart: this.pendingRestart(),
    };
    if (!this.data.standby) {
      const replication = this.streamingStandbys().map((i) => ({
        usename: 'replicator',
        application_name: i.name,
        client_addr: i.host,
        state: 'streaming',
        sync_state: this.syncState(i.name),
        sync_priority: 0,
        flushLsn: i.data?.lsn ?? 0,
      }));
      const names = this.settings?.parameters['synchronous_standby_names'];
      return { ...base, flushLsn: this.data.lsn, replication, synchronousStandbyNames: typeof names === 'string' ? names : '' };
    }
    return {
      ...base,
      receivedLsn: this.data.lsn,
      replayedLsn: this.data.lsn,
      replayedTimestamp: null,
      replayPaused: false,
      replicationState: streaming ? 'streaming' : 'in archive recovery',
      timelineSource: streaming ? 'wal-receiver' : 'replay',
      ...(this.upstream ? { upstream: { host: this.upstream.host, port: this.upstream.port } } : {}),
    };
  }

  private pendingRestart(): PostgresObservation['pendingRestart'] {
    const pending: NonNullable<PostgresObservation['pendingRestart']> = {};
    for (const name of RESTART_ONLY) {
      const started = this.startedSettings?.parameters[name];
      const wanted = this.settings?.parameters[name];
      if (started !== wanted && wanted !== undefined) pending[name] = { old_value: String(started ?? ''), new_value: String(wanted) };
    }
    return pending;
  }

  async postmasterAlive(): Promise<boolean> {
    return this.running;
  }

  async configure(settings: PostgresSettings): Promise<boolean> {
    const changed = JSON.stringify(settings) !== JSON.stringify(this.settings);
    this.settings = settings;
    return changed;
  }

  private start(standby: boolean, source: ReplicationSource | null): void {
    if (!this.data) throw new Error(`${this.name}: the data directory is empty`);
    if (this.running) throw new Error(`${this.name}: PostgreSQL is already running`);
    this.data.standby = standby;
    this.data.cleanShutdown = false;
    this.upstream = standby ? source : null;
    this.running = true;
    this.startedAt = this.world.now().toISOString();
    this.startedSettings = this.settings;
  }

  async bootstrap(_options: BootstrapOptions): Promise<void> {
    if (this.data) throw new Error(`${this.name}: the data directory is not empty`);
    this.data = { systemIdentifier: this.world.newIdentifier(), timeline: 1, lsn: 16_777_216, history: [], standby: false, cleanShutdown: true };
    this.start(false, null);
  }

  /** A base backup of `source`'s data, as a standby's. */
  private copyOf(source: ReplicationSource): Data {
    const from = this.world.at(source.host, source.port);
    if (!from?.answers() || !from.data) throw new Error(`${source.name} does not answer`);
    return { ...from.data, history: from.data.history.map(([t, l]) => [t, l]), standby: true, cleanShutdown: true };
  }

  async cloneFrom(source: ReplicationSource): Promise<void> {
    if (this.data) throw new Error(`${this.name}: the data directory is not empty`);
    this.data = this.copyOf(source);
  }

  async startPrimary(): Promise<void> {
    this.start(false, null);
  }

  async startReplica(source: ReplicationSource | null): Promise<void> {
    this.start(true, source);
  }

  async follow(source: ReplicationSource | null): Promise<void> {
    if (!this.running || !this.data?.standby) throw new Error(`${this.name}: not a running replica`);
    this.upstream = source;
  }

  async reserveTimelines(timeline: number): Promise<void> {
    this.reservedTimeline = Math.max(this.reservedTimeline, timeline);
  }

  async promote(): Promise<void> {
    if (!this.running || !this.data?.standby) throw new Error(`${this.name}: not a running replica`);
    this.data.history.push([this.data.timeline, this.data.lsn]);
    this.data.timeline = Math.max(this.data.timeline, this.reservedTimeline) + 1;
    this.data.standby = false;
    this.upstream = null;
  }

  /** `immediate` leaves the control file "in production", as a crash does. */
  async stop(mode: StopMode): Promise<void> {
    if (!this.running || !this.data) return;
    this.running = false;
    this.data.cleanShutdown = mode === 'fast';
  }

  async restart(): Promise<void> {
    const standby = this.data?.standby ?? false;
    await this.stop('fast');
    this.start(standby, this.upstream);
  }

  async rewindFrom(source: ReplicationSource): Promise<RewindOutcome> {
    const from = this.world.at(source.host, source.port);
    if (!from?.answers() || !from.data || from.data.standby) return 'source-unavailable';
    if (this.running || !this.data) return 'failed';
    // pg_rewind of PostgreSQL 15 and older looks no further than the timeline ids.
    if (this.data.timeline === from.data.timeline) return 'rewound';
    const point = divergence(this.data, from.data);
    if (point === 0) return 'failed';
    this.data = {
      ...this.data,
      lsn: point ?? this.data.lsn,
      timeline: from.data.timeline,
      history: from.data.history.map(([t, l]) => [t, l]),
      standby: true,
      cleanShutdown: true,
    };
    this.upstream = source;
    return 'rewound';
  }

  async sourceTimeline(source: ReplicationSource): Promise<SourceTimeline> {
    const from = this.world.at(source.host, source.port);
    if (!from?.answers() || !from.data) throw new Error(`${source.name} does not answer`);
    return { timeline: from.data.timeline, history: from.data.history.map(([t, l]) => [t, l]) };
  }

  async canRewind(): Promise<boolean> {
    return this.data !== undefined;
  }

  /** Like a clone, but the old data stays until the new copy is complete. */
  async recloneFrom(source: ReplicationSource): Promise<void> {
    if (this.running) throw new Error(`${this.name}: stop PostgreSQL before building a new copy`);
    this.data = this.copyOf(source);
  }

  /** Slots are not modelled: simulated WAL is never recycled, so nothing depends on them. */
  async syncReplicationSlots(): Promise<void> {}

  async checkpoint(): Promise<void> {
    if (!this.running) throw new Error(`${this.name}: not running`);
  }

  async close(): Promise<void> {}
}
