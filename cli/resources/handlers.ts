// Every kind of resource and its handler.
import type { DesiredResource, ResourceKind } from './desired-resource.js';
import type { ResourceHandler } from './resource-handler.js';
import { agentReleaseHandler } from './agent-release.js';
import { agentSettleHandler } from './agent-settle.js';
import { dcsConfigHandler } from './dcs-config.js';
import { directoryHandler } from './directory.js';
import { distroClustersHandler } from './distro-clusters.js';
import { etcdAuthHandler } from './etcd-auth.js';
import { etcdMemberHandler } from './etcd-member.js';
import { etcdTlsCutoverHandler } from './etcd-tls-cutover.js';
import { fileHandler } from './file.js';
import { hostCertificateHandler } from './host-certificate.js';
import { kernelModuleHandler } from './kernel-module.js';
import { packageHandler } from './package.js';
import { postgresRoleHandler } from './postgres-role.js';
import { postgresRollingRestartHandler } from './postgres-rolling-restart.js';
import { serviceHandler } from './service.js';
import { departedServiceHandler } from './departed-service.js';
import { memberKeyHandler } from './member-key.js';
import { departedEtcdMemberHandler } from './departed-etcd-member.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind observes its own type
type Handlers = { [K in ResourceKind]: ResourceHandler<Extract<DesiredResource, { kind: K }>, any> };

const HANDLERS: Handlers = {
  package: packageHandler,
  directory: directoryHandler,
  file: fileHandler,
  service: serviceHandler,
  kernel_module: kernelModuleHandler,
  agent_release: agentReleaseHandler,
  distro_clusters: distroClustersHandler,
  etcd_member: etcdMemberHandler,
  dcs_config: dcsConfigHandler,
  host_certificate: hostCertificateHandler,
  postgres_role: postgresRoleHandler,
  etcd_auth: etcdAuthHandler,
  etcd_tls_cutover: etcdTlsCutoverHandler,
  agent_settle: agentSettleHandler,
  postgres_rolling_restart: postgresRollingRestartHandler,
  departed_service: departedServiceHandler,
  member_key: memberKeyHandler,
  departed_etcd_member: departedEtcdMemberHandler,
};

/** The handler of a resource's kind; observed values pass through it as opaque JSON. */
export function handlerOf(resource: DesiredResource): ResourceHandler<DesiredResource, unknown> {
  return HANDLERS[resource.kind] as unknown as ResourceHandler<DesiredResource, unknown>;
}
