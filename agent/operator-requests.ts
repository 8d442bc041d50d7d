// What an operator asks through the REST API (restart, reinitialize, reload), carried out as
// the HA loop's task so it never runs beside another long action. A scheduled restart waits
// here until it is due and its conditions still hold.
import type { ReinitializeOutcome, ReinitializeRequest, RestartOutcome } from './api/api-context.js';
import type { NodeState } from './ha/node-state.js';
import { restartConditionsHold, type RestartRequest } from './api/restart-request.js';
import type { Clock } from './clock/clock.js';
import type { LoopTasks } from './ha/loop-tasks.js';
import type { Logger } from './logging/logger.js';
import type { PostgresController } from './postgres/postgres-controller.js';

export class OperatorRequests {
  private scheduled: RestartRequest | undefined;

  constructor(
    private readonly tasks: LoopTasks,
    private readonly postgres: PostgresController,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async restart(request: RestartRequest): Promise<RestartOutcome> {
    if (request.schedule !== undefined) {
      if (this.scheduled) return { kind: 'already-scheduled' };
      this.scheduled = request;
      this.log.log('info', `restart scheduled at ${request.schedule}`);
      return { kind: 'scheduled' };
    }
    const result = await this.tasks.runOperatorTask('restart', () => this.postgres.restart());
    if (result !== 'done') return { kind: 'busy', action: result.busy };
    const { process } = await this.postgres.observe();
    if (process === 'running') return { kind: 'restarted' };
    return process === 'starting' ? { kind: 'still-starting' } : { kind: 'failed' };
  }

  async cancelScheduledRestart(): Promise<boolean> {
    const had = this.scheduled !== undefined;
    this.scheduled = undefined;
    return had;
  }

  async reinitialize(request: ReinitializeRequest): Promise<ReinitializeOutcome> {
    const running = this.tasks.running;
    if (running && !request.force) return { kind: 'busy', action: running.kind };
    if (running) await this.tasks.cancel();
    void this.tasks.runOperatorTask('reinitialize', this.tasks.workFor({ kind: 'reinitialize', from: request.from }));
    return { kind: 'started' };
  }

  /** Runs a scheduled restart once it is due, if its conditions still hold; called with each published state. */
  onState(state: NodeState): void {
    const request = this.scheduled;
    if (!request?.schedule || Date.parse(request.schedule) > this.clock.wallTime().getTime()) return;
    this.scheduled = undefined;
    if (!restartConditionsHold(request, state, this.clock.now())) {
      this.log.log('info', 'the scheduled restart is skipped: its conditions no longer hold');
      return;
    }
    void this.restart({ ...request, schedule: undefined });
  }
}
