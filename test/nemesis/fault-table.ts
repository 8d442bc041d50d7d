// The figures of a nemesis run, one row per fault kind.
import type { Check } from './invariant-checker.js';

export interface FaultOutcome extends Check {
  index: number;
  label: string;
  /** The step as run, with the member each fault struck. */
  description: string;
  /** ms from the fault to the end of its check. */
  wallMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/** "median / max" of the defined values; "-" when there is none, "!" appended when one is missing (the cluster did not get there). */
function spread(values: (number | undefined)[], unit: (ms: number) => string): string {
  const known = values.filter((v): v is number => v !== undefined);
  const missing = known.length < values.length ? ' !' : '';
  return known.length === 0 ? `-${missing}` : `${unit(median(known))} / ${unit(Math.max(...known))}${missing}`;
}

const ms = (value: number): string => `${Math.round(value)}`;
const seconds = (value: number): string => (value / 1000).toFixed(1);

const COLUMNS = ['fault kind', 'count', 'gap ms (med/max)', 'lost (haproxy+direct)', 'dual-primary acks', 'one primary ms (med/max)', 'streaming s (med/max)', 'wall s (med/max)'];

export function faultTable(outcomes: FaultOutcome[]): string {
  const labels = [...new Set(outcomes.map((o) => o.label))].sort();
  const rows = labels.map((label) => {
    const of = outcomes.filter((o) => o.label === label);
    const sum = (pick: (o: FaultOutcome) => number): number => of.reduce((total, o) => total + pick(o), 0);
    return [
      label,
      String(of.length),
      spread(of.map((o) => o.gapMs), ms),
      `${sum((o) => o.lost.haproxy)}+${sum((o) => o.lost.direct)}`,
      String(sum((o) => o.dualPrimaryAcks)),
      spread(of.map((o) => o.onePrimaryMs), ms),
      spread(of.map((o) => o.streamingMs), seconds),
      spread(of.map((o) => o.wallMs), seconds),
    ];
  });
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(COLUMNS), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
