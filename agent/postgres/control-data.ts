// pg_controldata: what the control file says about a data directory, running or not.
import type { PgTools } from './pg-tools.js';

/** pg_controldata's lines as `label -> value`, e.g. `Database cluster state -> shut down`. */
export type ControlData = ReadonlyMap<string, string>;

const CLEAN_SHUTDOWN_STATES = new Set(['shut down', 'shut down in recovery']);

export function parseControlData(text: string): ControlData {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) entries.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return entries;
}

export async function readControlData(tools: PgTools, dataDir: string, timeoutMs: number): Promise<ControlData> {
  // LC_ALL=C: the labels are translated in other locales.
  const result = await tools.runChecked('pg_controldata', ['-D', dataDir], { timeoutMs, env: { LC_ALL: 'C' } });
  return parseControlData(result.output);
}

export function clusterState(control: ControlData): string | undefined {
  return control.get('Database cluster state');
}

export function shutDownCleanly(control: ControlData): boolean {
  return CLEAN_SHUTDOWN_STATES.has(clusterState(control) ?? '');
}

export function systemIdentifier(control: ControlData): string | undefined {
  return control.get('Database system identifier');
}

/** The timeline the data directory is on: the latest checkpoint's, or the later one a standby reached. */
export function controlTimeline(control: ControlData): number | undefined {
  const timelines = ["Latest checkpoint's TimeLineID", "Min recovery ending loc's timeline"]
    .map((label) => Number(control.get(label)))
    .filter((timeline) => Number.isInteger(timeline) && timeline > 0);
  return timelines.length > 0 ? Math.max(...timelines) : undefined;
}

/** pg_rewind needs hint bits in WAL: `wal_log_hints = on` or data checksums. */
export function rewindPossible(control: ControlData): boolean {
  const checksums = Number(control.get('Data page checksum version') ?? '0');
  return control.get('wal_log_hints setting') === 'on' || checksums > 0;
}
