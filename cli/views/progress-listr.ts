// Apply's progress on a terminal (listr2, on stderr): a row per host with its current stage and
// change, and a row for the cluster-wide waits, each with its elapsed time.
import { Listr, PRESET_TIMER, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { EngineEvent, EventSink } from '../engine/engine-events.js';
import { changeSubject } from '../plan/plan.js';

interface Row {
  task?: { title: string; output: string };
  /** The latest title, kept for a task listr2 has not started yet. */
  title: string;
  done: number;
  failed: number;
  /** Settled by finish(), whether or not listr2 has started the row's task yet. */
  ended: Promise<void>;
  finish: () => void;
  fail: (error: Error) => void;
}

function newRow(): Row {
  let finish = (): void => undefined;
  let fail = (_error: Error): void => undefined;
  const ended = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  ended.catch(() => undefined);
  return { title: '', done: 0, failed: 0, ended, finish, fail };
}

export interface ListrProgress {
  sink: EventSink;
  /** Ends every row and waits for the renderer to draw the final state. */
  finish(): Promise<void>;
}

export function listrProgress(hosts: readonly string[], totals: ReadonlyMap<string, number>): ListrProgress {
  const rows = new Map<string, Row>();
  const titleOf = (host: string, row: Row, current: string): string => `${host}: ${row.done}/${totals.get(host) ?? 0} ${current}`.trimEnd();
  const listr = new Listr(
    [...hosts, 'cluster'].map((host) => {
      const row = newRow();
      row.title = titleOf(host, row, '');
      rows.set(host, row);
      return {
        title: row.title,
        task: (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
          row.task = task as unknown as Row['task'];
          task.title = row.title;
          return row.ended;
        },
      };
    }),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: { timer: PRESET_TIMER, collapseErrors: false },
      processOutput: new ProcessOutput(process.stderr, process.stderr),
    } as never,
  );
  const running = listr.run().catch(() => undefined);
  const set = (host: string, title: string): void => {
    const row = rows.get(host);
    if (!row) return;
    row.title = title;
    if (row.task) row.task.title = title;
  };
  const sink = (event: EngineEvent): void => {
    if (event.type === 'wait') return set('cluster', `cluster: waiting for ${event.what}`);
    if (event.type === 'waited') return set('cluster', `cluster: ${event.what}: ${event.detail}`);
    if (event.type === 'stage') return;
    const host = event.change.host;
    const row = rows.get(host);
    if (!row) return;
    if (event.type === 'start') return set(host, titleOf(host, row, `${event.change.stage}: ${changeSubject(event.change)}`));
    if (event.type === 'done') row.done += 1;
    else row.failed += 1;
    set(host, titleOf(host, row, row.failed > 0 ? `(${row.failed} failed)` : ''));
  };
  return {
    sink,
    async finish() {
      for (const [, row] of rows) {
        if (row.failed > 0) row.fail(new Error(`${row.failed} change(s) failed`));
        else row.finish();
      }
      await running;
    },
  };
}
