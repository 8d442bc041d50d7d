import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import planSchema from '../../../schemas/plan.schema.json' with { type: 'json' };
import type { MemberRecord } from '../../../agent/contract/dcs-records.js';
import { departedResources, type Departures } from '../../../cli/desired/departed-resources.js';
import { buildPlan } from '../../../cli/engine/build-plan.js';
import { departedHosts, type DepartedHost } from '../../../cli/engine/departed-hosts.js';
import { etcdRemovalRefusal, quorumOf } from '../../../cli/engine/etcd-quorum.js';
import { changeTitle } from '../../../cli/plan/plan.js';
import type { DesiredResource } from '../../../cli/resources/desired-resource.js';
import type { EtcdMember } from '../../../cli/transport/cluster-access.js';
import { convergedObserved, labDesired, labSpec, LAB_PLAN_HEADER, TEST_DIGEST } from './lab-desired.js';

const record = (address: string): MemberRecord => ({ conn_url: `postgres://${address}:5432/postgres`, api_url: `https://${address}:8008/patroni`, state: 'running', role: 'replica', version: '0.1.0' });
const member = (name: string, address: string): EtcdMember => ({ name, peerUrls: [`https://${address}:2380`] });
const labMembers = [member('c1', '10.213.7.11'), member('c2', '10.213.7.12'), member('c3', '10.213.7.13')];
const labRecords = (): Map<string, MemberRecord> => new Map([['c1', record('10.213.7.11')], ['c2', record('10.213.7.12')], ['c3', record('10.213.7.13')]]);

describe('departedHosts', () => {
  it('finds a host dropped from the spec by its member key and its etcd member, and an etcd-only one by its etcd member', () => {
    const records = labRecords().set('c4', record('10.213.7.14'));
    const found = departedHosts(labSpec(), records, [...labMembers, member('c4', '10.213.7.14'), member('c5', '10.213.7.15')]);
    expect(found).toEqual([
      { name: 'c4', address: '10.213.7.14', memberKey: true, etcdMember: member('c4', '10.213.7.14') },
      { name: 'c5', address: '10.213.7.15', memberKey: false, etcdMember: member('c5', '10.213.7.15') },
    ]);
  });

  it('finds nothing when every member is a host of the spec, or etcd does not answer', () => {
    expect(departedHosts(labSpec(), labRecords(), labMembers)).toEqual([]);
    expect(departedHosts(labSpec(), 'unreachable', 'unreachable')).toEqual([]);
  });

  it('names an etcd member added but never started by its address, and keeps one of a spec host that has not started', () => {
    const found = departedHosts(labSpec(), labRecords(), [...labMembers.slice(0, 2), member('', '10.213.7.13'), member('', '10.213.7.16')]);
    expect(found).toEqual([{ name: '10.213.7.16', address: '10.213.7.16', memberKey: false, etcdMember: member('', '10.213.7.16') }]);
  });
});

describe('etcdRemovalRefusal', () => {
  it('lets a member go only while the others hold a quorum of the cluster as it is', () => {
    expect(quorumOf(5)).toBe(3);
    expect(etcdRemovalRefusal({ members: 5, answeringOthers: 4 })).toBeUndefined();
    expect(etcdRemovalRefusal({ members: 5, answeringOthers: 3 })).toBeUndefined();
    expect(etcdRemovalRefusal({ members: 5, answeringOthers: 2 })).toMatch(/2 of the other 4 members answer, and the removal needs 3 of 5/);
    expect(etcdRemovalRefusal({ members: 3, answeringOthers: 2 })).toBeUndefined();
    // Two members: the one leaving must agree too, so a dead one cannot be removed by the other alone.
    expect(etcdRemovalRefusal({ members: 2, answeringOthers: 1 })).toMatch(/needs 2 of 2/);
    expect(etcdRemovalRefusal({ members: 1, answeringOthers: 0 })).toBe('it is the last etcd member');
  });
});

const c4: DepartedHost = { name: 'c4', address: '10.213.7.14', memberKey: true, etcdMember: member('c4', '10.213.7.14') };

/** What refresh reads of a departed host that still runs its agent (the leader) and etcd. */
function departedObserved(resource: DesiredResource): unknown {
  switch (resource.kind) {
    case 'departed_service':
      return { state: 'reachable', enabled: 'enabled', active: 'active', dataDirs: resource.dataDirs, leads: resource.handOverTo !== undefined };
    case 'member_key':
      return { key: true, slot: true };
    case 'departed_etcd_member':
      return [...labMembers, member('c4', '10.213.7.14')];
    default:
      return convergedObserved(resource);
  }
}

