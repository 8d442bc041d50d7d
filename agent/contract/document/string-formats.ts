// The string formats our schemas use, each with the words an error message needs.
import { isHostAddress, parseHostPort, parseListenAddress } from '../host-port.js';
import { parseDuration, parseSize } from '../pg-units.js';

export interface StringFormat {
  /** Completes "must be ...". */
  expected: string;
  /** The rule name a violation reports. */
  rule: string;
  test(value: string): boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * No line break and no NUL: the value ends up in a line-oriented file (postgresql.conf, pg_hba,
 * /etc/default/etcd, haproxy.cfg, a systemd unit), where one would start a line of its own.
 */
const isOneLine = (value: string): boolean => !/[\n\r\0]/.test(value);

function matches(pattern: RegExp): (value: string) => boolean {
  return (value) => pattern.test(value);
}

export const STRING_FORMATS: Readonly<Record<string, StringFormat>> = {
  'scope-name': {
    expected: 'a cluster name of letters, digits, "_", "." and "-" (at most 63, starting with a letter or digit)',
    rule: 'name',
    test: matches(NAME),
  },
  'member-name': {
    expected: 'a member name of letters, digits, "_", "." and "-" (at most 63, starting with a letter or digit)',
    rule: 'name',
    test: matches(NAME),
  },
  namespace: {
    expected: 'an etcd prefix such as "/service" (a "/" followed by names separated by "/")',
    rule: 'name',
    test: matches(/^\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/?$/),
  },
  'host-address': {
    expected: 'an IP address or a DNS name',
    rule: 'address',
    test: isHostAddress,
  },
  'host-port': {
    expected: 'host:port, e.g. "10.0.0.1:5432" or "[::1]:5432"',
    rule: 'address',
    test: (value) => parseHostPort(value) !== undefined,
  },
  'listen-address': {
    expected: 'address[,address...]:port, e.g. "0.0.0.0:8008" or "127.0.0.1,10.0.0.1:5432"',
    rule: 'address',
    test: (value) => parseListenAddress(value) !== undefined,
  },
  'unix-user': {
    expected: 'a Unix user name (lower-case letters, digits, "_" and "-")',
    rule: 'name',
    test: matches(/^[a-z_][a-z0-9_-]{0,31}$/),
  },
  'absolute-path': {
    expected: 'an absolute path',
    rule: 'path',
    test: (value) => value.startsWith('/') && isOneLine(value),
  },
  line: {
    expected: 'a single line (no line break or NUL character)',
    rule: 'line',
    test: isOneLine,
  },
  'pg-identifier': {
    expected: 'a PostgreSQL role name (letters, digits, "_" and "$", starting with a letter or "_")',
    rule: 'name',
    test: matches(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/),
  },
  'slot-name': {
    expected: 'a replication slot name (lower-case letters, digits and "_", at most 63)',
    rule: 'name',
    test: matches(/^[a-z0-9_]{1,63}$/),
  },
  'env-name': {
    expected: 'an environment variable name (letters, digits and "_", not starting with a digit)',
    rule: 'name',
    test: matches(/^[A-Za-z_][A-Za-z0-9_]*$/),
  },
  'guc-name': {
    expected: 'a PostgreSQL setting name such as "work_mem" or "pg_stat_statements.max"',
    rule: 'name',
    test: matches(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/),
  },
  'pg-size': {
    expected: 'a size: bytes as an integer, or a number with a unit B, kB, MB, GB or TB (e.g. "1MB")',
    rule: 'size',
    test: (value) => parseSize(value) !== undefined,
  },
  'pg-duration': {
    expected: 'a duration: seconds as an integer, or a number with a unit ms, s, min, h or d (e.g. "30min")',
    rule: 'duration',
    test: (value) => parseDuration(value) !== undefined,
  },
};
