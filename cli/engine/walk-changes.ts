// Carries out a plan's changes as a dependency-graph walk: stage by stage, each change once the
// changes it follows are done, one at a time per host, hosts in parallel up to `parallelism`.
// A failure skips only the changes that follow it.
import type { PlannedChange } from '../plan/plan.js';
import { STAGES, type Stage } from '../resources/desired-resource.js';
import type { EngineEvent, EventSink } from './engine-events.js';

export type ChangeRunner = (change: PlannedChange) => Promise<string | undefined>;

export interface StageGate {
  /** Runs after a stage that changed something; false stops every later stage. */
  after(stage: Stage, ran: readonly PlannedChange[]): Promise<boolean>;
}

export interface WalkResult {
  done: string[];
  failed: string[];
  skipped: string[];
}

export async function walkChanges(
  changes: readonly PlannedChange[],
  run: ChangeRunner,
  options: { parallelism: number; gate: StageGate; emit: EventSink; now: () => number },
): Promise<WalkResult> {
  const status = new Map<string, 'done' | 'failed' | 'skipped'>();
  const result: WalkResult = { done: [], failed: [], skipped: [] };
  const settle = (change: PlannedChange, outcome: 'done' | 'failed' | 'skipped', event: EngineEvent): void => {
    status.set(change.id, outcome);
    result[outcome].push(change.id);
    options.emit(event);
  };
  let gateClosed: string | undefined;
  for (const stage of STAGES) {
    const pending = changes.filter((c) => c.stage === stage);
    if (pending.length === 0) continue;
    if (gateClosed) {
      for (const change of pending) settle(change, 'skipped', { type: 'skipped', change, reason: gateClosed });
      continue;
    }
    options.emit({ type: 'stage', stage, changes: pending.length });
    const busyHosts = new Set<string>();
    const running = new Map<string, Promise<void>>();
    while (pending.length > 0 || running.size > 0) {
      for (const change of [...pending]) {
        const blocker = change.after.find((id) => status.get(id) === 'failed' || status.get(id) === 'skipped');
        if (blocker) {
          pending.splice(pending.indexOf(change), 1);
          settle(change, 'skipped', { type: 'skipped', change, reason: `it follows ${blocker}, which did not complete` });
          continue;
        }
        const ready = change.after.every((id) => status.get(id) === 'done' || !changes.some((c) => c.id === id));
        if (!ready || busyHosts.has(change.host) || busyHosts.size >= options.parallelism) continue;
        pending.splice(pending.indexOf(change), 1);
        busyHosts.add(change.host);
        options.emit({ type: 'start', change });
        const started = options.now();
        const task = run(change).then(
          (remark) => settle(change, 'done', { type: 'done', change, ms: options.now() - started, ...(remark && { remark }) }),
          (error: unknown) => settle(change, 'failed', { type: 'failed', change, ms: options.now() - started, error: error instanceof Error ? error.message : String(error) }),
        );
        running.set(change.id, task.finally(() => {
          running.delete(change.id);
          busyHosts.delete(change.host);
        }));
      }
      if (running.size === 0 && pending.length > 0) {
        // Whatever is left waits for a change of a later stage: an ordering mistake in the spec rendering.
        for (const change of pending.splice(0)) settle(change, 'skipped', { type: 'skipped', change, reason: 'its dependencies never ran' });
      }
      if (running.size > 0) await Promise.race(running.values());
    }
    const ran = changes.filter((c) => c.stage === stage && status.get(c.id) === 'done');
    if (ran.length > 0 && !(await options.gate.after(stage, ran))) gateClosed = `the cluster was not healthy after the ${stage} stage`;
  }
  return result;
}
