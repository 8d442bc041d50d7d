// A Debian package, installed with apt-get (at a pinned version when the spec gives one).
import type { Transport } from '../transport/transport.js';
import { commandFailed, mustRun, type ResourceHandler } from './resource-handler.js';
import type { PackageResource } from './desired-resource.js';

export interface ObservedPackage {
  installed: boolean;
  version?: string;
}

/** apt can hang for good (a method waiting on a pipe that never speaks): every run is bounded. */
const bounded = (seconds: number, argv: readonly string[]): string[] => ['timeout', '--kill-after=10', String(seconds), 'env', 'DEBIAN_FRONTEND=noninteractive', ...argv];

const APT_INSTALL_SECONDS = 600;
const APT_UPDATE_SECONDS = 120;
const APT_UPDATE_ATTEMPTS = 3;
/** timeout's exit status when it stopped the command (TERM), or killed it after --kill-after. */
const TIMED_OUT = new Set([124, 137]);

const APT_INSTALL = ['apt-get', 'install', '-y', '-q', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

async function updatePackageLists(transport: Transport): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const result = await transport.run(bounded(APT_UPDATE_SECONDS, ['apt-get', 'update', '-q']));
    if (result.exitCode === 0) return;
    if (!TIMED_OUT.has(result.exitCode) || attempt === APT_UPDATE_ATTEMPTS) {
      const why = TIMED_OUT.has(result.exitCode) ? ` (stopped after ${APT_UPDATE_SECONDS} s, ${attempt} times)` : '';
      throw commandFailed(transport.host, `apt-get update${why}`, result);
    }
  }
}

export const packageHandler: ResourceHandler<PackageResource, ObservedPackage> = {
  async read(resource, context) {
    const result = await context.transport(resource.host).query(['dpkg-query', '-W', '-f', '${Status}\t${Version}', resource.name]);
    const [status = '', version = ''] = result.stdout.split('\t');
    return result.exitCode === 0 && status.endsWith(' installed') ? { installed: true, version } : { installed: false };
  },

  diff(resource, observed) {
    const after = { name: resource.name, version: resource.version ?? null };
    if (!observed.installed) return { action: 'create', details: [`install ${resource.name}${resource.version ? ` ${resource.version}` : ''}`], values: { before: null, after } };
    if (resource.version && observed.version !== resource.version) {
      return { action: 'update', details: [`version ${observed.version} → ${resource.version}`], values: { before: { name: resource.name, version: observed.version ?? null }, after } };
    }
    return undefined;
  },

  async apply(resource, _observed, context) {
    const transport = context.transport(resource.host);
    const argv = bounded(APT_INSTALL_SECONDS, [...APT_INSTALL, resource.version ? `${resource.name}=${resource.version}` : resource.name]);
    const first = await transport.run(argv);
    if (first.exitCode === 0) return undefined;
    // A host fresh from its image has stale or no package lists: refresh them and retry once.
    await updatePackageLists(transport);
    await mustRun(transport, argv, `apt-get install ${resource.name}`);
    return undefined;
  },
};
