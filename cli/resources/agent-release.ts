// The pgha-agent release folder under /opt/pgha/releases/, uploaded once per version and digest,
// checked file by file against its SHA256SUMS on the host, then made current by one rename of
// the /opt/pgha/agent symlink.
import { mustRun, type ResourceHandler } from './resource-handler.js';
import type { AgentReleaseResource } from './desired-resource.js';

export const RELEASE_LINK = '/opt/pgha/agent';
const RELEASE_FILE = `${RELEASE_LINK}/RELEASE`;

const INSTALL_SCRIPT = [
  'set -e',
  'dir=/opt/pgha/releases/$1',
  'rm -rf "$dir.new" && mkdir -p "$dir.new"',
  'tar -xzf - -C "$dir.new"',
  '(cd "$dir.new" && sha256sum --quiet --strict -c SHA256SUMS)',
  '[ "$(sha256sum <"$dir.new/SHA256SUMS" | cut -d" " -f1)" = "$2" ] || { echo "SHA256SUMS digest mismatch" >&2; exit 1; }',
  'printf "%s %s\\n" "$3" "$2" >"$dir.new/RELEASE"',
  'chmod -R go-w "$dir.new" && rm -rf "$dir" && mv "$dir.new" "$dir"',
  'ln -sfn "releases/$1" /opt/pgha/agent.new && mv -T /opt/pgha/agent.new /opt/pgha/agent',
].join('\n');

export function releaseName(resource: Pick<AgentReleaseResource, 'version' | 'digest'>): string {
  return `${resource.version}-${resource.digest.slice(0, 12)}`;
}

export const agentReleaseHandler: ResourceHandler<AgentReleaseResource, { release: string | null }> = {
  async read(resource, context) {
    const file = await context.transport(resource.host).readFile(RELEASE_FILE);
    return { release: file ? file.content.trim() : null };
  },

  diff(resource, observed) {
    const wanted = `${resource.version} ${resource.digest}`;
    if (observed.release === wanted) return undefined;
    const target = `pgha-agent ${resource.version} (sha256 ${resource.digest.slice(0, 12)}) in /opt/pgha/releases/${releaseName(resource)}`;
    const after = { version: resource.version, sha256: resource.digest };
    if (observed.release === null) return { action: 'create', details: [`install ${target}`], values: { before: null, after } };
    const [version = '?', digest = ''] = observed.release.split(' ');
    return { action: 'update', details: [`replace pgha-agent ${version} (sha256 ${digest.slice(0, 12)}) with ${target}`], values: { before: { version, sha256: digest }, after } };
  },

  async apply(resource, _observed, context) {
    const transport = context.transport(resource.host);
    const archive = await context.agentArchive();
    await mustRun(transport, ['sh', '-c', INSTALL_SCRIPT, 'pgha-release', releaseName(resource), resource.digest, resource.version], 'installing the agent release', archive);
    return undefined;
  },
};
