// A directory with its mode and owner.
import { mustRun, type ResourceHandler } from './resource-handler.js';
import type { DirectoryResource } from './desired-resource.js';
import { attributeChanges, attributeValues, type ObservedAttributes } from './file-attributes.js';

export const directoryHandler: ResourceHandler<DirectoryResource, ObservedAttributes | null> = {
  async read(resource, context) {
    const result = await context.transport(resource.host).query(['stat', '-c', '%F %a %U %G', resource.path]);
    if (result.exitCode !== 0) return null;
    const [, mode = '', owner = '', group = ''] = result.stdout.trim().match(/^directory (\S+) (\S+) (\S+)$/) ?? [];
    return { mode, owner, group };
  },

  diff(resource, observed) {
    const values = { before: observed && { path: resource.path, ...attributeValues(observed) }, after: { path: resource.path, ...attributeValues(resource) } };
    if (observed === null) return { action: 'create', details: [`mode ${resource.mode}, owner ${resource.owner}:${resource.group}`], values };
    const details = attributeChanges(resource, observed);
    return details.length > 0 ? { action: 'update', details, values } : undefined;
  },

  async apply(resource, _observed, context) {
    const { path, mode, owner, group } = resource;
    await mustRun(context.transport(resource.host), ['install', '-d', '-m', mode, '-o', owner, '-g', group, path], `creating ${path}`);
    return undefined;
  },
};
