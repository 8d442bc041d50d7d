// The commands a plan may run on a host: each reads and changes nothing. Listed by program and,
// where the program can also write, by the subcommands that only read.

const READ_ONLY: Readonly<Record<string, ReadonlySet<string> | 'any'>> = {
  cat: 'any',
  test: 'any',
  readlink: 'any',
  dpkg: new Set(['-s', '--status']),
  'dpkg-query': 'any',
  pg_lsclusters: 'any',
  stat: 'any',
  'systemd-detect-virt': 'any',
  systemctl: new Set(['is-enabled', 'is-active', 'show', 'cat']),
  etcdctl: new Set(['member', 'endpoint', 'get']),
};

/** `etcdctl member` may add or remove: only `member list` reads. */
function readsOnly(argv: readonly string[]): boolean {
  if (argv[0] === 'etcdctl' && argv[1] === 'member') return argv[2] === 'list';
  return true;
}

export function isReadOnlyCommand(argv: readonly string[]): boolean {
  const allowed = READ_ONLY[argv[0] ?? ''];
  if (allowed === undefined) return false;
  if (allowed !== 'any' && !allowed.has(argv[1] ?? '')) return false;
  return readsOnly(argv);
}
