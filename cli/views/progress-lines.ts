// Apply's progress where there is no terminal (CI): one timestamped line per event, on stderr.
import type { EngineEvent } from '../engine/engine-events.js';
import { changeTitle } from '../plan/plan.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function progressLine(event: EngineEvent, at: Date): string {
  const time = at.toISOString().slice(11, 19);
  switch (event.type) {
    case 'stage':
      return `${time} stage ${event.stage}: ${event.changes} change${event.changes === 1 ? '' : 's'}`;
    case 'start':
      return `${time} ${changeTitle(event.change)}: ${event.change.details[0] ?? event.change.action}...`;
    case 'done':
      return `${time} ${changeTitle(event.change)}: done in ${seconds(event.ms)}${event.remark ? ` (${event.remark})` : ''}`;
    case 'failed':
      return `${time} ${changeTitle(event.change)}: FAILED after ${seconds(event.ms)}: ${event.error}`;
    case 'skipped':
      return `${time} ${changeTitle(event.change)}: skipped: ${event.reason}`;
    case 'wait':
      return `${time} waiting for ${event.what}...`;
    case 'waited':
      return `${time} ${event.ok ? '' : 'FAILED: '}${event.what}: ${event.detail} (${seconds(event.ms)})`;
  }
}
