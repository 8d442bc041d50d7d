// etcd's authentication: the root user pgha connects as, a role per cluster that reads and writes
// only the cluster's prefixes, a user of the same name for the agents, and authentication on.
// Read as root once it is on, and without a user before (etcd 3.4 has no AuthStatus call: a call
// without a token refused with "user name is empty" says it is on). Passwords are checked by
// logging in, and set whenever authentication is still off, since they cannot be checked then.
import { prefixPermission, type EtcdPermission } from '../transport/etcd-auth-admin.js';
import type { ResourceHandler } from './resource-handler.js';
import type { EtcdAuthResource } from './desired-resource.js';

export type ObservedPermission = EtcdPermission;

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
  return resource.prefixes.map((prefix) => prefixPermission('Readwrite', prefix));
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

/** etcd's authentication as data: the passwords only as whether the spec's logs in. */
function authValues(auth: Omit<Extract<ObservedEtcdAuth, { state: 'read' }>, 'state'>): Record<string, unknown> {
  const permissions = auth.permissions?.map((p) => ({ permission: p.permission, key: p.key, range_end: p.rangeEnd })) ?? null;
  return { enabled: auth.enabled, users: auth.users, permissions, root_password: auth.rootPassword, password: auth.password };
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
      const admin = await context.cluster.etcdAuthAdmin();
      const existing = new Set(await admin.users());
      const users: Record<string, string[]> = {};
      for (const name of [resource.rootUser, resource.user]) {
        if (existing.has(name)) users[name] = (await admin.userRoles(name)).sort();
      }
      const roles = new Set(await admin.roles());
      const permissions = roles.has(resource.user) ? await admin.permissions(resource.user) : undefined;
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
    const after = authValues({ enabled: true, users: { [resource.rootUser]: [ROOT_ROLE], [resource.user]: [resource.user] }, permissions: wantedPermissions(resource), rootPassword: 'matches', password: 'matches' });
    if (observed.state === 'unreachable') {
      return { action: 'create', details: [`user ${resource.rootUser} and user ${resource.user} with role ${resource.user}, readwrite on ${resource.prefixes.join(' and ')} (prefixes)`, 'auth enable, once etcd runs'], values: { before: null, after } };
    }
    const lines = authChanges(resource, observed);
    if (lines.length === 0) return undefined;
    return { action: observed.enabled ? 'update' : 'create', details: lines, values: { before: authValues(observed), after } };
  },

  async apply(resource, _observed, context) {
    const { cluster } = context;
    const enabled = await cluster.etcdAuthEnabled();
    if (enabled === 'unreachable') throw new Error('etcd does not answer, so its users cannot be written');
    const admin = await cluster.etcdAuthAdmin();
    const existing = new Set(await admin.users());
    // Passwords cannot be checked while authentication is off: set them then, and when they differ.
    const setUser = async (name: string, password: string, role: string): Promise<void> => {
      if (!existing.has(name)) await admin.createUser(name, password);
      else if (!enabled || !(await cluster.etcdLogin(name, password))) await admin.setPassword(name, password);
      const roles = await admin.userRoles(name);
      for (const extra of roles.filter((r) => r !== role)) await admin.revokeRole(name, extra);
      if (!roles.includes(role)) await admin.grantRole(name, role);
    };
    const roles = new Set(await admin.roles());
    if (!roles.has(ROOT_ROLE)) await admin.createRole(ROOT_ROLE);
    if (!roles.has(resource.user)) await admin.createRole(resource.user);
    const wanted = wantedPermissions(resource);
    const held = roles.has(resource.user) ? await admin.permissions(resource.user) : [];
    for (const p of held) {
      if (!wanted.some((w) => w.key === p.key && w.rangeEnd === p.rangeEnd && w.permission === p.permission)) await admin.revoke(resource.user, p);
    }
    await admin.grant(resource.user, wanted);
    await setUser(resource.rootUser, resource.rootPassword, ROOT_ROLE);
    await setUser(resource.user, resource.password, resource.user);
    if (enabled) return undefined;
    await admin.enableAuth();
    cluster.etcdAuthTurnedOn();
    return 'etcd authentication on';
  },
};
