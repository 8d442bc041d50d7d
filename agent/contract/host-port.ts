// `host:port` and `address[,address...]:port`, as Patroni writes listen and connect addresses.
import { isIP } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

export interface ListenAddress {
  /** Addresses to listen on; `*` means every address. */
  hosts: string[];
  port: number;
}

const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An IP address or a DNS name (a dotted string of digits is neither). */
export function isHostAddress(value: string): boolean {
  return isIP(value) !== 0 || (DNS_NAME.test(value) && !/^[\d.]+$/.test(value));
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function splitPort(text: string): [string, number] | undefined {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return undefined;
  const port = parsePort(text.slice(colon + 1));
  return port === undefined ? undefined : [text.slice(0, colon), port];
}

function unbracket(host: string): string | undefined {
  if (!host.startsWith('[')) return host.includes(':') ? undefined : host;
  return host.endsWith(']') && isIP(host.slice(1, -1)) === 6 ? host.slice(1, -1) : undefined;
}

/** `10.0.0.1:5432`, `db1.example.com:5432`, `[::1]:5432`. */
export function parseHostPort(text: string): HostPort | undefined {
  const split = splitPort(text);
  if (!split) return undefined;
  const host = unbracket(split[0]);
  return host !== undefined && isHostAddress(host) ? { host, port: split[1] } : undefined;
}

/** `0.0.0.0:8008`, `*:8008`, `127.0.0.1,10.0.0.1:5432`, `[::]:8008`. */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const split = splitPort(text);
  if (!split) return undefined;
  const hosts = split[0].split(',').map((h) => (h === '*' ? h : unbracket(h.trim())));
  if (hosts.length === 0 || hosts.some((h) => h === undefined || (h !== '*' && !isHostAddress(h)))) return undefined;
  return { hosts: hosts as string[], port: split[1] };
}
