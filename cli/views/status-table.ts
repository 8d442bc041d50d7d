// `pgha status` as text: one line per member, as `patronictl list` shows it, with what pgha adds
// (pending restart, watchdog, how long the leader's lease still runs).
import type { ClusterStatus, StatusMember } from '../../agent/contract/schema-types.js';
import { alignedRows } from './members-table.js';
import type { Painter } from './paint.js';

const MB = 1024 * 1024;

function lag(member: StatusMember): string {
  if (member.lag_bytes === undefined) return '';
  if (member.lag_bytes === null) return 'unknown';
  return member.lag_bytes >= MB ? `${(member.lag_bytes / MB).toFixed(1)} MB` : `${member.lag_bytes} B`;
}

function watchdog(member: StatusMember): string {
  if (!member.answered) return 'no answer';
  const { mode, state } = member.watchdog!;
  return mode === 'off' ? 'off' : `${state} (${mode})`;
}

function lease(member: StatusMember): string {
  return typeof member.leader_seconds_left === 'number' ? `${member.leader_seconds_left.toFixed(1)} s` : '';
}

export function statusTable(status: ClusterStatus, paint: Painter): string {
  const header = ['Member', 'Host', 'Role', 'State', 'TL', 'Lag', 'Pending restart', 'Watchdog', 'Lease left'];
  const rows = status.members.map((m) => [m.name, m.host ?? '', m.role, m.state, m.timeline === undefined ? '' : String(m.timeline), lag(m), m.pending_restart ? 'yes' : '', watchdog(m), lease(m)]);
  const paused = status.paused ? paint('yellow', ' (paused: no automatic failover until "pgha resume")') : '';
  const lines = [`Cluster ${status.cluster}${paused}:`, ...alignedRows([header, ...rows])];
  const scheduled = status.scheduled_switchover;
  if (scheduled) lines.push(`Switchover scheduled at ${scheduled.at}${scheduled.from ? ` from ${scheduled.from}` : ''}${scheduled.to ? ` to ${scheduled.to}` : ''}.`);
  if (status.members.length === 0) lines.push('  (no member has published its key)');
  return `${lines.join('\n')}\n`;
}
