import { describe, expect, it } from 'vitest';
import { drillReport, drillReportText, writeGap } from '../../../cli/drill/drill-report.js';

const acks = [100, 150, 200, 1400, 1450, 1500].map((at, i) => ({ id: i + 1, at }));

describe('the drill report', () => {
  it('measures the write gap from the last write before the fault on', () => {
    expect(writeGap(acks, 210)).toBe(1200);
    expect(writeGap(acks, 1420)).toBe(50);
    expect(writeGap([], 0)).toBe(0);
  });

  it('says the cluster healed by itself when it did and lost nothing', () => {
    const report = drillReport({ cluster: 'lab', fault: 'kill', oldPrimary: 'c1', leaderAfter: 'c2' }, acks, 3, [], { faultAt: 210, healedAt: 9210 });
    expect(report).toMatchObject({ write_gap_ms: 1200, lost_writes: 0, acknowledged_writes: 6, failed_attempts: 3, leader_after: 'c2', healed_after_ms: 9000, healed_by_itself: true, needs_a_person: [] });
    expect(drillReportText(report)).toContain('  write gap (RTO):                 1200 ms\n');
    expect(drillReportText(report)).toContain('  healed by itself: yes, nobody had to act');
  });

  it('names what a person must do when it did not heal, or lost writes', () => {
    const report = drillReport({ cluster: 'lab', fault: 'postgres-crash', oldPrimary: 'c1', leaderAfter: undefined }, acks, 0, [5], { faultAt: 210, healedAt: undefined });
    expect(report.healed_by_itself).toBe(false);
    expect(report.needs_a_person).toEqual([
      'no leader runs: see "pgha status" and the agents\' journals',
      'the cluster is not healthy with c1 back in it: see "pgha status", and "pgha reinit" c1 if its data diverged',
      '1 acknowledged writes are missing: the cluster lost data it confirmed',
    ]);
    expect(drillReportText(report)).toContain('  healthy again, c1 back: after never (within the bound)');
  });
});
