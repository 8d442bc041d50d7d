// What apply reports as it goes; the terminal and plain-line views both render these.
import type { PlannedChange } from '../plan/plan.js';
import type { Stage } from '../resources/desired-resource.js';

export type EngineEvent =
  | { type: 'stage'; stage: Stage; changes: number }
  | { type: 'start'; change: PlannedChange }
  | { type: 'done'; change: PlannedChange; ms: number; remark?: string }
  | { type: 'failed'; change: PlannedChange; ms: number; error: string }
  | { type: 'skipped'; change: PlannedChange; reason: string }
  | { type: 'wait'; what: string }
  | { type: 'waited'; what: string; ms: number; ok: boolean; detail: string };

export type EventSink = (event: EngineEvent) => void;
