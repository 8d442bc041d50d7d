// Commands of a physical replication connection that tell where a server's WAL is: the
// timeline it is on (a standby's is the timeline of the WAL it last replayed, which its
// control file only learns at its next restartpoint) and the history of that timeline.
import type { Client } from 'pg';
import { parseTimelineHistory, type TimelineSwitch } from './timeline-history.js';

export interface IdentifiedSystem {
  systemIdentifier: string;
  timeline: number;
}

export async function identifySystem(client: Client): Promise<IdentifiedSystem> {
  const row = (await client.query<{ systemid: string; timeline: number | string }>('IDENTIFY_SYSTEM')).rows[0];
  const timeline = Number(row?.timeline);
  if (!row || !Number.isInteger(timeline) || timeline < 1) throw new Error('IDENTIFY_SYSTEM gave no timeline');
  return { systemIdentifier: row.systemid, timeline };
}

/** Where each timeline before `timeline` ended; empty for timeline 1, which has no history. */
export async function timelineHistory(client: Client, timeline: number): Promise<TimelineSwitch[]> {
  if (timeline <= 1) return [];
  // The content arrives as raw text; no type parser may touch it.
  const query = { text: `TIMELINE_HISTORY ${timeline}`, types: { getTypeParser: () => (value: string) => value } };
  const row = (await client.query<{ content: string }>(query)).rows[0];
  if (!row) throw new Error(`TIMELINE_HISTORY ${timeline} gave nothing`);
  return parseTimelineHistory(row.content);
}
