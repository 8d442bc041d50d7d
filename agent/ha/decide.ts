// The HA loop's decision: the first rule that decides, or "no action".
import { NONE, type Decision } from './decision.js';
import { HA_RULES } from './rules/ha-rules.js';
import type { Snapshot } from './snapshot.js';

export function decide(snapshot: Snapshot): Decision {
  for (const rule of HA_RULES) {
    const verdict = rule.decide(snapshot);
    if (verdict) return { rule: rule.name, ...verdict };
  }
  return { rule: 'no-action', action: NONE, reason: 'no action' };
}
