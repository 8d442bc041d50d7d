// What apply does about hosts dropped from the spec, as resources in apply's order: on each, the
// agent stops (a leader hands over first) in the host stage, before HAProxy and the agents'
// restarts; its member key goes once its agent has stopped; in the etcd stage its etcd member is
// removed after the members this apply adds have joined, then its etcd stops. Pure.
import { dcsLayout } from '../../agent/contract/dcs-layout.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { slotNameFor } from '../../agent/contract/slot-name.js';
import type { DepartedHost } from '../engine/departed-hosts.js';
import { ETCD_RESTART_ID, ETCD_UNIT } from '../engine/etcd-restart.js';
import { CLUSTER, type DesiredResource } from '../resources/desired-resource.js';
import { hostsWithRole } from '../spec/host-roles.js';
import { withVersion } from './agent-config.js';
import { AGENT_UNIT } from './agent-unit.js';

export interface Departures {
  hosts: readonly DepartedHost[];
  /** Why a departed host could not be reached over SSH, by name. */
  unreachable: ReadonlyMap<string, string>;
  /** --purge-data: their data directories are deleted, not left in place. */
  purge: boolean;
}

interface ServicePart {
  unit: string;
  dataDirs: string[];
  stage: 'host' | 'etcd';
  after: string[];
  handOverTo?: string[];
}

function departedService(host: DepartedHost, departures: Departures, part: ServicePart): DesiredResource {
  const reason = departures.unreachable.get(host.name);
  return {
    id: `${host.name}/service/${part.unit}`,
    host: host.name,
    kind: 'departed_service',
    ...part,
    purge: departures.purge,
    ...(reason !== undefined && { unreachable: reason }),
  };
}

/** The resources that take the departed hosts out; `specResources` are the spec's own (adds come before removals). */
export function departedResources(spec: ClusterSpec, departures: Departures, specResources: readonly DesiredResource[]): DesiredResource[] {
  const layout = dcsLayout(spec.metadata.namespace, spec.metadata.name);
  const postgresHosts = hostsWithRole(spec, 'postgres').map(({ host }) => host.name);
  const staying = hostsWithRole(spec, 'etcd').map(({ host }) => ({ name: host.name, client: `${host.address}:${spec.etcd.client_port}` }));
  const joins = specResources.filter((r) => r.kind === 'etcd_member').map((r) => r.id);
  const resources: DesiredResource[] = [];
  const agents: string[] = [];
  const keys: string[] = [];
  for (const host of departures.hosts) {
    const agent = departedService(host, departures, { unit: AGENT_UNIT, dataDirs: [withVersion(spec.postgres.data_dir, spec)], stage: 'host', after: [], handOverTo: postgresHosts });
    agents.push(agent.id);
    resources.push(agent);
    if (host.memberKey) {
      const key: DesiredResource = { id: `${CLUSTER}/member_key/${host.name}`, host: CLUSTER, kind: 'member_key', name: host.name, key: layout.member(host.name), slot: slotNameFor(host.name), stage: 'host', after: [agent.id] };
      keys.push(key.id);
      resources.push(key);
    }
  }
  for (const host of departures.hosts) {
    const member = host.etcdMember;
    const removal: DesiredResource[] = member
      ? [{ id: `${CLUSTER}/etcd_member/${host.name}`, host: CLUSTER, kind: 'departed_etcd_member', name: host.name, peerUrl: member.peerUrls[0] ?? '', staying, stage: 'etcd', after: [...joins, ETCD_RESTART_ID, ...agents, ...keys] }]
      : [];
    resources.push(...removal);
    resources.push(departedService(host, departures, { unit: ETCD_UNIT, dataDirs: [spec.etcd.data_dir], stage: 'etcd', after: removal.map((r) => r.id) }));
  }
  return resources;
}
