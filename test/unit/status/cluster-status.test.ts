// `pgha status` from an agent's GET /cluster and each member's GET /patroni: the JSON follows
// schemas/status.schema.json whatever a member answered, and the text shows what an operator
// looks for first (who leads, who streams, how far behind, paused or not).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import statusSchema from '../../../schemas/status.schema.json' with { type: 'json' };
import type { ClusterDocument } from '../../../agent/contract/cluster-document.js';
import { clusterStatus } from '../../../cli/status/cluster-status.js';
import { painter } from '../../../cli/views/paint.js';
import { statusTable } from '../../../cli/views/status-table.js';

const DOCUMENT: ClusterDocument = {
  scope: 'lab',
  members: [
    { name: 'c1', role: 'leader', state: 'running', api_url: 'https://10.0.0.1:8008/patroni', host: '10.0.0.1', port: 5432, timeline: 3 },
    { name: 'c2', role: 'sync_standby', state: 'streaming', api_url: 'https://10.0.0.2:8008/patroni', host: '10.0.0.2', port: 5432, timeline: 3, lag: 0 },
    { name: 'c3', role: 'replica', state: 'streaming', api_url: 'https://10.0.0.3:8008/patroni', host: '10.0.0.3', port: 5432, timeline: 3, lag: 3 * 1024 * 1024, pending_restart: true },
  ],
};

const own = (watchdog: object, leaderUntil: number | null = null) => ({ state: 'running', pgha: { watchdog, leader_until: leaderUntil, last_decision: { rule: 'r', action: { kind: 'none' }, reason: 'no action' } } });

const validate = new Ajv2020({ strict: false }).compile(statusSchema);

describe('pgha status', () => {
  it('joins each member with its own answer, and follows its schema', () => {
    const answers = new Map<string, unknown>([
      ['c1', own({ mode: 'required', state: 'armed' }, 8.5)],
      ['c2', own({ mode: 'required', state: 'disabled' })],
      ['c3', undefined],
    ]);
    const status = clusterStatus('lab', { ...DOCUMENT, pause: true }, answers);
    expect(validate(status), JSON.stringify(validate.errors)).toBe(true);
    expect(status.paused).toBe(true);
    expect(status.members.map((m) => [m.name, m.lag_bytes, m.answered, m.watchdog?.state, m.leader_seconds_left])).toEqual([
      ['c1', undefined, true, 'armed', 8.5],
      ['c2', 0, true, 'disabled', undefined],
      ['c3', 3 * 1024 * 1024, false, undefined, undefined],
    ]);
    const text = statusTable(status, painter(false));
    expect(text.split('\n')[0]).toBe('Cluster lab (paused: no automatic failover until "pgha resume"):');
    expect(text).toMatch(/^ {2}c1 +10\.0\.0\.1 +leader +running +3 +armed \(required\) +8\.5 s$/m);
    expect(text).toMatch(/^ {2}c3 +10\.0\.0\.3 +replica +streaming +3 +3\.0 MB +yes +no answer$/m);
  });

  it('reads any JSON a member answers without failing, and shows an unknown lag as such', () => {
    const odd = { ...DOCUMENT, members: [{ ...DOCUMENT.members[2]!, lag: 'unknown' as const, timeline: 'x' }] };
    for (const answer of [null, 'text', [], { pgha: 'x' }, { pgha: { watchdog: 3, leader_until: 'soon', last_decision: [] } }]) {
      const status = clusterStatus('lab', odd, new Map([['c3', answer]]));
      expect(validate(status), JSON.stringify([answer, validate.errors])).toBe(true);
      expect(status.members[0]!.lag_bytes).toBeNull();
    }
    expect(statusTable(clusterStatus('lab', odd, new Map()), painter(false))).toMatch(/streaming +unknown/);
  });

  it('says when a switchover is scheduled, and when no member has published its key', () => {
    const scheduled = clusterStatus('lab', { ...DOCUMENT, scheduled_switchover: { at: '2026-12-24T03:00:00+00:00', from: 'c1', to: 'c2' } }, new Map());
    expect(statusTable(scheduled, painter(false))).toContain('Switchover scheduled at 2026-12-24T03:00:00+00:00 from c1 to c2.');
    expect(statusTable(clusterStatus('lab', { scope: 'lab', members: [] }, new Map()), painter(false))).toContain('(no member has published its key)');
  });
});
