// What a drill measured, from the writer's acknowledgements and the times the cluster reached
// each state: the write gap around the fault (RTO), the acknowledged writes lost (RPO), and how
// long the old primary took to stream again. Pure.
import type { Ack } from './drill-writer.js';

export const DRILL_FAULTS = ['kill', 'postgres-crash', 'switchover', 'agent-freeze', 'etcd-cut'] as const;
export type DrillFault = (typeof DRILL_FAULTS)[number];

export interface DrillTimes {
  /** Epoch ms: the fault was injected. */
  faultAt: number;
  /** When the cluster was healthy again (a running leader, every replica streaming) with the old primary back in it, leading or streaming; undefined: not within the bound. */
  healedAt: number | undefined;
}

export interface DrillReport {
  cluster: string;
  fault: DrillFault;
  old_primary: string;
  /** The leader once healed (the old primary itself after a crash it restarted from); null when none ran. */
  leader_after: string | null;
  /** The longest time between two acknowledged writes from just before the fault on: the write outage (RTO). */
  write_gap_ms: number;
  /** Acknowledged writes the primary does not have afterwards (RPO, in writes). */
  lost_writes: number;
  acknowledged_writes: number;
  failed_attempts: number;
  /** From the fault to a healthy cluster with the old primary back (leading, or streaming from the new leader); null when not within the bound. */
  healed_after_ms: number | null;
  /** Healed with nobody's help: a leader runs and every member streams, the old primary included. */
  healed_by_itself: boolean;
  /** What a person must still do, in one sentence each. */
  needs_a_person: string[];
}

/** The longest gap between consecutive acknowledgements among those from the last one before `from` on. */
export function writeGap(acks: readonly Ack[], from: number): number {
  const before = acks.filter((a) => a.at < from).at(-1);
  const window = [...(before ? [before] : []), ...acks.filter((a) => a.at >= from)];
  return window.slice(1).reduce((gap, ack, i) => Math.max(gap, ack.at - window[i]!.at), 0);
}

export function drillReport(
  header: { cluster: string; fault: DrillFault; oldPrimary: string; leaderAfter: string | undefined },
  acks: readonly Ack[],
  failedAttempts: number,
  lost: readonly number[],
  times: DrillTimes,
): DrillReport {
  const needs = [
    ...(header.leaderAfter === undefined ? ['no leader runs: see "pgha status" and the agents\' journals'] : []),
    ...(times.healedAt === undefined ? [`the cluster is not healthy with ${header.oldPrimary} back in it: see "pgha status", and "pgha reinit" ${header.oldPrimary} if its data diverged`] : []),
    ...(lost.length > 0 ? [`${lost.length} acknowledged writes are missing: the cluster lost data it confirmed`] : []),
  ];
  return {
    cluster: header.cluster,
    fault: header.fault,
    old_primary: header.oldPrimary,
    leader_after: header.leaderAfter ?? null,
    write_gap_ms: writeGap(acks, times.faultAt),
    lost_writes: lost.length,
    acknowledged_writes: acks.length,
    failed_attempts: failedAttempts,
    healed_after_ms: times.healedAt === undefined ? null : times.healedAt - times.faultAt,
    healed_by_itself: needs.length === 0,
    needs_a_person: needs,
  };
}

export function drillReportText(report: DrillReport): string {
  const seconds = (ms: number | null): string => (ms === null ? 'never (within the bound)' : `${(ms / 1000).toFixed(1)} s`);
  return [
    `Drill on cluster ${report.cluster}: ${report.fault} of the primary ${report.old_primary}`,
    `  write gap (RTO):                 ${report.write_gap_ms} ms`,
    `  acknowledged writes lost (RPO):  ${report.lost_writes} of ${report.acknowledged_writes}`,
    `  leader afterwards:               ${report.leader_after ?? 'none'}${report.leader_after === report.old_primary ? ' (the same member)' : ''}`,
    `  healthy again, ${report.old_primary} back: after ${seconds(report.healed_after_ms)}`,
    report.healed_by_itself ? '  healed by itself: yes, nobody had to act' : `  healed by itself: no:\n${report.needs_a_person.map((n) => `    - ${n}`).join('\n')}`,
    '',
  ].join('\n');
}
