import { describe, expect, it } from 'vitest';
import { restartAgentsInTurn } from '../../../cli/engine/agent-restart.js';
import type { ApplyContext } from '../../../cli/resources/resource-handler.js';
import type { ClusterMember } from '../../../cli/transport/cluster-access.js';

function recordingContext(members: ClusterMember[]) {
  const commands: string[] = [];
  const context = {
    transport: (host: string) => ({
      host,
      run: async (argv: readonly string[]) => {
        commands.push(`${host}: ${argv.join(' ')}`);
        return { exitCode: 0, stdout: '', stderr: '' };
      },
    }),
    cluster: { members: async () => members },
  } as unknown as ApplyContext;
  return { context, commands };
}

const MEMBERS: ClusterMember[] = [
  { name: 'c1', role: 'replica', state: 'streaming' },
  { name: 'c2', role: 'leader', state: 'running' },
  { name: 'c3', role: 'replica', state: 'streaming' },
];

describe('restartAgentsInTurn', () => {
  it('restarts the replicas first and the leader last, each after a healthy check', async () => {
    const { context, commands } = recordingContext(MEMBERS);
    const waits: string[] = [];
    const remark = await restartAgentsInTurn(['c1', 'c2', 'c3'], context, async (purpose) => {
      waits.push(purpose);
      return true;
    });
    expect(commands).toEqual(['c1: systemctl try-restart pgha-agent.service', 'c3: systemctl try-restart pgha-agent.service', 'c2: systemctl try-restart pgha-agent.service']);
    expect(waits).toEqual(['before restarting pgha-agent on c1', 'before restarting pgha-agent on c3', 'before restarting pgha-agent on c2']);
    expect(remark).toBe('restarted in this order: c1, c3, c2 (leader)');
  });

  it('stops before the first host the cluster is not healthy enough to lose', async () => {
    const { context, commands } = recordingContext(MEMBERS);
    let checks = 0;
    await expect(restartAgentsInTurn(['c1', 'c2', 'c3'], context, async () => ++checks < 2)).rejects.toThrow(
      'the cluster was not healthy, so the agent was not restarted on c3, c2; the new config takes effect there when it next starts',
    );
    expect(commands).toEqual(['c1: systemctl try-restart pgha-agent.service']);
  });
});
