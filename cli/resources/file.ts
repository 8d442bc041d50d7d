// A file's content, mode and owner. A new version is written beside the old one, checked when the
// resource has a check command, then renamed over it, so readers never see half a file.
import { createTwoFilesPatch } from 'diff';
import type { ObservedFile } from '../transport/transport.js';
import { mustRun, outputTail, type ResourceHandler } from './resource-handler.js';
import { runServiceAction } from './service.js';
import type { FileResource } from './desired-resource.js';
import { attributeChanges } from './file-attributes.js';

const WRITE_SCRIPT = 'set -e; mkdir -p "$(dirname "$1")"; umask 077; cat >"$1"; chown "$2" "$1"; chmod "$3" "$1"';

function contentDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(path, path, before, after, undefined, undefined, { context: 3 })
    .split('\n')
    .slice(2)
    .join('\n')
    .trimEnd();
}

export const fileHandler: ResourceHandler<FileResource, ObservedFile | null> = {
  async read(resource, context) {
    return (await context.transport(resource.host).readFile(resource.path)) ?? null;
  },

  diff(resource, observed, mask) {
    const after = mask(resource.content);
    if (observed === null) return { action: 'create', details: [`mode ${resource.mode}, owner ${resource.owner}:${resource.group}`], diff: contentDiff(resource.path, '', after) };
    const details = attributeChanges(resource, observed);
    if (observed.content !== resource.content) {
      const before = mask(observed.content);
      if (before === after) details.push('content: a secret changed (sensitive)');
      else return { action: 'update', details, diff: contentDiff(resource.path, before, after) };
    }
    return details.length > 0 ? { action: 'update', details } : undefined;
  },

  async apply(resource, _observed, context) {
    const transport = context.transport(resource.host);
    const next = `${resource.path}.pgha-new`;
    const owner = `${resource.owner}:${resource.group}`;
    await mustRun(transport, ['sh', '-c', WRITE_SCRIPT, 'pgha-write', next, owner, resource.mode], `writing ${resource.path}`, Buffer.from(resource.content));
    if (resource.check) {
      const check = await transport.run(resource.check.map((arg) => (arg === '{}' ? next : arg)));
      if (check.exitCode !== 0) {
        await transport.run(['rm', '-f', next]);
        throw new Error(`${resource.host}: the new ${resource.path} failed its check (${resource.check[0]}), the old one stays: ${outputTail(check)}`);
      }
    }
    await mustRun(transport, ['mv', '-f', next, resource.path], `renaming ${next}`);
    if (resource.daemonReload) await mustRun(transport, ['systemctl', 'daemon-reload'], 'systemctl daemon-reload');
    if (resource.onChange) await runServiceAction(context, resource.host, resource.onChange);
    return undefined;
  },
};
