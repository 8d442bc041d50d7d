// A kernel module loaded now (its files under /etc make it load at boot). A container shares its
// host's kernel and cannot load modules: that is reported plainly, not retried on every run.
import { commandFailed, type ResourceHandler } from './resource-handler.js';
import type { KernelModuleResource } from './desired-resource.js';

export interface ObservedModule {
  loaded: boolean;
  /** Set when this host cannot load modules at all (a container). */
  container?: string;
}

export const kernelModuleHandler: ResourceHandler<KernelModuleResource, ObservedModule> = {
  async read(resource, context) {
    const transport = context.transport(resource.host);
    const loaded = (await transport.query(['test', '-d', `/sys/module/${resource.name}`])).exitCode === 0;
    const virt = (await transport.query(['systemd-detect-virt', '--container'])).stdout.trim();
    return virt && virt !== 'none' ? { loaded, container: virt } : { loaded };
  },

  diff(resource, observed) {
    if (observed.loaded || observed.container) return undefined;
    return { action: 'create', details: [`modprobe ${resource.name}`], values: { before: null, after: { name: resource.name, required: resource.required } } };
  },

  notice(resource, observed) {
    if (observed.loaded || !observed.container) return undefined;
    return `${resource.host} is a container (${observed.container}) and cannot load the ${resource.name} module: the agent there runs without a watchdog`;
  },

  async apply(resource, _observed, context) {
    const result = await context.transport(resource.host).run(['modprobe', resource.name]);
    if (result.exitCode === 0) return undefined;
    const failure = commandFailed(resource.host, `modprobe ${resource.name}`, result);
    if (resource.required) throw failure;
    return `${failure.message}; the watchdog stays unavailable there (watchdog.mode automatic)`;
  },
};
