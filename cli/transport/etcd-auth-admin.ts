// etcd's users and roles as etcdctl's `user` and `role` commands see them, over the etcd client
// of the moment (see cluster-access): what the etcd_auth resource reads and writes.
import { Range, type Etcd3 } from 'etcd3';

export type EtcdPermissionKind = 'Read' | 'Write' | 'Readwrite';

export interface EtcdPermission {
  permission: EtcdPermissionKind;
  key: string;
  rangeEnd: string;
}

export interface EtcdAuthAdmin {
  users(): Promise<string[]>;
  userRoles(user: string): Promise<string[]>;
  roles(): Promise<string[]>;
  /** A role's permissions; the role must exist. */
  permissions(role: string): Promise<EtcdPermission[]>;
  createUser(user: string, password: string): Promise<void>;
  setPassword(user: string, password: string): Promise<void>;
  grantRole(user: string, role: string): Promise<void>;
  revokeRole(user: string, role: string): Promise<void>;
  createRole(role: string): Promise<void>;
  grant(role: string, permissions: readonly EtcdPermission[]): Promise<void>;
  revoke(role: string, permission: EtcdPermission): Promise<void>;
  enableAuth(): Promise<void>;
}

/** The permission on every key under `prefix`: etcd's range from the prefix to the prefix with its last byte one higher. */
export function prefixPermission(permission: EtcdPermissionKind, prefix: string): EtcdPermission {
  const range = Range.prefix(prefix);
  return { permission, key: range.start.toString(), rangeEnd: range.end.toString() };
}

export function etcd3AuthAdmin(etcd: Etcd3): EtcdAuthAdmin {
  const range = (p: EtcdPermission): Range => new Range(p.key, p.rangeEnd);
  return {
    users: async () => (await etcd.getUsers()).map((u) => u.name),
    userRoles: async (user) => (await etcd.user(user).roles()).map((r) => r.name),
    roles: async () => (await etcd.getRoles()).map((r) => r.name),
    permissions: async (role) => (await etcd.role(role).permissions()).map((p) => ({ permission: p.permission, key: p.range.start.toString(), rangeEnd: p.range.end.toString() })),
    createUser: async (user, password) => void (await etcd.user(user).create(password)),
    setPassword: async (user, password) => void (await etcd.user(user).setPassword(password)),
    grantRole: async (user, role) => void (await etcd.user(user).addRole(role)),
    revokeRole: async (user, role) => void (await etcd.user(user).removeRole(role)),
    createRole: async (role) => void (await etcd.role(role).create()),
    grant: async (role, permissions) => void (await etcd.role(role).grant(permissions.map((p) => ({ permission: p.permission, range: range(p) })))),
    revoke: async (role, p) => void (await etcd.role(role).revoke({ permission: p.permission, range: range(p) })),
    enableAuth: async () => void (await etcd.auth.authEnable()),
  };
}
