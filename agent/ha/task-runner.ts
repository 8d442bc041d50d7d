// Long actions (promote, clone, rewind, restarts) run off the loop, one at a time, so the loop
// keeps renewing the leader lock meanwhile. A task can be asked to stop; it checks its signal
// between steps.
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import type { TaskKind } from './snapshot.js';

export type TaskWork = (signal: AbortSignal) => Promise<void>;

interface RunningTask {
  kind: TaskKind;
  since: number;
  abort: AbortController;
  done: Promise<void>;
}

export class TaskRunner {
  private current: RunningTask | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Called when a task ends, however it ends, so the loop can run again at once. */
    private readonly onDone: () => void,
  ) {}

  get running(): { kind: TaskKind; since: number } | undefined {
    return this.current && { kind: this.current.kind, since: this.current.since };
  }

  start(kind: TaskKind, work: TaskWork): void {
    if (this.current) throw new Error(`cannot start ${kind}: ${this.current.kind} is still running`);
    const abort = new AbortController();
    const done = work(abort.signal)
      .then(() => this.log.log('info', `${kind} finished`))
      .catch((error: unknown) => this.log.log('error', `${kind} failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.current = undefined;
        this.onDone();
      });
    this.current = { kind, since: this.clock.now(), abort, done };
  }

  /** Asks the running task to stop and waits for it, at most `timeoutMs`. */
  async cancel(timeoutMs: number): Promise<void> {
    const task = this.current;
    if (!task) return;
    task.abort.abort();
    const deadline = new AbortController();
    await Promise.race([task.done, this.clock.sleep(timeoutMs, deadline.signal)]);
    deadline.abort();
  }

  /** Resolves when the running task (if any) has ended. */
  async settled(): Promise<void> {
    await this.current?.done;
  }
}
