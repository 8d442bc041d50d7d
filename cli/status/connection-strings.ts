// How applications reach the cluster, from the spec alone: a libpq multi-host connection string
// that finds the primary (or a standby) by itself, for clients that skip HAProxy, and the
// HAProxy endpoints of every haproxy host.
import type { ClusterSpec } from '../../agent/contract/schema-types.js';
import { hostsWithRole } from '../spec/host-roles.js';

export interface ConnectionStrings {
  /** libpq keyword/value form: `host=a,b,c port=… dbname=… target_session_attrs=…`. */
  libpq: string;
  /** The same as a URI: `postgresql://a:5432,b:5432/db?target_session_attrs=…`. */
  uri: string;
  /** `address:port` of each HAProxy: its primary port, or its replica port for reads. */
  haproxy: string[];
}

/** A libpq keyword value, quoted when it holds a space, a quote or a backslash, or is empty. */
function libpqValue(value: string): string {
  return value !== '' && !/[\s'\\]/.test(value) ? value : `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

export function connectionStrings(spec: ClusterSpec, options: { readOnly: boolean; dbname: string; user?: string }): ConnectionStrings {
  const hosts = hostsWithRole(spec, 'postgres').map(({ host }) => host.address);
  const port = spec.postgres.port;
  // prefer-standby (libpq 14+) still connects when every standby is down.
  const attrs = options.readOnly ? 'prefer-standby' : 'read-write';
  const user = options.user === undefined ? '' : ` user=${libpqValue(options.user)}`;
  const libpq = `host=${hosts.join(',')} port=${hosts.map(() => port).join(',')} dbname=${libpqValue(options.dbname)}${user} target_session_attrs=${attrs}`;
  const uriUser = options.user === undefined ? '' : `${encodeURIComponent(options.user)}@`;
  const uri = `postgresql://${uriUser}${hosts.map((h) => `${h.includes(':') ? `[${h}]` : h}:${port}`).join(',')}/${encodeURIComponent(options.dbname)}?target_session_attrs=${attrs}`;
  const haproxyPort = options.readOnly ? spec.haproxy.replica_port : spec.haproxy.primary_port;
  const haproxy = hostsWithRole(spec, 'haproxy').map(({ host }) => `${host.address}:${haproxyPort}`);
  return { libpq, uri, haproxy };
}
