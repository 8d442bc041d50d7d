// A file's content, mode and owner. A new version is written beside the old one, checked when the
// resource has a check command, then renamed over it, so readers never see half a file. A plan
// shows the content with its secrets masked where the resource says they are, and none of a file
// that holds a private key.
import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import { maskedYaml } from '../desired/secret-yaml.js';
import type { ObservedFile } from '../transport/transport.js';
import { mustRun, outputTail, type ResourceHandler, type StateValues } from './resource-handler.js';
import { runServiceAction } from './service.js';
import type { FileResource } from './desired-resource.js';
import { attributeChanges, attributeValues, type ObservedAttributes } from './file-attributes.js';

/** Writes stdin to $1 (a new file beside the one it replaces) with owner $2 and mode $3. */
export const WRITE_SCRIPT = 'set -e; mkdir -p "$(dirname "$1")"; umask 077; cat >"$1"; chown "$2" "$1"; chmod "$3" "$1"';

function contentDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(path, path, before, after, undefined, undefined, { context: 3 })
    .split('\n')
    .slice(2)
    .join('\n')
    .trimEnd();
}

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** A version of the file's content as a plan may show it; undefined when none of it may be shown. */
function shown(content: string, resource: FileResource): string | undefined {
  if (PRIVATE_KEY.test(content)) return undefined;
  return resource.secretPaths ? maskedYaml(content, resource.secretPaths) : content;
}

/** A version of the file as data: its digest is of the text a plan may show, so it is no oracle for a secret. */
function fileValues(resource: FileResource, file: ObservedAttributes & { content: string }): StateValues {
  const visible = shown(file.content, resource);
  const sha256 = visible === undefined ? null : createHash('sha256').update(visible).digest('hex');
  return { path: resource.path, ...attributeValues(file), sha256, sensitive: visible !== file.content };
}

export const fileHandler: ResourceHandler<FileResource, ObservedFile | null> = {
  async read(resource, context) {
    return (await context.transport(resource.host).readFile(resource.path)) ?? null;
  },

  diff(resource, observed) {
    const values = { before: observed && fileValues(resource, observed), after: fileValues(resource, resource) };
    const after = shown(resource.content, resource);
    if (observed === null) {
      const attributes = `mode ${resource.mode}, owner ${resource.owner}:${resource.group}`;
      return after === undefined ? { action: 'create', details: [attributes, 'content (sensitive)'], values } : { action: 'create', details: [attributes], diff: contentDiff(resource.path, '', after), values };
    }
    const details = attributeChanges(resource, observed);
    if (observed.content !== resource.content) {
      const before = shown(observed.content, resource);
      if (before === undefined || after === undefined) details.push('content changed (sensitive)');
      else if (before === after) details.push('content: a secret changed (sensitive)');
      else return { action: 'update', details, diff: contentDiff(resource.path, before, after), values };
    }
    return details.length > 0 ? { action: 'update', details, values } : undefined;
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
        // The check's output may quote the file, and a file that holds secrets is never shown.
        const output = shown(resource.content, resource) === resource.content ? outputTail(check) : 'its output is not shown, since the file holds secrets';
        throw new Error(`${resource.host}: the new ${resource.path} failed its check (${resource.check[0]}), the old one stays: ${output}`);
      }
    }
    await mustRun(transport, ['mv', '-f', next, resource.path], `renaming ${next}`);
    if (resource.daemonReload) await mustRun(transport, ['systemctl', 'daemon-reload'], 'systemctl daemon-reload');
    if (resource.onChange) await runServiceAction(context, resource.host, resource.onChange);
    return undefined;
  },
};
