// The three ways a plan is printed: text for people at a terminal, Markdown for a pull request,
// JSON (schemas/plan.schema.json) for machines.
import type { Plan } from '../plan/plan.js';
import type { Painter } from './paint.js';
import { planMarkdown } from './plan-markdown.js';
import { planText } from './plan-text.js';

export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export function formattedPlan(plan: Plan, format: PlanFormat, paint: Painter): string {
  if (format === 'json') return `${JSON.stringify(plan, null, 2)}\n`;
  if (format === 'markdown') return planMarkdown(plan);
  return planText(plan, paint);
}
