import { describe, expect, it } from 'vitest';
import { dcsLayout } from '../../../agent/contract/dcs-layout.js';
import { InMemoryKvStore } from '../../../agent/dcs/in-memory-kv.js';
import { KvDcs } from '../../../agent/dcs/kv-dcs.js';
import { ClusterView } from '../../../agent/ha/cluster-view.js';
import type { Logger } from '../../../agent/logging/logger.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { SIM_DCS } from '../../helpers/ha-simulation.js';

describe('the cluster view', () => {
  it('says, once per change, that the live configuration asks for what the agent does not do', async () => {
    const clock = new FakeClock();
    const store = new InMemoryKvStore(clock);
    const dcs = new KvDcs({ kv: store.client(), layout: dcsLayout('/service', 'view'), name: 'pg1', clock, timing: () => ({ ttl: 10, retry_timeout: 2 }) });
    const lines: string[] = [];
    const log: Logger = { log: (level, message) => lines.push(`${level}: ${message}`) };
    const view = new ClusterView({ dcs, clock, log, bootstrapConfig: SIM_DCS });
    expect(await dcs.writeConfig({ ttl: 10, max_timelines_history: 10 })).toBe(true);
    await view.read();
    await view.read();
    expect(lines).toEqual([
      'error: the cluster configuration asks for what this agent does not do, and it runs without it: max_timelines_history: trimming the history key is not supported by this version of pgha yet; remove it or set it to 0',
    ]);
    await dcs.writeConfig({ ttl: 10, synchronous_mode: true });
    await view.read();
    expect(lines).toHaveLength(1);
    expect(view.settings().synchronousMode).toBe('on');
  });
});
