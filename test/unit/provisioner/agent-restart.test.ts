import { describe, expect, it } from 'vitest';
import { AGENT_RESTART, restartAgentsInTurn } from '../../../cli/engine/agent-restart.js';
import { rollingRestartChange } from '../../../cli/engine/rolling-restart.js';
import type { ApplyContext } from '../../../cli/resources/resource-handler.js';
import { changedSinceStart, type ObservedService } from '../../../cli/resources/service.js';
import type { ClusterMember } from '../../../cli/transport/cluster-access.js';
import { labDesired, TEST_DIGEST } from './lab-desired.js';
import { recordingTransport } from './recording-transport.js';

function recordingContext(members: ClusterMember[], options: { healthy?: () => boolean; back?: (host: string) => boolean; inactive?: string[] } = {}) {
  const commands: string[] = [];
  const waits: string[] = [];
  const context = {
    transport: recordingTransport(commands, (host) => (options.inactive?.includes(host) ? 'inactive\n' : 'active\n')),
    cluster: { members: async () => members },
    waitHealthy: async (purpose: string) => {
      waits.push(purpose);
      return options.healthy?.() ?? true;
    },
    waitAgentBack: async (host: string, purpose: string) => {
      waits.push(`${host} back ${purpose}`);
      return options.back?.(host) ?? true;
    },
  } as unknown as ApplyContext;
  return { context, commands, waits };
}

const MEMBERS: ClusterMember[] = [
  { name: 'c1', role: 'replica', state: 'streaming' },
  { name: 'c2', role: 'leader', state: 'running' },
  { name: 'c3', role: 'replica', state: 'streaming' },
];

describe('restartAgentsInTurn', () => {
  it('restarts the replicas first and the leader last, each after a healthy check and followed by its agent answering, and ends on a healthy cluster', async () => {
    const { context, commands, waits } = recordingContext(MEMBERS);
    const remark = await restartAgentsInTurn(['c1', 'c2', 'c3'], context);
    expect(commands).toEqual(['c1: systemctl try-restart pgha-agent.service', 'c3: systemctl try-restart pgha-agent.service', 'c2: systemctl try-restart pgha-agent.service']);
    expect(waits).toEqual([
      'before restarting pgha-agent on c1',
      'c1 back after its restart',
      'before restarting pgha-agent on c3',
      'c3 back after its restart',
      'before restarting pgha-agent on c2',
      'c2 back after its restart',
      'after restarting pgha-agent on c2',
    ]);
    expect(remark).toBe('restarted in this order: c1, c3, c2 (leader)');
  });

  it('stops before the first host the cluster is not healthy enough to lose', async () => {
    let checks = 0;
    const { context, commands } = recordingContext(MEMBERS, { healthy: () => ++checks < 2 });
    await expect(restartAgentsInTurn(['c1', 'c2', 'c3'], context)).rejects.toThrow(
      'the cluster was not healthy, so the agent was not restarted on c3, c2; the next plan shows that restart again',
    );
    expect(commands).toEqual(['c1: systemctl try-restart pgha-agent.service']);
  });

  it('stops when a restarted agent does not come back, and names the hosts left', async () => {
    const { context, commands } = recordingContext(MEMBERS, { back: (host) => host !== 'c3' });
    await expect(restartAgentsInTurn(['c1', 'c2', 'c3'], context)).rejects.toThrow(
      'the agent on c3 was restarted but did not come back with its PostgreSQL running, so it was not restarted on c2; see journalctl -u pgha-agent.service on c3',
    );
    expect(commands).toEqual(['c1: systemctl try-restart pgha-agent.service', 'c3: systemctl try-restart pgha-agent.service']);
  });

  it('does not wait for an agent that was stopped before (try-restart leaves it stopped)', async () => {
    const { context, waits } = recordingContext(MEMBERS, { inactive: ['c1'] });
    await restartAgentsInTurn(['c1'], context);
    expect(waits).toEqual(['before restarting pgha-agent on c1', 'after restarting pgha-agent on c1']);
  });

  it('fails when the cluster is not healthy again after the last restart', async () => {
    let checks = 0;
    const { context } = recordingContext(MEMBERS, { healthy: () => ++checks < 3 });
    await expect(restartAgentsInTurn(['c1', 'c3'], context)).rejects.toThrow('the cluster was not healthy again after the agent\'s restart on c3');
  });
});

describe('agents running on files changed since they started', () => {
  it('finds the files modified after the process started, to the fraction of a second', () => {
    const started = 'Mon 2026-11-23 21:51:45.500000 UTC';
    const at = Date.parse('2026-11-23T21:51:45Z') / 1000;
    const times = `/etc/pgha/agent.yaml ${at + 0.7}\n/etc/systemd/system/pgha-agent.service ${at + 0.2}\n/opt/pgha/agent ${at - 60}\n`;
    expect(changedSinceStart(started, times)).toEqual(['/etc/pgha/agent.yaml']);
    expect(changedSinceStart('', times)).toEqual([]);
    expect(changedSinceStart('n/a', times)).toEqual([]);
  });

  it('restarts an agent whose config changed after it started, though no file changes now', () => {
    const desired = labDesired().resources;
    const service = (changed: string[]): ObservedService => ({ enabled: 'enabled', active: 'active', changedSinceStart: changed });
    const observed = new Map<string, unknown>([
      ['c1/service/pgha-agent.service', service([])],
      ['c2/service/pgha-agent.service', service(['/etc/pgha/agent.yaml'])],
      ['c3/service/pgha-agent.service', { enabled: 'enabled', active: 'inactive' }],
    ]);
    const change = rollingRestartChange(AGENT_RESTART, [], desired, observed, TEST_DIGEST.of);
    expect(change?.hosts).toEqual(['c2']);
    expect(change?.details).toContain('because of: c2: the agent started before /etc/pgha/agent.yaml changed');
    expect(rollingRestartChange(AGENT_RESTART, [], desired, new Map([['c2/service/pgha-agent.service', service([])]]), TEST_DIGEST.of)).toBeUndefined();
  });
});
