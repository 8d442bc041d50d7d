// The user's callbacks (postgresql.callbacks), run as `<command> <action> <role> <scope>` as
// Patroni runs them: in the background, never awaited by the HA loop, each within a time bound
// (its whole process group killed at it); a newer call of the same action cancels one still
// running; what each printed is logged with how it ended.
import type { Logger } from '../logging/logger.js';
import type { ProcessResult } from '../postgres/process-runner.js';
import { commandWords } from '../contract/command-words.js';

export const CALLBACK_ACTIONS = ['on_start', 'on_stop', 'on_restart', 'on_reload', 'on_role_change'] as const;
export type CallbackAction = (typeof CALLBACK_ACTIONS)[number];
/** Patroni 4's role words: `primary` (3.x said `master`), `replica`, `demoted`. */
export type CallbackRole = 'primary' | 'replica' | 'demoted';

/** Runs argv[0] with the rest as its arguments, in a process group of its own, killed at `timeoutMs` or when `cancel` aborts. */
export type CallbackLauncher = (argv: readonly string[], options: { timeoutMs: number; cancel: AbortSignal }) => Promise<ProcessResult>;

export interface CallbackSettings {
  commands: Partial<Record<CallbackAction, string>>;
  scope: string;
  timeoutMs: number;
}

const OUTPUT_SHOWN = 2000;

function ending(result: ProcessResult, timeoutMs: number, cancelled: boolean): string {
  if (cancelled) return 'was cancelled by a newer call of the same callback';
  if (result.timedOut) return `was cut at its bound of ${timeoutMs / 1000} s`;
  if (result.signal) return `was killed by ${result.signal}`;
  return `exited with status ${result.exitCode}`;
}

export class CallbackExecutor {
  private readonly running = new Map<CallbackAction, AbortController>();
  private readonly unfinished = new Set<Promise<void>>();

  constructor(
    private readonly settings: CallbackSettings,
    private readonly launch: CallbackLauncher,
    private readonly log: Logger,
  ) {}

  /** Starts the action's callback, if one is set, and returns at once. */
  call(action: CallbackAction, role: CallbackRole): void {
    const command = this.settings.commands[action];
    if (command === undefined) return;
    const split = commandWords(command);
    if ('error' in split) {
      this.log.log('error', `callback ${action} not run: ${split.error}`);
      return;
    }
    this.running.get(action)?.abort();
    const controller = new AbortController();
    this.running.set(action, controller);
    const argv = [...split.words, action, role, this.settings.scope];
    const { timeoutMs } = this.settings;
    const run = this.launch(argv, { timeoutMs, cancel: controller.signal })
      .then((result) => {
        const said = result.output.trim() ? `: ${result.output.trim().slice(-OUTPUT_SHOWN)}` : '';
        const level = result.exitCode === 0 ? 'info' : 'warn';
        this.log.log(level, `callback ${action} ${role} ${ending(result, timeoutMs, controller.signal.aborted)}${said}`);
      })
      .catch((error: unknown) => this.log.log('error', `callback ${action} ${role} could not run: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        if (this.running.get(action) === controller) this.running.delete(action);
        this.unfinished.delete(run);
      });
    this.unfinished.add(run);
  }

  /** Resolves once every callback started so far has ended (each is bounded): the agent's last on_stop runs to its end. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.unfinished]);
  }
}
