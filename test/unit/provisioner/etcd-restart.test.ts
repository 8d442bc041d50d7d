import { describe, expect, it } from 'vitest';
import { ETCD_RESTART, restartEtcdInTurn } from '../../../cli/engine/etcd-restart.js';
import { rollingRestartChange } from '../../../cli/engine/rolling-restart.js';
import type { PlannedChange } from '../../../cli/plan/plan.js';
import type { ApplyContext } from '../../../cli/resources/resource-handler.js';
import type { ObservedService } from '../../../cli/resources/service.js';
import { BARE_FACTS, labDesired, labSecrets, labSpec, TEST_DIGEST } from './lab-desired.js';
import { recordingTransport } from './recording-transport.js';

function recordingContext(answers: (purpose: string) => boolean) {
  const events: string[] = [];
  const context = {
    transport: recordingTransport(events),
    waitEtcd: async (purpose: string) => {
      events.push(`wait ${purpose}`);
      return answers(purpose);
    },
  } as unknown as ApplyContext;
  return { context, events };
}

const fileChange = (host: string): PlannedChange => ({
  id: `${host}/file//etc/default/etcd`,
  host,
  kind: 'file',
  name: '/etc/default/etcd',
  stage: 'host',
  action: 'update',
  details: [],
  after: [],
  desired_digest: 'x',
});

describe("etcd's rolling restart", () => {
  const running: ObservedService = { enabled: 'enabled', active: 'active' };

  it('is planned for the running members whose files etcd reads at start changed, and for those running stale files', () => {
    const facts = { ...BARE_FACTS, etcdListening: new Map(['c1', 'c2', 'c3'].map((h) => [h, 'tls'] as const)) };
    const desired = labDesired(labSpec(), labSecrets(), facts).resources;
    const observed = new Map<string, unknown>([
      ['c1/service/etcd.service', running],
      ['c2/service/etcd.service', { ...running, changedSinceStart: ['/etc/default/etcd'] }],
      ['c3/service/etcd.service', { enabled: 'enabled', active: 'inactive' }],
    ]);
    const change = rollingRestartChange(ETCD_RESTART, [fileChange('c1'), fileChange('c3')], desired, observed, TEST_DIGEST.of)!;
    expect(change).toMatchObject({ id: 'cluster/etcd_restart/etcd.service', kind: 'etcd_restart', stage: 'etcd', hosts: ['c1', 'c2'], after: ['c1/file//etc/default/etcd'] });
    expect(change.details).toEqual([
      'restart etcd on c1, c2, one member at a time, each once every member answers: the quorum holds throughout',
      'because of: c1: file /etc/default/etcd; c2: etcd started before /etc/default/etcd changed',
    ]);
    // A cluster whose etcd does not run yet starts it with its files: nothing to restart.
    expect(rollingRestartChange(ETCD_RESTART, [fileChange('c1')], desired, new Map(), TEST_DIGEST.of)).toBeUndefined();
  });

  it('restarts one member at a time, each once every member answers', async () => {
    const { context, events } = recordingContext(() => true);
    expect(await restartEtcdInTurn(['c1', 'c2', 'c3'], context)).toBe('restarted in this order: c1, c2, c3');
    expect(events).toEqual([
      'wait before restarting etcd on c1',
      'c1: timeout 120 systemctl try-restart etcd.service',
      'wait before restarting etcd on c2',
      'c2: timeout 120 systemctl try-restart etcd.service',
      'wait before restarting etcd on c3',
      'c3: timeout 120 systemctl try-restart etcd.service',
      'wait after restarting etcd on c3',
    ]);
  });

  it('stops before a member while etcd does not answer with every member, and says what is left', async () => {
    const { context, events } = recordingContext((purpose) => !purpose.endsWith('c2'));
    await expect(restartEtcdInTurn(['c1', 'c2', 'c3'], context)).rejects.toThrow('etcd did not answer with every member, so it was not restarted on c2, c3; the next plan shows that restart again');
    expect(events.filter((e) => e.includes('systemctl'))).toEqual(['c1: timeout 120 systemctl try-restart etcd.service']);
  });
});
