// /etc/haproxy/haproxy.cfg: one port that reaches the primary and one that spreads reads over
// the replicas, each server checked against its agent's /primary or /replica (over HTTPS,
// verifying the agent's certificate with the cluster CA, unless the spec opts out).
import { parseDuration } from '../../agent/contract/pg-units.js';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { hostsWithRole } from '../spec/host-roles.js';

export const HAPROXY_CONFIG_PATH = '/etc/haproxy/haproxy.cfg';

function servers(spec: ClusterSpec, caFile: string | undefined): string {
  const tls = caFile === undefined ? '' : ` check-ssl verify required ca-file ${caFile}`;
  return hostsWithRole(spec, 'postgres')
    .map(({ host }) => `    server ${host.name} ${host.address}:${spec.postgres.port} check port ${spec.agent.rest_port}${tls}`)
    .join('\n');
}

function section(name: string, port: number, check: string, spec: ClusterSpec, balance: string, caFile: string | undefined): string {
  return `listen ${name}
    bind *:${port}
    ${balance}
    option httpchk GET ${check}
    http-check expect status 200
${servers(spec, caFile)}
`;
}

/** `caFile`: the CA the agents' certificates are checked with; without it, the checks use plain HTTP. */
export function haproxyConfigFile(spec: ClusterSpec, caFile: string | undefined): string {
  const interMs = parseDuration(spec.haproxy.check_interval) ?? 1000;
  return `# Written by pgha apply from the cluster spec (cluster ${spec.metadata.name}).
global
    maxconn ${spec.haproxy.max_connections}
    log /dev/log local0

defaults
    mode tcp
    log global
    retries 2
    timeout connect 4s
    timeout client 30m
    timeout server 30m
    timeout check 2s
    default-server inter ${interMs}ms fall ${spec.haproxy.fall} rise ${spec.haproxy.rise} on-marked-down shutdown-sessions

listen stats
    mode http
    bind *:${spec.haproxy.stats_port}
    stats enable
    stats uri /

${section('primary', spec.haproxy.primary_port, '/primary', spec, 'balance first', caFile)}
${section('replicas', spec.haproxy.replica_port, '/replica', spec, 'balance roundrobin', caFile)}`;
}
