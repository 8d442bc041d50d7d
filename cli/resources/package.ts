// A Debian package, installed with apt-get (at a pinned version when the spec gives one).
import { mustRun, type ResourceHandler } from './resource-handler.js';
import type { PackageResource } from './desired-resource.js';

export interface ObservedPackage {
  installed: boolean;
  version?: string;
}

const APT_INSTALL = [
  'env', 'DEBIAN_FRONTEND=noninteractive',
  'apt-get', 'install', '-y', '-q', '--no-install-recommends',
  '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold',
];

export const packageHandler: ResourceHandler<PackageResource, ObservedPackage> = {
  async read(resource, context) {
    const result = await context.transport(resource.host).query(['dpkg-query', '-W', '-f', '${Status}\t${Version}', resource.name]);
    const [status = '', version = ''] = result.stdout.split('\t');
    return result.exitCode === 0 && status.endsWith(' installed') ? { installed: true, version } : { installed: false };
  },

  diff(resource, observed) {
    if (!observed.installed) return { action: 'create', details: [`install ${resource.name}${resource.version ? ` ${resource.version}` : ''}`] };
    if (resource.version && observed.version !== resource.version) {
      return { action: 'update', details: [`version ${observed.version} → ${resource.version}`] };
    }
    return undefined;
  },

  async apply(resource, _observed, context) {
    const transport = context.transport(resource.host);
    const argv = [...APT_INSTALL, resource.version ? `${resource.name}=${resource.version}` : resource.name];
    const first = await transport.run(argv);
    if (first.exitCode === 0) return undefined;
    // A host fresh from its image has stale or no package lists: refresh them once and retry.
    await mustRun(transport, ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-q'], 'apt-get update');
    await mustRun(transport, argv, `apt-get install ${resource.name}`);
    return undefined;
  },
};
