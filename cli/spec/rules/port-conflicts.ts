import type { DocPath } from '../../../agent/contract/document/doc-path.js';
import type { ClusterSpec } from '../../../agent/contract/schema-types.js';
import type { Role } from '../host-roles.js';
import { error, type Finding, type SpecRule } from './spec-rule.js';

interface Listener {
  port: number;
  path: DocPath;
}

function listenersOf(spec: ClusterSpec, role: Role): Listener[] {
  switch (role) {
    case 'postgres':
      return [
        { port: spec.postgres.port, path: ['postgres', 'port'] },
        { port: spec.agent.rest_port, path: ['agent', 'rest_port'] },
      ];
    case 'etcd':
      return [
        { port: spec.etcd.client_port, path: ['etcd', 'client_port'] },
        { port: spec.etcd.peer_port, path: ['etcd', 'peer_port'] },
      ];
    case 'haproxy':
      return [
        { port: spec.haproxy.primary_port, path: ['haproxy', 'primary_port'] },
        { port: spec.haproxy.replica_port, path: ['haproxy', 'replica_port'] },
        { port: spec.haproxy.stats_port, path: ['haproxy', 'stats_port'] },
      ];
  }
}

const ROLE_ORDER: readonly Role[] = ['postgres', 'etcd', 'haproxy'];

export const portConflicts: SpecRule = {
  name: 'port-conflict',
  check(spec) {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const host of spec.hosts) {
      const taken = new Map<number, string>();
      const roles = ROLE_ORDER.filter((role) => host.roles.includes(role));
      for (const { port, path } of roles.flatMap((role) => listenersOf(spec, role))) {
        const setting = path.join('.');
        const other = taken.get(port);
        if (other === undefined) {
          taken.set(port, setting);
          continue;
        }
        const key = `${other}\0${setting}`;
        if (reported.has(key)) continue;
        reported.add(key);
        findings.push(error(path, `${setting} and ${other} are both port ${port}, and host ${host.name} runs both`));
      }
    }
    return findings;
  },
};
