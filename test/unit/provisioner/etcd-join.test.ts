import { describe, expect, it } from 'vitest';
import { etcdMemberHandler } from '../../../cli/resources/etcd-member.js';
import type { EtcdMemberResource, FileResource } from '../../../cli/resources/desired-resource.js';
import { BARE_FACTS, labDesired, labSecrets, labSpec } from './lab-desired.js';

const RUNNING = [
  { name: 'c1', peerUrls: ['http://10.213.7.11:2380'] },
  { name: 'c2', peerUrls: ['http://10.213.7.12:2380'] },
];

function etcdEnvironment(host: string, facts = BARE_FACTS): string {
  const file = labDesired(labSpec(), labSecrets(), facts).resources.find((r): r is FileResource => r.kind === 'file' && r.host === host && r.path === '/etc/default/etcd');
  return file!.content;
}

describe('etcd membership', () => {
  it('forms a new cluster from the full initial cluster when no etcd runs', () => {
    expect(etcdEnvironment('c3')).toContain('ETCD_INITIAL_CLUSTER_STATE=new\n');
    expect(etcdEnvironment('c3')).toContain('ETCD_INITIAL_CLUSTER=c1=http://10.213.7.11:2380,c2=http://10.213.7.12:2380,c3=http://10.213.7.13:2380\n');
  });

  it('joins a host missing from a running cluster as existing, after a member add', () => {
    const facts = { ...BARE_FACTS, etcdMembers: RUNNING, etcdRecordedState: new Map([['c1', 'new' as const], ['c2', 'new' as const]]) };
    expect(etcdEnvironment('c3', facts)).toContain('ETCD_INITIAL_CLUSTER_STATE=existing\n');
    expect(etcdEnvironment('c1', facts)).toContain('ETCD_INITIAL_CLUSTER_STATE=new\n');
    const member = labDesired(labSpec(), labSecrets(), facts).resources.find((r): r is EtcdMemberResource => r.kind === 'etcd_member' && r.host === 'c3')!;
    expect(etcdMemberHandler.diff(member, RUNNING, (t) => t)).toEqual({ action: 'create', details: ['etcd member add c3 http://10.213.7.13:2380 (joins the running cluster)'] });
    expect(etcdMemberHandler.diff(member, [...RUNNING, { name: 'c3', peerUrls: ['http://10.213.7.13:2380'] }], (t) => t)).toBeUndefined();
    expect(etcdMemberHandler.diff(member, 'unreachable', (t) => t)).toBeUndefined();
  });
});
