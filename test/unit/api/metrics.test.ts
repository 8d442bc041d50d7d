import { describe, expect, it } from 'vitest';
import { renderMetrics } from '../../../agent/api/metrics.js';
import { NOW, primaryState, replicaState } from '../../helpers/api-node-state.js';

function samples(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{scope="lab",name="pg\d"\} (\S+)$/.exec(line);
    if (match) values.set(match[1]!, match[2]!);
  }
  return values;
}

describe('/metrics', () => {
  const primary = renderMetrics(primaryState(), NOW);

  it('describes every metric with HELP and TYPE lines before its sample, and ends with a newline', () => {
    const lines = primary.trimEnd().split('\n');
    expect(primary.endsWith('\n')).toBe(true);
    const names = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      const help = lines.indexOf(lines.find((l) => l.startsWith(`# HELP ${name} `))!);
      const counter = (name.includes('xlog_') && name.endsWith('location')) || name.endsWith('_total');
      const type = lines.indexOf(`# TYPE ${name} ${counter ? 'counter' : 'gauge'}`);
      const sample = lines.findIndex((l) => l.startsWith(`${name}{`));
      expect(help).toBeGreaterThanOrEqual(0);
      expect(type).toBeGreaterThan(help);
      if (sample >= 0) expect(sample).toBe(type + 1);
    }
  });

  it("gives a primary's figures with Patroni's names and labels", () => {
    expect(Object.fromEntries(samples(primary))).toEqual({
      patroni_version: '040104',
      patroni_postgres_running: '1',
      patroni_postmaster_start_time: '1795356508.85388',
      patroni_primary: '1',
      patroni_xlog_location: '50000000',
      patroni_standby_leader: '0',
      patroni_replica: '0',
      patroni_sync_standby: '0',
      patroni_quorum_standby: '0',
      patroni_xlog_received_location: '0',
      patroni_xlog_replayed_location: '0',
      patroni_xlog_replayed_timestamp: '0',
      patroni_xlog_paused: '0',
      patroni_postgres_streaming: '0',
      patroni_postgres_in_archive_recovery: '0',
      patroni_postgres_server_version: '150018',
      patroni_cluster_unlocked: '0',
      patroni_failsafe_mode_is_active: '0',
      patroni_postgres_timeline: '1',
      patroni_dcs_last_seen: '1795356560',
      patroni_pending_restart: '0',
      patroni_is_paused: '0',
      patroni_postgres_state: '5',
      pgha_leader_lease_remaining_seconds: '8',
      pgha_last_cycle_age_seconds: '0.5',
      pgha_dcs_view_age_seconds: '1',
      pgha_watchdog_armed: '0',
      pgha_watchdog_failed: '0',
      pgha_watchdog_keepalives_total: '0',
    });
    expect(primary).toContain('# Values: initdb=0, initdb_failed=1, custom_bootstrap=2');
  });

  it("gives a replica's figures", () => {
    const replica = samples(renderMetrics(replicaState(), NOW));
    expect([...['patroni_primary', 'patroni_replica', 'patroni_xlog_location', 'patroni_xlog_replayed_location', 'patroni_postgres_streaming', 'pgha_leader_lease_remaining_seconds']].map((n) => replica.get(n))).toEqual([
      '0',
      '1',
      '0',
      '50000000',
      '1',
      '0',
    ]);
  });

  it('leaves out the streaming metrics while PostgreSQL is down, and samples it has no value for', () => {
    const postgres = { dataDirectory: 'initialized' as const, process: 'crashed' as const };
    const text = renderMetrics(replicaState({ postgres, postgresState: 'crashed', lastCycleAt: undefined }), NOW);
    const down = samples(text);
    expect([down.get('patroni_postgres_running'), down.get('patroni_postgres_state'), down.get('patroni_postgres_server_version')]).toEqual(['0', '14', '0']);
    expect(down.has('patroni_postgres_streaming')).toBe(false);
    expect(down.has('pgha_last_cycle_age_seconds')).toBe(false);
    expect(text).toContain('# TYPE pgha_last_cycle_age_seconds gauge');
  });

  it("shows an armed watchdog's timeout and keepalives, and leaves out what is not known yet", () => {
    const armed = { mode: 'required' as const, state: 'armed' as const, device: '/dev/watchdog', timeoutSeconds: 5, lastKeepalive: '2026-11-22T14:10:00.250Z', keepalives: 42, failed: false };
    const text = renderMetrics(primaryState({ watchdog: armed }), NOW);
    const values = samples(text);
    expect(['armed', 'failed', 'timeout_seconds', 'keepalives_total', 'last_keepalive_timestamp_seconds'].map((n) => values.get(`pgha_watchdog_${n}`))).toEqual(['1', '0', '5', '42', '1795356600.25']);
    expect(text).toContain('# TYPE pgha_watchdog_keepalives_total counter');
    const failed = samples(renderMetrics(replicaState({ watchdog: { ...armed, state: 'failed', timeoutSeconds: undefined, lastKeepalive: undefined, keepalives: 0, failure: 'gone', failed: true } }), NOW));
    expect([failed.get('pgha_watchdog_armed'), failed.get('pgha_watchdog_failed')]).toEqual(['0', '1']);
    expect(failed.has('pgha_watchdog_timeout_seconds')).toBe(false);
    expect(failed.has('pgha_watchdog_last_keepalive_timestamp_seconds')).toBe(false);
  });

  it('escapes label values', () => {
    expect(renderMetrics(primaryState({ scope: 'a"b\\c' }), NOW)).toContain('patroni_primary{scope="a\\"b\\\\c",name="pg1"} 1');
  });
});
