// The loop's one slot for a long action on PostgreSQL: the rules' decisions start their task
// here, and so do an operator's requests (a restart, a reinitialize), which never run beside
// another long action.
import type { PostgresAction } from './decision.js';
import { taskFor, type TaskContext } from './ha-tasks.js';
import type { TaskKind } from './snapshot.js';
import type { TaskRunner, TaskWork } from './task-runner.js';

/** How long a demotion waits for a running task to notice it should stop. */
const CANCEL_TIMEOUT_MS = 5000;

export class LoopTasks {
  constructor(
    private readonly runner: TaskRunner,
    private readonly context: () => TaskContext,
  ) {}

  /** The long action in progress, if any. */
  get running(): { kind: TaskKind; since: number } | undefined {
    return this.runner.running;
  }

  /** Starts a decided action, unless a task runs; a demotion first stops the running task. */
  async startFor(action: PostgresAction): Promise<void> {
    if (this.runner.running) {
      if (action.kind !== 'demote') return;
      await this.runner.cancel(CANCEL_TIMEOUT_MS);
      if (this.runner.running) return;
    }
    const { kind, work } = taskFor(action, this.context());
    this.runner.start(kind, work);
  }

  /** Runs an operator's action as the task, unless another one runs; resolves when it ends. */
  async runOperatorTask(kind: TaskKind, work: TaskWork): Promise<'done' | { busy: TaskKind }> {
    const running = this.runner.running;
    if (running) return { busy: running.kind };
    this.runner.start(kind, work);
    await this.runner.settled();
    return 'done';
  }

  /** The work of a PostgreSQL action, for one an operator asked for. */
  workFor(action: PostgresAction): TaskWork {
    return taskFor(action, this.context()).work;
  }

  /** Stops the running task (bounded wait): a forced reinitialize, the agent's stop. */
  cancel(): Promise<void> {
    return this.runner.cancel(CANCEL_TIMEOUT_MS);
  }
}
