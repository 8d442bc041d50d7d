// The cluster's members and roles, as `pgha apply` prints them at the end (like `patronictl list`).
import type { ClusterMember } from '../transport/cluster-access.js';

/** Rows of cells as lines, each column as wide as its widest cell, indented by two spaces. */
export function alignedRows(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd());
}

export function membersTable(scope: string, members: readonly ClusterMember[]): string {
  const rows = [['Member', 'Host', 'Role', 'State', 'Lag'], ...members.map((m) => [m.name, m.host ?? '', m.role, m.state, m.lag === undefined ? '' : String(m.lag)])];
  return `Cluster ${scope}:\n${alignedRows(rows).join('\n')}\n`;
}
