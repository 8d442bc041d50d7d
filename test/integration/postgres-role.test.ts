// The role resource against a real PostgreSQL 15 on loopback: the SCRAM verifiers pgha checks and
// makes agree with PostgreSQL's own, planning reads in read-only sessions, and apply creates
// and repairs a role that then logs in with the spec's password.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { LOGIN_ROLE_DEFAULTS } from '../../cli/desired/role-attributes.js';
import { scramVerifier, verifierMatches } from '../../cli/desired/scram-verifier.js';
import { Secrets } from '../../cli/desired/secrets.js';
import type { PostgresRoleResource } from '../../cli/resources/desired-resource.js';
import { postgresRoleHandler, type ObservedRole } from '../../cli/resources/postgres-role.js';
import type { ApplyContext } from '../../cli/resources/resource-handler.js';
import { leaderPostgres, type LeaderPostgres } from '../../cli/transport/leader-postgres.js';
import type { HarnessMember } from '../contract/postgres-controller-contract.js';
import { startPgCtlHarness } from '../helpers/postgres-harness.js';
import { loginAs } from '../helpers/postgres-login.js';

describe('postgres_role on a real PostgreSQL', () => {
  let harness: Awaited<ReturnType<typeof startPgCtlHarness>>;
  let member: HarnessMember;
  let postgres: LeaderPostgres;
  let context: ApplyContext;
  let openLeader: () => LeaderPostgres;

  const login = (user: string, password: string): Promise<string> => loginAs({ host: '127.0.0.1', port: member.source.port, user, password });

  beforeAll(async () => {
    harness = await startPgCtlHarness();
    member = await harness.create('pg1');
    await member.controller.bootstrap({ initdb: [{ encoding: 'UTF8' }] });
    const spec = {
      postgres: { port: member.source.port, authentication: { superuser: { username: 'postgres', password: { env: 'SUPERUSER' } } } },
    } as unknown as ClusterSpec;
    const secrets = new Secrets({ specDirectory: '/', env: { SUPERUSER: member.settings.superuser.password } });
    // Through a plain TCP connection instead of SSH: the same path from the tunnel on.
    openLeader = () => leaderPostgres(spec, secrets, async (_host, address, port) => connect(port, address));
    postgres = openLeader();
    context = { cluster: { sql: () => postgres.open('read', 'pg1'), sqlWriter: () => postgres.open('write', 'pg1') } } as unknown as ApplyContext;
  }, 60_000);

  afterAll(async () => {
    await postgres?.close();
    await member?.controller.close();
    await harness?.close();
  }, 60_000);

  it("checks PostgreSQL's own verifiers, and makes verifiers PostgreSQL logs in with", async () => {
    const writer = (await postgres.open('write', 'pg1'))!;
    await writer.query("CREATE ROLE by_server LOGIN PASSWORD 'sérvér pw'");
    const [row] = await writer.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'by_server'");
    expect(verifierMatches(row!.rolpassword as string, 'sérvér pw')).toBe(true);
    expect(verifierMatches(row!.rolpassword as string, 'server pw')).toBe(false);
    expect(verifierMatches(null, '')).toBe(false);
    await writer.query(`CREATE ROLE by_pgha LOGIN PASSWORD '${scramVerifier("it's pgha")}'`);
    expect(await login('by_pgha', "it's pgha")).toBe('by_pgha');
    expect(await login('by_pgha', 'wrong')).toMatch(/^refused: password authentication failed/);
  }, 30_000);

  it('opens no session once closed, so nothing is left to keep the run alive', async () => {
    const closing = openLeader();
    const first = closing.open('read', 'pg1');
    await closing.close();
    await first.catch(() => undefined);
    await expect(closing.open('read', 'pg1')).rejects.toThrow('the run is over: no new PostgreSQL session');
  });

  it('plans in read-only sessions', async () => {
    const reader = (await postgres.open('read', 'pg1'))!;
    await expect(reader.query('CREATE ROLE sneaky')).rejects.toThrow(/read-only transaction/);
  });

  it('creates a missing role, then shows and repairs drift in its attributes and password', async () => {
    const role: PostgresRoleResource = {
      kind: 'postgres_role', id: 'cluster/postgres_role/shop_app', host: 'cluster', stage: 'roles', after: [],
      name: 'shop_app', attributes: { ...LOGIN_ROLE_DEFAULTS, connectionLimit: 20 }, password: 'app-Secret-1',
    };
    const read = (): Promise<ObservedRole> => postgresRoleHandler.read(role, context);
    expect(postgresRoleHandler.diff(role, await read())?.action).toBe('create');
    expect(await postgresRoleHandler.apply(role, await read(), context)).toBe('create role on pg1');
    expect(postgresRoleHandler.diff(role, await read())).toBeUndefined();
    expect(await login('shop_app', 'app-Secret-1')).toBe('shop_app');
    const writer = (await postgres.open('write', 'pg1'))!;
    await writer.query("ALTER ROLE shop_app NOLOGIN CREATEDB CONNECTION LIMIT 5 PASSWORD 'by hand'");
    expect(postgresRoleHandler.diff(role, await read())).toMatchObject({
      action: 'update',
      details: ['createdb: true → false', 'login: false → true', 'connection limit: 5 → 20', "password: not the spec's (sensitive)"],
      values: { before: { name: 'shop_app', attributes: { login: false, createdb: true, connection_limit: 5 }, password: 'differs' }, after: { password: 'matches' } },
    });
    expect(await postgresRoleHandler.apply(role, await read(), context)).toBe('alter role on pg1');
    expect(postgresRoleHandler.diff(role, await read())).toBeUndefined();
    expect(await login('shop_app', 'app-Secret-1')).toBe('shop_app');
  }, 30_000);
});
