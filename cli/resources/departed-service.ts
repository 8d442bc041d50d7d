// A service on a host dropped from the spec: pgha-agent (a leader hands over first; PostgreSQL
// stops with its agent) or etcd (once its member has been removed), stopped and disabled. Its
// data directory stays unless the plan was made with --purge-data.
import { switchOver } from '../restart/switchover.js';
import { LEADER_ROLES } from '../transport/cluster-access.js';
import type { DepartedServiceResource } from './desired-resource.js';
import { mustRun, type ResourceHandler } from './resource-handler.js';
import { serviceValues } from './service.js';

export type ObservedDepartedService =
  | { state: 'unreachable' }
  | {
      state: 'reachable';
      /** `systemctl is-enabled` and `is-active`, as for a service of the spec. */
      enabled: string;
      active: string;
      /** Its data directories that exist. */
      dataDirs: string[];
      /** Whether its member leads the cluster (the agent only). */
      leads: boolean;
    };

const runs = (observed: { enabled: string; active: string }): boolean => observed.enabled === 'enabled' || observed.active === 'active' || observed.active === 'activating';

async function leads(resource: DepartedServiceResource, members: Promise<{ name: string; role: string }[] | undefined>): Promise<boolean> {
  if (!resource.handOverTo) return false;
  return ((await members) ?? []).some((m) => m.name === resource.host && LEADER_ROLES.has(m.role));
}

export const departedServiceHandler: ResourceHandler<DepartedServiceResource, ObservedDepartedService> = {
  async read(resource, context) {
    if (resource.unreachable !== undefined) return { state: 'unreachable' };
    const transport = context.transport(resource.host);
    const [enabled, active, ...dirs] = await Promise.all([
      transport.query(['systemctl', 'is-enabled', resource.unit]),
      transport.query(['systemctl', 'is-active', resource.unit]),
      ...resource.dataDirs.map((dir) => transport.query(['test', '-d', dir])),
    ]);
    return {
      state: 'reachable',
      enabled: enabled.stdout.trim() || 'not-found',
      active: active.stdout.trim() || 'unknown',
      dataDirs: resource.dataDirs.filter((_, index) => dirs[index]?.exitCode === 0),
      leads: await leads(resource, context.cluster.members()),
    };
  },

  notice(resource) {
    if (resource.unreachable === undefined) return undefined;
    return `${resource.host} is no longer in the spec but could not be reached over SSH (${resource.unreachable}): its member key and etcd member are removed all the same, while whatever still runs there (pgha-agent, PostgreSQL, etcd) stays as it is until you stop it`;
  },

  diff(resource, observed) {
    if (observed.state === 'unreachable') return undefined;
    const stopping = runs(observed);
    const purging = resource.purge ? observed.dataDirs : [];
    if (!stopping && purging.length === 0) return undefined;
    const details: string[] = [];
    if (observed.leads) details.push(`the leader runs here: first a switchover to the streaming replica with the least lag`);
    if (stopping) details.push(`systemctl disable --now ${resource.unit}${resource.handOverTo ? ' (PostgreSQL stops with its agent)' : ' (after its etcd member is removed)'}`);
    for (const dir of observed.dataDirs) {
      details.push(resource.purge ? `data directory ${dir} deleted (--purge-data)` : `data directory ${dir} left in place (plan and apply with --purge-data delete it)`);
    }
    return { action: 'delete', details, values: { before: { ...serviceValues(resource.unit, observed), data_dirs: observed.dataDirs, leader: observed.leads }, after: null } };
  },

  async apply(resource, observed, context) {
    if (observed.state === 'unreachable') return undefined;
    const transport = context.transport(resource.host);
    const remarks: string[] = [];
    if (await leads(resource, context.cluster.members())) {
      const staying = new Set(resource.handOverTo);
      const to = await switchOver(context.cluster, context, resource.host, { eligible: (name) => staying.has(name), otherwise: `start a replica on a host of the spec, or take ${resource.host} out later` });
      remarks.push(`switched over to ${to}`);
    }
    if (observed.enabled !== 'not-found') {
      await mustRun(transport, ['systemctl', 'disable', '--now', resource.unit], `systemctl disable --now ${resource.unit}`);
      remarks.push('stopped and disabled');
    }
    if (resource.purge) {
      for (const dir of resource.dataDirs) await mustRun(transport, ['rm', '-rf', '--one-file-system', '--', dir], `rm -rf ${dir}`);
      if (resource.dataDirs.length > 0) remarks.push(`deleted ${resource.dataDirs.join(', ')}`);
    }
    return remarks.join('; ');
  },
};
