import { describe, expect, it } from 'vitest';
import { agentBack } from '../../../cli/engine/cluster-gate.js';

describe('agentBack: a restarted agent answering for itself', () => {
  it('waits while the agent does not answer', () => {
    expect(agentBack('c1', undefined)).toEqual({ ok: false, detail: 'the agent on c1 does not answer GET /patroni yet' });
  });

  it('waits while its PostgreSQL is not running, or a replica does not stream', () => {
    expect(agentBack('c1', { state: 'starting', role: 'replica' })).toEqual({ ok: false, detail: 'c1 reports PostgreSQL starting' });
    expect(agentBack('c1', { state: 'running', role: 'replica', replication_state: 'in archive recovery' })).toEqual({ ok: false, detail: 'c1 runs as a replica that does not stream yet' });
  });

  it('is done once a replica streams or the member leads', () => {
    expect(agentBack('c1', { state: 'running', role: 'replica', replication_state: 'streaming' }).ok).toBe(true);
    expect(agentBack('c2', { state: 'running', role: 'primary' })).toEqual({ ok: true, detail: 'c2 answers: primary, PostgreSQL running' });
  });
});
