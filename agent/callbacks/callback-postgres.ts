// The PostgreSQL controller with the user's callbacks fired after what it does, as Patroni fires
// them: on_start after a start (a bootstrap's too), on_stop after a stop, on_restart after a
// restart, on_reload after a reload that changed something, and on_role_change after a
// promotion, or after a start as a replica of a member that ran as a primary (a demotion). Each
// is called with the role PostgreSQL runs in then; a callback never delays what it follows.
import type { BootstrapOptions, PostgresController, PostgresObservation, PostgresSettings, ReplicationSource, StopMode } from '../postgres/postgres-controller.js';
import type { CallbackExecutor, CallbackRole } from './callback-executor.js';

export class CallbackPostgres implements PostgresController {
  /** The role it last ran in; learnt from the first observation when the agent finds it running. */
  private role: 'primary' | 'replica' | undefined;
  private running = false;

  constructor(
    private readonly postgres: PostgresController,
    private readonly callbacks: CallbackExecutor,
  ) {}

  private fire(action: Parameters<CallbackExecutor['call']>[0], role: CallbackRole = this.role ?? 'replica'): void {
    this.callbacks.call(action, role);
  }

  async observe(): Promise<PostgresObservation> {
    const observed = await this.postgres.observe();
    this.running = observed.process === 'running' || observed.process === 'starting';
    if (this.role === undefined && observed.process === 'running' && observed.inRecovery !== undefined) this.role = observed.inRecovery ? 'replica' : 'primary';
    return observed;
  }

  postmasterAlive(): Promise<boolean> {
    return this.postgres.postmasterAlive();
  }

  async configure(settings: PostgresSettings): Promise<boolean> {
    const changed = await this.postgres.configure(settings);
    if (changed && this.running) this.fire('on_reload');
    return changed;
  }

  async bootstrap(options: BootstrapOptions): Promise<void> {
    await this.postgres.bootstrap(options);
    this.started('primary');
  }

  cloneFrom(source: ReplicationSource): Promise<void> {
    return this.postgres.cloneFrom(source);
  }

  async startPrimary(): Promise<void> {
    await this.postgres.startPrimary();
    this.started('primary');
  }

  async startReplica(source: ReplicationSource | null): Promise<void> {
    await this.postgres.startReplica(source);
    this.started('replica');
  }

  private started(role: 'primary' | 'replica'): void {
    const changed = this.role !== undefined && this.role !== role;
    this.role = role;
    this.running = true;
    this.fire(changed ? 'on_role_change' : 'on_start', role);
  }

  follow(source: ReplicationSource | null): Promise<void> {
    return this.postgres.follow(source);
  }

  reserveTimelines(timeline: number): Promise<void> {
    return this.postgres.reserveTimelines(timeline);
  }

  async promote(): Promise<void> {
    await this.postgres.promote();
    this.role = 'primary';
    this.fire('on_role_change', 'primary');
  }

  async stop(mode: StopMode, options?: { checkpointFirst?: boolean }): Promise<void> {
    await this.postgres.stop(mode, options);
    this.running = false;
    this.fire('on_stop');
  }

  async restart(): Promise<void> {
    await this.postgres.restart();
    this.running = true;
    this.fire('on_restart');
  }

  rewindFrom(source: ReplicationSource): ReturnType<PostgresController['rewindFrom']> {
    return this.postgres.rewindFrom(source);
  }

  sourceTimeline(source: ReplicationSource): ReturnType<PostgresController['sourceTimeline']> {
    return this.postgres.sourceTimeline(source);
  }

  canRewind(): Promise<boolean> {
    return this.postgres.canRewind();
  }

  recloneFrom(source: ReplicationSource): Promise<void> {
    return this.postgres.recloneFrom(source);
  }

  syncReplicationSlots(memberNames: string[]): Promise<void> {
    return this.postgres.syncReplicationSlots(memberNames);
  }

  checkpoint(): Promise<void> {
    return this.postgres.checkpoint();
  }

  async close(): Promise<void> {
    await this.postgres.close();
    await this.callbacks.settle();
  }
}
