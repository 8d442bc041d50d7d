// A role's attributes as `postgres.users.<name>.options` spells them (CREATE ROLE's words), with
// the defaults of a login role: what pgha compares with pg_authid and writes back.

export interface RoleAttributes {
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  inherit: boolean;
  login: boolean;
  replication: boolean;
  bypassrls: boolean;
  /** -1: no limit. */
  connectionLimit: number;
}

type Flag = Exclude<keyof RoleAttributes, 'connectionLimit'>;

const FLAGS: readonly Flag[] = ['superuser', 'createdb', 'createrole', 'inherit', 'login', 'replication', 'bypassrls'];

/** Users in the spec are login roles unless an option says NOLOGIN. */
export const LOGIN_ROLE_DEFAULTS: RoleAttributes = {
  superuser: false,
  createdb: false,
  createrole: false,
  inherit: true,
  login: true,
  replication: false,
  bypassrls: false,
  connectionLimit: -1,
};

export const SUPPORTED_OPTIONS = `${FLAGS.map((f) => `[NO]${f.toUpperCase()}`).join(', ')}, CONNECTION LIMIT n`;

/** The attributes `options` asks for, or the index and text of the first option pgha does not know. */
export function roleAttributes(options: readonly string[]): { attributes: RoleAttributes } | { unknown: number } {
  const attributes = { ...LOGIN_ROLE_DEFAULTS };
  for (const [index, option] of options.entries()) {
    const words = option.trim().toUpperCase().split(/\s+/);
    const limit = words.length === 3 && words[0] === 'CONNECTION' && words[1] === 'LIMIT' && /^-?\d+$/.test(words[2]!) ? Number(words[2]) : undefined;
    if (limit !== undefined && limit >= -1) {
      attributes.connectionLimit = limit;
      continue;
    }
    const word = words.length === 1 ? words[0]!.toLowerCase() : '';
    const flag = FLAGS.find((f) => word === f || word === `no${f}`);
    if (!flag) return { unknown: index };
    attributes[flag] = word === flag;
  }
  return { attributes };
}

/** The WITH clause of CREATE ROLE / ALTER ROLE that sets every attribute. */
export function attributeClauses(attributes: RoleAttributes): string {
  return [...FLAGS.map((f) => `${attributes[f] ? '' : 'NO'}${f.toUpperCase()}`), `CONNECTION LIMIT ${attributes.connectionLimit}`].join(' ');
}

/** "login: false → true" lines for every attribute that differs. */
export function attributeChanges(observed: RoleAttributes, desired: RoleAttributes): string[] {
  const changes: string[] = [];
  for (const flag of FLAGS) if (observed[flag] !== desired[flag]) changes.push(`${flag}: ${observed[flag]} → ${desired[flag]}`);
  if (observed.connectionLimit !== desired.connectionLimit) changes.push(`connection limit: ${observed.connectionLimit} → ${desired.connectionLimit}`);
  return changes;
}
