import { describe, expect, it } from 'vitest';
import type { DesiredFacts } from '../../../cli/desired/desired-state.js';
import { etcdMemberHandler } from '../../../cli/resources/etcd-member.js';
import type { DesiredResource, EtcdMemberResource, FileResource } from '../../../cli/resources/desired-resource.js';
import { BARE_FACTS, labDesired, labSecrets, labSpec } from './lab-desired.js';

const member = (n: number) => ({ name: `c${n}`, peerUrls: [`https://10.213.7.1${n}:2380`] });
const FORMED = 'c1=https://10.213.7.11:2380,c2=https://10.213.7.12:2380,c3=https://10.213.7.13:2380';
const GROWN = (text: string): string =>
  text.replace(/^( {2}- \{ name: c3, .*)$/m, '$1\n  - { name: c4, address: 10.213.7.14, roles: [postgres, etcd] }\n  - { name: c5, address: 10.213.7.15, roles: [etcd] }');

function running(count: number): DesiredFacts {
  const names = Array.from({ length: count }, (_, i) => `c${i + 1}`);
  return {
    ...BARE_FACTS,
    etcdMembers: names.map((_, i) => member(i + 1)),
    etcdRecordedFirstStart: new Map(names.map((name) => [name, { state: 'new' as const, initialCluster: names.map((n, i) => `${n}=https://10.213.7.1${i + 1}:2380`).join(',') }])),
  };
}

function resources(facts: DesiredFacts, edit?: (text: string) => string): DesiredResource[] {
  return labDesired(labSpec(edit), labSecrets(), facts).resources;
}

const environment = (all: DesiredResource[], host: string) => all.find((r): r is FileResource => r.kind === 'file' && r.host === host && r.path === '/etc/default/etcd')!;
const memberOf = (all: DesiredResource[], host: string) => all.find((r): r is EtcdMemberResource => r.kind === 'etcd_member' && r.host === host)!;

describe('etcd membership', () => {
  it('forms a new cluster from the full initial cluster when no etcd runs', () => {
    const file = environment(resources(BARE_FACTS), 'c3');
    expect(file.content).toContain('ETCD_INITIAL_CLUSTER_STATE=new\n');
    expect(file.content).toContain(`ETCD_INITIAL_CLUSTER=${FORMED}\n`);
    // The package started etcd with Debian's defaults: the new file restarts it at once.
    expect(file.onChange).toEqual({ unit: 'etcd.service', verb: 'try-restart', noBlock: true });
  });

  it('joins a host missing from a running cluster with exactly the members at its turn, after a member add', () => {
    const facts = running(2);
    const all = resources(facts);
    const joining = environment(all, 'c3');
    expect(joining.content).toContain('ETCD_INITIAL_CLUSTER_STATE=existing\n');
    expect(joining.content).toContain(`ETCD_INITIAL_CLUSTER=${FORMED}\n`);
    expect(joining.onChange, 'a joining host must not start etcd before it is added').toBeUndefined();
    expect(environment(all, 'c1').content).toContain('ETCD_INITIAL_CLUSTER=c1=https://10.213.7.11:2380,c2=https://10.213.7.12:2380\nETCD_INITIAL_CLUSTER_STATE=new\n');
    const c3 = memberOf(all, 'c3');
    expect(etcdMemberHandler.diff(c3, [member(1), member(2)])).toEqual({
      action: 'create',
      details: ['etcd member add c3 https://10.213.7.13:2380 (joins the running cluster), then etcd restarts on c3'],
      values: { before: null, after: { name: 'c3', peer_urls: ['https://10.213.7.13:2380'], started: true } },
    });
    expect(etcdMemberHandler.diff(c3, [member(1), member(2), { name: '', peerUrls: ['https://10.213.7.13:2380'] }])).toEqual({
      action: 'update',
      details: ['restart etcd on c3: it was added to the cluster but has not started as a member'],
      values: { before: { name: '', peer_urls: ['https://10.213.7.13:2380'], started: false }, after: { name: 'c3', peer_urls: ['https://10.213.7.13:2380'], started: true } },
    });
    expect(etcdMemberHandler.diff(c3, [member(1), member(2), member(3)])).toBeUndefined();
    expect(etcdMemberHandler.diff(c3, 'unreachable')).toBeUndefined();
  });

  it('adds two hosts one after the other, and leaves the running members files as they were', () => {
    const facts = running(3);
    const before = resources(facts);
    const after = resources(facts, GROWN);
    for (const host of ['c1', 'c2', 'c3']) expect(environment(after, host).content).toBe(environment(before, host).content);
    expect(environment(after, 'c4').content).toContain(`ETCD_INITIAL_CLUSTER=${FORMED},c4=https://10.213.7.14:2380\nETCD_INITIAL_CLUSTER_STATE=existing\n`);
    expect(environment(after, 'c5').content).toContain(`ETCD_INITIAL_CLUSTER=${FORMED},c4=https://10.213.7.14:2380,c5=https://10.213.7.15:2380\nETCD_INITIAL_CLUSTER_STATE=existing\n`);
    expect(memberOf(after, 'c4').after).toEqual([]);
    expect(memberOf(after, 'c5').after).toEqual([memberOf(after, 'c4').id]);
  });

  it('names a member that was added but never started after the spec host it belongs to', () => {
    const facts = { ...running(3), etcdMembers: [member(1), member(2), member(3), { name: '', peerUrls: ['https://10.213.7.14:2380'] }] };
    const all = resources(facts, GROWN);
    expect(environment(all, 'c5').content).toContain(`ETCD_INITIAL_CLUSTER=${FORMED},c4=https://10.213.7.14:2380,c5=https://10.213.7.15:2380\n`);
    expect(memberOf(all, 'c5').after).toEqual([]);
    expect(environment(all, 'c4').content).toContain(`ETCD_INITIAL_CLUSTER=${FORMED},c4=https://10.213.7.14:2380\nETCD_INITIAL_CLUSTER_STATE=existing\n`);
  });
});
