// One named rule of the HA loop: it looks at the snapshot and either decides or passes.
import type { Action } from '../decision.js';
import type { Snapshot } from '../snapshot.js';

export interface Verdict {
  action: Action;
  reason: string;
}

export interface HaRule {
  name: string;
  decide(snapshot: Snapshot): Verdict | undefined;
}

export function verdict(action: Action, reason: string): Verdict {
  return { action, reason };
}
