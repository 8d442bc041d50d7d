// A timeline history file (`0000000N.history`, or TIMELINE_HISTORY over a replication
// connection): for every timeline before N, the WAL position where it ended.
import { parseLsn } from './lsn.js';

/** `[timeline, switchLsn]`: `timeline` ended at `switchLsn`, where the next one forked off. */
export type TimelineSwitch = [timeline: number, switchLsn: number];

export function parseTimelineHistory(text: string): TimelineSwitch[] {
  const switches: TimelineSwitch[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === '' || fields[0]!.startsWith('#')) continue;
    const timeline = Number(fields[0]);
    if (!Number.isInteger(timeline) || timeline < 1 || fields[1] === undefined) throw new Error(`not a timeline history line: ${JSON.stringify(line)}`);
    switches.push([timeline, parseLsn(fields[1])]);
  }
  return switches;
}
