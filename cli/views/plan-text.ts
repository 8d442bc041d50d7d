// A plan for people, as Terraform prints one: a symbol per change (+ create, ~ update, -/+ replace,
// - delete), the details and unified diffs beneath, then the summary line.
import { changeTitle, type Plan, type PlannedChange } from '../plan/plan.js';
import type { ChangeAction } from '../resources/resource-handler.js';
import type { Painter, Style } from './paint.js';

const SYMBOLS: Record<ChangeAction, [string, Style]> = {
  create: ['+', 'green'],
  update: ['~', 'yellow'],
  replace: ['-/+', 'yellow'],
  delete: ['-', 'red'],
};

function diffLine(line: string, paint: Painter): string {
  if (line.startsWith('+') && !line.startsWith('+++')) return paint('green', line);
  if (line.startsWith('-') && !line.startsWith('---')) return paint('red', line);
  if (line.startsWith('@@')) return paint('dim', line);
  return line;
}

function changeBlock(change: PlannedChange, paint: Painter): string {
  const [symbol, style] = SYMBOLS[change.action];
  const lines = [`  ${paint(style, symbol.padStart(3))} ${paint('bold', changeTitle(change))}`];
  for (const detail of change.details) lines.push(`        ${detail}`);
  if (change.diff) for (const line of change.diff.split('\n')) lines.push(`        ${diffLine(line, paint)}`);
  if (change.restart_needed) lines.push(`        ${paint('yellow', `! PostgreSQL needs a restart for: ${change.restart_needed.join(', ')} (the postgres rolling restart below)`)}`);
  return lines.join('\n');
}

export function summarySentence(plan: Pick<Plan, 'summary'>): string {
  const { add, change, destroy } = plan.summary;
  return `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`;
}

export const NO_CHANGES = 'No changes. The cluster matches the spec.';

export function planText(plan: Plan, paint: Painter): string {
  if (plan.changes.length === 0) return `${paint('green', NO_CHANGES)}\n`;
  const spec = plan.spec.commit ? `${plan.spec.file} at ${plan.spec.ref} (commit ${plan.spec.commit.slice(0, 12)})` : plan.spec.file;
  const blocks = plan.changes.map((c) => changeBlock(c, paint));
  return `pgha will make these changes to cluster ${plan.cluster} (spec ${spec}):\n\n${blocks.join('\n\n')}\n\n${paint('bold', summarySentence(plan))}\n`;
}

export function planRemarks(plan: Plan, paint: Painter): string {
  return [...plan.warnings.map((w) => paint('yellow', `Warning: ${w}`)), ...plan.notices.map((n) => `Note: ${n}`)].map((l) => `${l}\n`).join('');
}
