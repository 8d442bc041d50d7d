import { describe, expect, it } from 'vitest';
import { ETCD_RESTART, restartEtcdInTurn } from '../../../cli/engine/etcd-restart.js';
import { rollingRestartChange } from '../../../cli/engine/rolling-restart.js';
import type { PlannedChange } from '../../../cli/plan/plan.js';
import { etcdTlsCutoverHandler } from '../../../cli/resources/etcd-tls-cutover.js';
import type { ApplyContext } from '../../../cli/resources/resource-handler.js';
import type { ObservedService } from '../../../cli/resources/service.js';
import { BARE_FACTS, labDesired, labSecrets, labSpec, TEST_DIGEST } from './lab-desired.js';
import { recordingTransport } from './recording-transport.js';

function recordingContext(answers: (purpose: string) => boolean) {
  const events: string[] = [];
  const context = {
    transport: recordingTransport(events),
    cluster: {
      reconnectEtcd: () => events.push('reconnect'),
      updateEtcdPeerUrl: async (name: string, url: string) => events.push(`member update ${name} ${url}`),
    },
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
  values: { before: null, after: null },
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

describe('turning plain HTTP off, member by member', () => {
  const resource = {
    kind: 'etcd_tls_cutover' as const,
    id: 'cluster/etcd_tls_cutover/etcd.service',
    host: 'cluster',
    stage: 'agent' as const,
    after: [],
    members: ['c1', 'c2'].map((name) => ({ name, peerUrl: `https://${name}:2380`, environment: `ETCD_NAME=${name}\n` })),
  };

  it('moves each member not done yet in turn: peer URL, file, restart, each once every member answers, and talks TLS from the first', async () => {
    const { context, events } = recordingContext(() => true);
    const observed = [
      { name: 'c1', environmentDone: false, peerUrlDone: true },
      { name: 'c2', environmentDone: false, peerUrlDone: false },
    ];
    expect(await etcdTlsCutoverHandler.apply(resource, observed, context)).toBe('plain HTTP off on c1, c2');
    expect(events.map((e) => e.replace(/ sh -c .*/, ' sh -c (write)'))).toEqual([
      'wait before turning plain HTTP off on etcd c1',
      'c1: sh -c (write)',
      'c1: mv -f /etc/default/etcd.pgha-new /etc/default/etcd',
      'c1: timeout 120 systemctl restart etcd.service',
      'reconnect',
      'wait before turning plain HTTP off on etcd c2',
      'member update c2 https://c2:2380',
      'c2: sh -c (write)',
      'c2: mv -f /etc/default/etcd.pgha-new /etc/default/etcd',
      'c2: timeout 120 systemctl restart etcd.service',
      'reconnect',
      'wait after turning plain HTTP off on etcd c2',
    ]);
  });

  it('leaves plain HTTP on where etcd does not answer with every member, and says where', async () => {
    const { context, events } = recordingContext((purpose) => !purpose.endsWith('c2'));
    const observed = resource.members.map((m) => ({ name: m.name, environmentDone: false, peerUrlDone: true }));
    await expect(etcdTlsCutoverHandler.apply(resource, observed, context)).rejects.toThrow('etcd did not answer with every member, so plain HTTP stays on for c2; the next plan shows that step again');
    expect(events.filter((e) => e.includes('systemctl'))).toEqual(['c1: timeout 120 systemctl restart etcd.service']);
  });
});
