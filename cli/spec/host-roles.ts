// Which hosts play which role.
import type { ClusterSpec, Host } from '../../agent/contract/schema-types.js';

export type Role = Host['roles'][number];

export interface IndexedHost {
  host: Host;
  /** Position in `hosts`, for pointing at it in the file. */
  index: number;
}

export function hostsWithRole(spec: ClusterSpec, role: Role): IndexedHost[] {
  return spec.hosts.map((host, index) => ({ host, index })).filter(({ host }) => host.roles.includes(role));
}