function removalPlan(departures: Departures, observe = departedObserved) {
  const spec = labSpec();
  const desired = labDesired(spec);
  const resources = [...desired.resources, ...departedResources(spec, departures, desired.resources)];
  const header = { ...LAB_PLAN_HEADER, ...(departures.purge && { purge_data: true }) };
  return buildPlan(header, resources, new Map(resources.map((r) => [r.id, observe(r)])), TEST_DIGEST.of);
}

describe('removing a host', () => {
  it("plans exactly the departed host's - lines, in an order that stops its agent before its etcd member goes", () => {
    const plan = removalPlan({ hosts: [c4], unreachable: new Map(), purge: false });
    expect(plan.changes.map((c) => `${c.action} ${changeTitle(c)} [${c.stage}]`)).toEqual([
      'delete c4: service pgha-agent.service [host]',
      'delete cluster: member key c4 [host]',
      'delete cluster: etcd member c4 [etcd]',
      'delete c4: service etcd.service [etcd]',
    ]);
    const [agent, key, etcd, etcdService] = plan.changes;
    expect(agent!.details).toEqual([
      'the leader runs here: first a switchover to the streaming replica with the least lag',
      'systemctl disable --now pgha-agent.service (PostgreSQL stops with its agent)',
      'data directory /var/lib/postgresql/15/main left in place (plan and apply with --purge-data delete it)',
    ]);
    expect(key!.after).toEqual([agent!.id]);
    expect(key!.details[0]).toBe('delete /service/lab/members/c4');
    expect(etcd!.after).toEqual([agent!.id, key!.id]);
    expect(etcdService!.after).toEqual([etcd!.id]);
    expect(plan.summary).toEqual({ add: 0, change: 0, destroy: 4 });
    expect(plan.purge_data).toBeUndefined();
  });

  it('removes etcd members after the members the same apply adds have joined', () => {
    const spec = labSpec((text) => text.replace('  - { name: c3, address: 10.213.7.13, roles: [postgres, etcd, haproxy] }', '  - { name: c3, address: 10.213.7.13, roles: [postgres, etcd, haproxy] }\n  - { name: c5, address: 10.213.7.15, roles: [etcd] }\n  - { name: c6, address: 10.213.7.16, roles: [etcd] }'));
    const desired = labDesired(spec);
    const removal = departedResources(spec, { hosts: [c4], unreachable: new Map(), purge: false }, desired.resources).find((r) => r.kind === 'departed_etcd_member')!;
    expect(removal.after).toContain('c5/etcd_member/c5');
    expect(removal.after).toContain('cluster/etcd_restart/etcd.service');
    expect(removal.kind === 'departed_etcd_member' && removal.staying.map((s) => s.name)).toEqual(['c1', 'c2', 'c3', 'c5', 'c6']);
  });

  it('says which data directories --purge-data deletes', () => {
    const plan = removalPlan({ hosts: [c4], unreachable: new Map(), purge: true });
    const validate = new Ajv2020({ strict: false }).compile(planSchema);
    expect(validate(JSON.parse(JSON.stringify(plan))), JSON.stringify(validate.errors)).toBe(true);
    expect(plan.purge_data).toBe(true);
    expect(plan.changes[0]!.details).toContain('data directory /var/lib/postgresql/15/main deleted (--purge-data)');
    expect(plan.changes[3]!.details).toContain(`data directory ${labSpec().etcd.data_dir} deleted (--purge-data)`);
  });

  it('still removes the member key and the etcd member of a host it cannot reach, and says so once', () => {
    const plan = removalPlan({ hosts: [c4], unreachable: new Map([['c4', 'connect ETIMEDOUT']]), purge: false }, (r) => (r.kind === 'departed_service' ? { state: 'unreachable' } : departedObserved(r)));
    expect(plan.changes.map((c) => changeTitle(c))).toEqual(['cluster: member key c4', 'cluster: etcd member c4']);
    expect(plan.notices.filter((n) => n.startsWith('c4 '))).toEqual([
      'c4 is no longer in the spec but could not be reached over SSH (connect ETIMEDOUT): its member key and etcd member are removed all the same, while whatever still runs there (pgha-agent, PostgreSQL, etcd) stays as it is until you stop it',
    ]);
  });

  it('plans nothing more once the host is stopped and its keys are gone', () => {
    const plan = removalPlan({ hosts: [c4], unreachable: new Map(), purge: false }, (r) =>
      r.kind === 'departed_service' ? { state: 'reachable', enabled: 'disabled', active: 'inactive', dataDirs: r.dataDirs, leads: false }
      : r.kind === 'member_key' ? { key: false, slot: false }
      : r.kind === 'departed_etcd_member' ? labMembers
      : convergedObserved(r),
    );
    expect(plan.changes).toEqual([]);
  });
});
