import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../cli/engine/engine-events.js';
import { walkChanges } from '../../../cli/engine/walk-changes.js';
import type { PlannedChange } from '../../../cli/plan/plan.js';
import type { Stage } from '../../../cli/resources/desired-resource.js';

function change(id: string, stage: Stage, after: string[] = []): PlannedChange {
  const [host = '', name = ''] = id.split('/');
  return { id, host, kind: 'file', name, stage, action: 'update', details: [], values: { before: null, after: null }, after, desired_digest: 'd'.repeat(64) };
}

async function walk(changes: PlannedChange[], fail: string[] = [], parallelism = 10, gateOk = true) {
  const order: string[] = [];
  const events: EngineEvent[] = [];
  let running = 0;
  let peak = 0;
  const perHost = new Map<string, number>();
  const result = await walkChanges(
    changes,
    async (c) => {
      running += 1;
      peak = Math.max(peak, running);
      perHost.set(c.host, (perHost.get(c.host) ?? 0) + 1);
      expect(perHost.get(c.host)).toBe(1);
      order.push(c.id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      perHost.set(c.host, perHost.get(c.host)! - 1);
      running -= 1;
      if (fail.includes(c.id)) throw new Error('boom');
      return undefined;
    },
    { parallelism, emit: (e) => events.push(e), now: () => 0, gate: { after: async () => gateOk } },
  );
  return { result, order, events, peak };
}

describe('the apply walk', () => {
  it('runs stage by stage, a change after the ones it follows, hosts in parallel and one change at a time per host', async () => {
    const { order, peak, result } = await walk([
      change('c1/a', 'host'), change('c1/b', 'host', ['c1/a']), change('c2/a', 'host'),
      change('c1/etcd', 'etcd'), change('c2/etcd', 'etcd'),
      change('c1/agent', 'agent', ['c1/etcd', 'c2/etcd']),
    ]);
    expect(order.indexOf('c1/b')).toBeGreaterThan(order.indexOf('c1/a'));
    expect(order.indexOf('c1/etcd')).toBeGreaterThan(order.indexOf('c2/a'));
    expect(order.at(-1)).toBe('c1/agent');
    expect(peak).toBe(2);
    expect(result.done).toHaveLength(6);
  });

  it('skips only the dependents of a failure', async () => {
    const { result, events } = await walk(
      [change('c1/a', 'host'), change('c1/b', 'host', ['c1/a']), change('c2/a', 'host'), change('c2/b', 'host', ['c2/a']), change('c1/etcd', 'etcd', ['c1/b'])],
      ['c1/a'],
    );
    expect(result).toEqual({ done: ['c2/a', 'c2/b'], failed: ['c1/a'], skipped: ['c1/b', 'c1/etcd'] });
    expect(events).toContainEqual(expect.objectContaining({ type: 'skipped', reason: 'it follows c1/a, which did not complete' }));
  });

  it('keeps to --parallelism', async () => {
    const { peak } = await walk(['c1', 'c2', 'c3', 'c4'].map((h) => change(`${h}/x`, 'host')), [], 2);
    expect(peak).toBe(2);
  });

  it('skips every later stage when a health gate fails', async () => {
    const { result } = await walk([change('c1/etcd', 'etcd'), change('c1/agent', 'agent'), change('cluster/config', 'dcs')], [], 10, false);
    expect(result).toEqual({ done: ['c1/etcd'], failed: [], skipped: ['c1/agent', 'cluster/config'] });
  });
});
