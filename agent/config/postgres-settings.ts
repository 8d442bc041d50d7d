// The PostgreSQL settings of this member: the cluster-wide parameters of the dynamic
// configuration, overridden by the node-local ones, except the settings every member must
// share, which only the dynamic configuration may set (Patroni's precedence).
import { parseListenAddress } from '../contract/host-port.js';
import { CLUSTER_WIDE_PARAMETERS, DERIVED_PARAMETERS } from '../contract/protected-parameters.js';
import type { AgentConfig } from '../contract/schema-types.js';
import type { PostgresSettings } from '../postgres/postgres-controller.js';

type Parameters = Record<string, string | number | boolean>;

function isParameters(value: unknown): value is Parameters {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function dynamicSection(live: Record<string, unknown> | undefined, fallback: AgentConfig['bootstrap']['dcs']): Record<string, unknown> {
  const section = (live ?? (fallback as unknown as Record<string, unknown>)).postgresql;
  return isParameters(section) ? section : {};
}

/**
 * `synchronousStandbyNames`: what the HA loop sets as the leader in synchronous mode, which wins
 * over any configured value; undefined leaves the configured one.
 */
export function postgresSettings(config: AgentConfig, live: Record<string, unknown> | undefined, synchronousStandbyNames?: string): PostgresSettings {
  const listen = parseListenAddress(config.postgresql.listen);
  if (!listen) throw new Error(`postgresql.listen "${config.postgresql.listen}" is not address:port`);
  const dynamic = dynamicSection(live, config.bootstrap.dcs);
  const shared = isParameters(dynamic.parameters) ? dynamic.parameters : {};
  const parameters: Parameters = {};
  for (const [name, value] of Object.entries(shared)) if (!(name in DERIVED_PARAMETERS)) parameters[name] = value;
  for (const [name, value] of Object.entries(config.postgresql.parameters)) {
    if (!(name in DERIVED_PARAMETERS) && !CLUSTER_WIDE_PARAMETERS.has(name)) parameters[name] = value;
  }
  // An empty value is PostgreSQL's default: leaving it out keeps the file (and a reload) as it was.
  if (synchronousStandbyNames === '') delete parameters.synchronous_standby_names;
  else if (synchronousStandbyNames !== undefined) parameters.synchronous_standby_names = synchronousStandbyNames;
  const hba = Array.isArray(dynamic.pg_hba) && dynamic.pg_hba.every((line) => typeof line === 'string') ? (dynamic.pg_hba as string[]) : config.postgresql.pg_hba;
  const { superuser, replication, rewind } = config.postgresql.authentication;
  return {
    memberName: config.name,
    scope: config.scope,
    listenAddresses: listen.hosts,
    port: listen.port,
    parameters,
    pgHba: hba,
    superuser,
    replication,
    ...(rewind ? { rewind } : {}),
  };
}
