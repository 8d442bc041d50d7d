// A login role of `postgres.users`, on the leader: its attributes compared with pg_authid, its
// password checked against the stored SCRAM verifier, and both set with one CREATE or ALTER
// ROLE that carries the password only as a new verifier.
import pg from 'pg';
import { attributeChanges, attributeClauses, type RoleAttributes } from '../desired/role-attributes.js';
import { scramVerifier, verifierMatches } from '../desired/scram-verifier.js';
import type { ResourceHandler } from './resource-handler.js';
import type { PostgresRoleResource } from './desired-resource.js';

export type ObservedRole =
  | { state: 'no-leader' }
  /** The cluster exists but no leader runs right now (paused, or failing over): the role cannot be read. */
  | { state: 'unread' }
  | { state: 'absent' }
  | { state: 'present'; attributes: RoleAttributes; password: 'matches' | 'differs' };

const READ_ROLE = `SELECT rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit, rolpassword
  FROM pg_authid WHERE rolname = $1`;

/** A role as data: its password never, only whether the spec's is the role's. */
function roleValues(name: string, attributes: RoleAttributes, password: 'matches' | 'differs'): Record<string, unknown> {
  const { connectionLimit, ...flags } = attributes;
  return { name, attributes: { ...flags, connection_limit: connectionLimit }, password };
}

export const postgresRoleHandler: ResourceHandler<PostgresRoleResource, ObservedRole> = {
  async read(resource, context) {
    const session = await context.cluster.sql();
    if (!session) {
      const config = await context.cluster.dcsConfig();
      return config === null || config === 'unreachable' ? { state: 'no-leader' } : { state: 'unread' };
    }
    const [row] = await session.query(READ_ROLE, [resource.name]);
    if (!row) return { state: 'absent' };
    return {
      state: 'present',
      attributes: {
        superuser: row.rolsuper === true,
        createdb: row.rolcreatedb === true,
        createrole: row.rolcreaterole === true,
        inherit: row.rolinherit === true,
        login: row.rolcanlogin === true,
        replication: row.rolreplication === true,
        bypassrls: row.rolbypassrls === true,
        connectionLimit: Number(row.rolconnlimit),
      },
      password: verifierMatches((row.rolpassword as string | null) ?? null, resource.password) ? 'matches' : 'differs',
    };
  },

  notice: (resource, observed) =>
    observed.state === 'unread' ? `role ${resource.name} was not read: no leader runs right now (a paused cluster, or a failover under way); plan again once one leads` : undefined,

  diff(resource, observed) {
    if (observed.state === 'unread') return undefined;
    const after = roleValues(resource.name, resource.attributes, 'matches');
    if (observed.state !== 'present') {
      const when = observed.state === 'no-leader' ? ['on the leader, once the cluster has one'] : [];
      return { action: 'create', details: [attributeClauses(resource.attributes), 'password (sensitive)', ...when], values: { before: null, after } };
    }
    const details = attributeChanges(observed.attributes, resource.attributes);
    if (observed.password === 'differs') details.push('password: not the spec\'s (sensitive)');
    return details.length > 0 ? { action: 'update', details, values: { before: roleValues(resource.name, observed.attributes, observed.password), after } } : undefined;
  },

  async apply(resource, _observed, context) {
    const session = await context.cluster.sqlWriter();
    if (!session) throw new Error(`no leader runs, so role ${resource.name} cannot be written`);
    const exists = (await session.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [resource.name])).length > 0;
    const verb = exists ? 'ALTER' : 'CREATE';
    // The verifier is no password, but it is an offline guessing oracle: keep it out of the server log.
    await session.query("SET log_statement TO 'none'; SET log_min_duration_statement TO -1; SET log_min_error_statement TO 'panic'");
    await session.query(`${verb} ROLE ${pg.escapeIdentifier(resource.name)} WITH ${attributeClauses(resource.attributes)} PASSWORD ${pg.escapeLiteral(scramVerifier(resource.password))}`);
    return `${verb.toLowerCase()} role on ${session.leader}`;
  },
};
