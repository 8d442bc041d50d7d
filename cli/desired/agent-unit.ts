// pgha-agent.service: the agent runs as postgres and stops PostgreSQL itself on SIGTERM, so only
// the main process gets it (KillMode=mixed). A crashed agent comes back only after its leader key
// has expired (RestartSec = ttl), so a primary whose agent and PostgreSQL died is replaced by a
// replica and rejoins as one, instead of reclaiming the key it still names. With a virtual address
// the agent may change the host's addresses and send ARP (ambient capabilities, as postgres), and
// systemd removes the address once the agent is gone, however it ended, so a killed leader's host
// does not keep it while another takes it.
import type { ClusterSpec, Host } from '../../agent/contract/schema-types.js';

export const AGENT_UNIT = 'pgha-agent.service';
export const AGENT_CONFIG_PATH = '/etc/pgha/agent.yaml';
export const AGENT_UNIT_PATH = `/etc/systemd/system/${AGENT_UNIT}`;

function vipLines(spec: ClusterSpec): string {
  const vip = spec.routing.vip;
  if (!vip) return '';
  return `AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW
ExecStopPost=-+/usr/sbin/ip addr del ${vip.address} dev ${vip.interface}
`;
}

export function agentUnitFile(spec: ClusterSpec, host: Host, releaseLink: string): string {
  return `# Written by pgha apply.
[Unit]
Description=pgha-agent: highly available PostgreSQL (cluster ${spec.metadata.name}, member ${host.name})
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=postgres
Group=postgres
ExecStart=/usr/bin/node ${releaseLink}/pgha-agent.mjs --config ${AGENT_CONFIG_PATH}
Restart=on-failure
RestartSec=${spec.dcs.ttl}s
KillMode=mixed
TimeoutStopSec=120
LimitNOFILE=65536
${vipLines(spec)}
[Install]
WantedBy=multi-user.target
`;
}
