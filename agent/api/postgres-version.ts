// A PostgreSQL version as a client writes it (`15.4`, `9.6.24`), as the number PostgreSQL's
// server_version_num gives (150004, 90624), for `POST /restart`'s `postgres_version` filter.

export function postgresVersionNumber(text: string): number | undefined {
  if (!/^\d+(\.\d+){1,2}$/.test(text)) return undefined;
  const parts = text.split('.').map(Number);
  if (parts.length === 2 && parts[0]! < 10) return undefined;
  // From 10 on a version has two parts and the middle two digits are 00.
  const [major, minor, patch] = parts.length === 2 ? [parts[0]!, 0, parts[1]!] : (parts as [number, number, number]);
  return major * 10000 + minor * 100 + patch;
}
