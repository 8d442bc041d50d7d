// The PostgreSQL clusters Debian's packaging runs (pg_lsclusters): none may run or start at boot,
// since only the agent starts PostgreSQL. pgha never creates one (createcluster.conf), so this
// finds only clusters made by hand or before pgha.
import { mustRun, type ResourceHandler } from './resource-handler.js';
import type { DistroClustersResource } from './desired-resource.js';

interface DistroCluster {
  version: string;
  name: string;
  online: boolean;
  startMode: string;
}

export const distroClustersHandler: ResourceHandler<DistroClustersResource, DistroCluster[]> = {
  async read(resource, context) {
    const transport = context.transport(resource.host);
    const listed = await transport.query(['pg_lsclusters', '--no-header']);
    if (listed.exitCode !== 0) return [];
    const clusters: DistroCluster[] = [];
    for (const line of listed.stdout.split('\n').filter((l) => l.trim())) {
      const [version = '', name = '', , status = ''] = line.trim().split(/\s+/);
      const start = await transport.readFile(`/etc/postgresql/${version}/${name}/start.conf`);
      const startMode = start?.content.split('\n').find((l) => l.trim() && !l.trim().startsWith('#'))?.trim() ?? 'auto';
      clusters.push({ version, name, online: status.startsWith('online'), startMode });
    }
    return clusters;
  },

  diff(_resource, observed) {
    const details = observed.flatMap((c) => [
      ...(c.online ? [`stop the distribution's cluster ${c.version}/${c.name}`] : []),
      ...(c.startMode !== 'disabled' ? [`disable the distribution's cluster ${c.version}/${c.name} (start.conf)`] : []),
    ]);
    if (details.length === 0) return undefined;
    const cluster = (c: DistroCluster) => ({ version: c.version, name: c.name, online: c.online, start_mode: c.startMode });
    return { action: 'update', details, values: { before: { clusters: observed.map(cluster) }, after: { clusters: observed.map((c) => cluster({ ...c, online: false, startMode: 'disabled' })) } } };
  },

  async apply(resource, observed, context) {
    const transport = context.transport(resource.host);
    for (const c of observed) {
      if (c.online) await mustRun(transport, ['pg_ctlcluster', c.version, c.name, 'stop'], `stopping cluster ${c.version}/${c.name}`);
      const startConf = `/etc/postgresql/${c.version}/${c.name}/start.conf`;
      await mustRun(transport, ['sh', '-c', 'echo disabled >"$1"', 'pgha-disable', startConf], `disabling cluster ${c.version}/${c.name}`);
    }
    return undefined;
  },
};
