import { describe, expect, it } from 'vitest';
import { departedEtcdMemberHandler } from '../../../cli/resources/departed-etcd-member.js';
import { departedServiceHandler } from '../../../cli/resources/departed-service.js';
import type { DepartedEtcdMemberResource, DepartedServiceResource, MemberKeyResource } from '../../../cli/resources/desired-resource.js';
import { memberKeyHandler } from '../../../cli/resources/member-key.js';
import type { ApplyContext } from '../../../cli/resources/resource-handler.js';
import type { ClusterMember, EtcdMember } from '../../../cli/transport/cluster-access.js';
import { recordingTransport } from './recording-transport.js';

/** An apply context whose waits poll their probe a few times, recording what happens to the cluster. */
function fakeContext(cluster: Record<string, unknown>) {
  const commands: string[] = [];
  const context = {
    transport: recordingTransport(commands),
    cluster,
    waitHealthy: async () => true,
    waitUntil: async (_what: string, probe: () => Promise<{ ok: boolean }>) => {
      for (let i = 0; i < 5; i++) if ((await probe()).ok) return true;
      return false;
    },
  } as unknown as ApplyContext;
  return { context, commands };
}

const base = { id: 'x', stage: 'host' as const, after: [] as string[] };

describe('taking a departed host out', () => {
  it("hands a leader's role over to a host of the spec before its agent stops", async () => {
    let members: ClusterMember[] = [
      { name: 'c4', role: 'leader', state: 'running' },
      { name: 'c5', role: 'replica', state: 'streaming', lag: 0 },
      { name: 'c2', role: 'replica', state: 'streaming', lag: 10 },
    ];
    const calls: string[] = [];
    const { context, commands } = fakeContext({
      members: async () => members,
      callAgents: async (method: string, path: string, body: { candidate: string }) => {
        calls.push(`${method} ${path} ${JSON.stringify(body)}`);
        members = members.map((m) => (m.name === body.candidate ? { ...m, role: 'leader', state: 'running' } : { ...m, role: 'replica' }));
        return { member: 'c4', answer: { status: 200, text: 'switched over' } };
      },
    });
    const resource: DepartedServiceResource = { ...base, host: 'c4', kind: 'departed_service', unit: 'pgha-agent.service', dataDirs: ['/var/lib/postgresql/15/main'], purge: false, handOverTo: ['c1', 'c2', 'c3'] };
    const remark = await departedServiceHandler.apply(resource, { state: 'reachable', enabled: 'enabled', active: 'active', dataDirs: resource.dataDirs, leads: true }, context);
    // c5 lags less but leaves too: the spec's c2 takes over.
    expect(calls).toEqual(['POST /switchover {"leader":"c4","candidate":"c2"}']);
    expect(commands).toEqual(['c4: systemctl disable --now pgha-agent.service']);
    expect(remark).toBe('switched over to c2; stopped and disabled');
  });

  it('deletes the data directories only with --purge-data', async () => {
    const { context, commands } = fakeContext({ members: async () => [] });
    const resource: DepartedServiceResource = { ...base, host: 'c4', kind: 'departed_service', unit: 'etcd.service', dataDirs: ['/var/lib/etcd'], purge: true };
    await departedServiceHandler.apply(resource, { state: 'reachable', enabled: 'enabled', active: 'active', dataDirs: ['/var/lib/etcd'], leads: false }, context);
    expect(commands).toEqual(['c4: systemctl disable --now etcd.service', 'c4: rm -rf --one-file-system -- /var/lib/etcd']);
  });

  it('keeps the member key of a member that still leads (its host could not be reached), and else waits for the leader to drop its slot', async () => {
    const resource: MemberKeyResource = { ...base, host: 'cluster', kind: 'member_key', name: 'c4', key: '/service/lab/members/c4', slot: 'c4' };
    const deleted: string[] = [];
    const leading = fakeContext({ members: async () => [{ name: 'c4', role: 'leader', state: 'running' }], deleteMemberKey: async (name: string) => deleted.push(name) });
    await expect(memberKeyHandler.apply(resource, { key: true, slot: true }, leading.context)).rejects.toThrow('c4 still leads the cluster, so its member key was kept');
    expect(deleted).toEqual([]);
    let slotQueries = 0;
    const session = { leader: 'c1', query: async () => (++slotQueries < 3 ? [{ '?column?': 1 }] : []) };
    const stopped = fakeContext({ members: async () => [{ name: 'c1', role: 'leader', state: 'running' }], deleteMemberKey: async (name: string) => deleted.push(name), sql: async () => session });
    expect(await memberKeyHandler.apply(resource, { key: true, slot: true }, stopped.context)).toBe('member key deleted, replication slot c4 dropped');
    expect(deleted).toEqual(['c4']);
    expect(slotQueries).toBe(3);
  });

  it('removes an etcd member only once the members without it hold a quorum', async () => {
    const member = (name: string): EtcdMember => ({ name, peerUrls: [`https://10.0.0.${name.slice(1)}:2380`] });
    const resource: DepartedEtcdMemberResource = { ...base, host: 'cluster', kind: 'departed_etcd_member', name: 'c4', peerUrl: 'https://10.0.0.4:2380', staying: ['c1', 'c2', 'c3', 'c5'].map((name) => ({ name, client: `10.0.0.${name.slice(1)}:2379` })) };
    const removed: string[] = [];
    let silent = ['10.0.0.1:2379', '10.0.0.2:2379', '10.0.0.3:2379'];
    const { context } = fakeContext({
      etcdMembers: async () => ['c1', 'c2', 'c3', 'c4', 'c5'].map(member),
      // Each look finds one more answering: c1 and c5 (2), then c1, c2 and c5 (3, a quorum of five without c4).
      etcdSilentMembers: async () => (silent = silent.slice(1)),
      removeEtcdMember: async (name: string) => removed.push(name),
    });
    expect(await departedEtcdMemberHandler.apply(resource, ['c1', 'c2', 'c3', 'c4', 'c5'].map(member), context)).toBe('removed; 4 etcd members left');
    expect(removed).toEqual(['c4']);
    expect(silent).toEqual(['10.0.0.3:2379']);
  });
});
