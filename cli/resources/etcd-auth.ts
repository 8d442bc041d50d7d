// etcd's authentication: the root user pgha connects as, a role per cluster that reads and writes
// only the cluster's prefixes, a user of the same name for the agents, and authentication on.
// Read as root once it is on, and without a user before (etcd 3.4 has no AuthStatus call: a call
// without a token refused with "user name is empty" says it is on). Passwords are checked by
// logging in, and set whenever authentication is still off, since they cannot be checked then.
import { Range } from 'etcd3';
import type { ResourceHandler } from './resource-handler.js';
import type { EtcdAuthResource } from './desired-resource.js';

export interface ObservedPermission {
  permission: string;
  key: string;
  rangeEnd: string;
}

export type ObservedEtcdAuth =
  | { state: 'unreachable' }
  | {
      state: 'read';
      enabled: boolean;
      /** Each relevant user that exists, with its roles. */
      users: Record<string, string[]>;
      /** The agents' role's permissions; undefined when it does not exist. */
      permissions: ObservedPermission[] | undefined;
      /** Whether each password logs in; 'unchecked' while authentication is off. */
      rootPassword: 'matches' | 'differs' | 'unchecked';
      password: 'matches' | 'differs' | 'unchecked';
    };

const ROOT_ROLE = 'root';

/** The permissions the agents' role should have: read and write on each prefix. */
export function wantedPermissions(resource: EtcdAuthResource): ObservedPermission[] {
  return resource.prefixes.map((prefix) => {
    const range = Range.prefix(prefix);
    return { permission: 'Readwrite', key: range.start.toString(), rangeEnd: range.end.toString() };
  });
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** What differs, one line each; empty when etcd's authentication is as the spec wants. */
export function authChanges(resource: EtcdAuthResource, observed: Extract<ObservedEtcdAuth, { state: 'read' }>): string[] {
  const lines: string[] = [];
  const root = observed.users[resource.rootUser];
  if (!root) lines.push(`user add ${resource.rootUser} with role ${ROOT_ROLE}, password (sensitive)`);
  else if (!root.includes(ROOT_ROLE)) lines.push(`user grant-role ${resource.rootUser} ${ROOT_ROLE}`);
  if (root && observed.rootPassword === 'differs') lines.push(`user passwd ${resource.rootUser}: not the spec's (sensitive)`);
  const wanted = wantedPermissions(resource);
  const key = (p: ObservedPermission): string => `${p.permission} ${p.key} ${p.rangeEnd}`;
  if (!observed.permissions) lines.push(`role add ${resource.user}, readwrite on ${resource.prefixes.join(' and ')} (prefixes)`);
  else if (!sameSet(observed.permissions.map(key), wanted.map(key))) lines.push(`role ${resource.user}: readwrite on ${resource.prefixes.join(' and ')} (prefixes) only`);
  const user = observed.users[resource.user];
  if (!user) lines.push(`user add ${resource.user} with role ${resource.user}, password (sensitive)`);
  else if (!sameSet(user, [resource.user])) lines.push(`user ${resource.user}: role ${resource.user} only`);
  if (user && observed.password === 'differs') lines.push(`user passwd ${resource.user}: not the spec's (sensitive)`);
  if (!observed.enabled) lines.push('auth enable (clients without a user are refused from then on)');
  return lines;
}

async function passwordState(enabled: boolean, login: () => Promise<boolean>): Promise<'matches' | 'differs' | 'unchecked'> {
  if (!enabled) return 'unchecked';
  return (await login()) ? 'matches' : 'differs';
}

export const etcdAuthHandler: ResourceHandler<EtcdAuthResource, ObservedEtcdAuth> = {
  async read(resource, context) {
    const enabled = await context.cluster.etcdAuthEnabled();
    if (enabled === 'unreachable') return { state: 'unreachable' };
    try {
      const etcd = await context.cluster.etcd();
      const existing = new Set((await etcd.getUsers()).map((u) => u.name));
      const users: Record<string, string[]> = {};
      for (const name of [resource.rootUser, resource.user]) {
        if (existing.has(name)) users[name] = (await etcd.user(name).roles()).map((r) => r.name).sort();
      }
      const roles = new Set((await etcd.getRoles()).map((r) => r.name));
      const permissions = roles.has(resource.user)
        ? (await etcd.role(resource.user).permissions()).map((p) => ({ permission: p.permission, key: p.range.start.toString(), rangeEnd: p.range.end.toString() }))
        : undefined;
      return {
        state: 'read',
        enabled,
        users,
        permissions,
        rootPassword: await passwordState(enabled, () => context.cluster.etcdLogin(resource.rootUser, resource.rootPassword)),
        password: await passwordState(enabled && users[resource.user] !== undefined, () => context.cluster.etcdLogin(resource.user, resource.password)),
      };
    } catch {
      return { state: 'unreachable' };
    }
  },

  diff(resource, observed) {
    if (observed.state === 'unreachable') {
      return { action: 'create', details: [`user ${resource.rootUser} and user ${resource.user} with role ${resource.user}, readwrite on ${resource.prefixes.join(' and ')} (prefixes)`, 'auth enable, once etcd runs'] };
    }
    const lines = authChanges(resource, observed);
    if (lines.length === 0) return undefined;
    return { action: observed.enabled ? 'update' : 'create', details: lines };
  },

  async apply(resource, _observed, context) {
    const { cluster } = context;
    const enabled = await cluster.etcdAuthEnabled();
    if (enabled === 'unreachable') throw new Error('etcd does not answer, so its users cannot be written');
    const etcd = await cluster.etcd();
    const existing = new Set((await etcd.getUsers()).map((u) => u.name));
    // Passwords cannot be checked while authentication is off: set them then, and when they differ.
    const setUser = async (name: string, password: string, role: string): Promise<void> => {
      if (!existing.has(name)) await etcd.user(name).create(password);
      else if (!enabled || !(await cluster.etcdLogin(name, password))) await etcd.user(name).setPassword(password);
      const roles = (await etcd.user(name).roles()).map((r) => r.name);
      for (const extra of roles.filter((r) => r !== role)) await etcd.user(name).removeRole(extra);
      if (!roles.includes(role)) await etcd.user(name).addRole(role);
    };
    const roles = new Set((await etcd.getRoles()).map((r) => r.name));
    if (!roles.has(ROOT_ROLE)) await etcd.role(ROOT_ROLE).create();
    const role = etcd.role(resource.user);
    if (!roles.has(resource.user)) await role.create();
    const wanted = wantedPermissions(resource);
    const held = roles.has(resource.user) ? await role.permissions() : [];
    for (const p of held) {
      if (!wanted.some((w) => w.key === p.range.start.toString() && w.rangeEnd === p.range.end.toString() && w.permission === p.permission)) await role.revoke({ permission: p.permission, range: p.range });
    }
    await role.grant(resource.prefixes.map((prefix) => ({ permission: 'Readwrite' as const, range: Range.prefix(prefix) })));
    await setUser(resource.rootUser, resource.rootPassword, ROOT_ROLE);
    await setUser(resource.user, resource.password, resource.user);
    if (enabled) return undefined;
    await etcd.auth.authEnable();
    cluster.etcdAuthTurnedOn();
    return 'etcd authentication on';
  },
};
