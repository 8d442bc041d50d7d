// Patroni's etcd key layout: every key of a cluster lives under /<namespace>/<scope>/.
// pgha's own bookkeeping (apply lock, last applied plan) lives under /pgha/<scope>/ instead.

export interface DcsLayout {
  /** `/service/lab/`: the prefix every key below starts with. */
  prefix: string;
  leader: string;
  initialize: string;
  config: string;
  status: string;
  sync: string;
  failover: string;
  history: string;
  failsafe: string;
  /** `/service/lab/members/` */
  membersPrefix: string;
  member(name: string): string;
  /** pgha's own, outside the prefix: the highest timeline a promotion took, so that no two take the same. */
  timelineReservation: string;
}

/** Patroni collapses slashes, so `service`, `/service` and `/service/` name the same namespace. */
export function normalizeNamespace(namespace: string): string {
  const parts = namespace.split('/').filter(Boolean);
  return `/${parts.join('/')}`;
}

export function dcsLayout(namespace: string, scope: string): DcsLayout {
  const ns = normalizeNamespace(namespace);
  const prefix = `${ns === '/' ? '' : ns}/${scope}/`;
  const membersPrefix = `${prefix}members/`;
  return {
    prefix,
    leader: `${prefix}leader`,
    initialize: `${prefix}initialize`,
    config: `${prefix}config`,
    status: `${prefix}status`,
    sync: `${prefix}sync`,
    failover: `${prefix}failover`,
    history: `${prefix}history`,
    failsafe: `${prefix}failsafe`,
    membersPrefix,
    member: (name) => `${membersPrefix}${name}`,
    timelineReservation: pghaLayout(scope).timeline,
  };
}

/** pgha's own keys, outside Patroni's prefix so Patroni tools never see them. */
export function pghaLayout(scope: string): { prefix: string; lock: string; lastApplied: string; timeline: string } {
  const prefix = `/pgha/${scope}/`;
  return { prefix, lock: `${prefix}lock`, lastApplied: `${prefix}last-applied`, timeline: `${prefix}timeline` };
}
