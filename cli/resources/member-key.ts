// The member key of a host dropped from the spec, and its replication slot on the leader. Once
// the key is gone the leader's agent drops the slot by itself (its slots follow the member keys,
// and an inactive one goes: see agent/postgres/replication-slots.ts); apply waits until it has.
import type { MemberKeyResource } from './desired-resource.js';
import type { ResourceHandler } from './resource-handler.js';
import { LEADER_ROLES, type ClusterReader } from '../transport/cluster-access.js';
import type { SqlSession } from '../transport/leader-postgres.js';

export interface ObservedMemberKey {
  key: boolean | 'unreachable';
  /** Whether the leader holds the member's slot; undefined when no leader could be asked. */
  slot: boolean | undefined;
}

/** Asks the leader whether it holds `slot`, on one session kept while it works (each new one is a tunnel and a login). */
function slotProbe(cluster: ClusterReader, slot: string): () => Promise<boolean | undefined> {
  let session: SqlSession | undefined;
  return async () => {
    try {
      session ??= await cluster.sql();
      if (!session) return undefined;
      return (await session.query('SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = $1', [slot])).length > 0;
    } catch {
      session = undefined;
      return undefined;
    }
  };
}

export const memberKeyHandler: ResourceHandler<MemberKeyResource, ObservedMemberKey> = {
  async read(resource, context) {
    const records = await context.cluster.memberRecords();
    return { key: records === 'unreachable' ? 'unreachable' : records.has(resource.name), slot: await slotProbe(context.cluster, resource.slot)() };
  },

  diff(resource, observed) {
    if (observed.key !== true && observed.slot !== true) return undefined;
    return {
      action: 'delete',
      details: [
        ...(observed.key === true ? [`delete ${resource.key}`] : []),
        `the leader drops replication slot ${resource.slot} once the key is gone (apply waits for it)`,
      ],
      values: { before: { name: resource.name, key: resource.key, key_exists: observed.key === 'unreachable' ? null : observed.key, slot: resource.slot, slot_exists: observed.slot ?? null }, after: null },
    };
  },

  async apply(resource, _observed, context) {
    const { cluster } = context;
    // Its agent stopped first, unless its host could not be reached: a member that still leads keeps its key.
    const leader = (await cluster.members())?.find((m) => m.name === resource.name && LEADER_ROLES.has(m.role));
    if (leader) throw new Error(`${resource.name} still leads the cluster, so its member key was kept: move the leader with "pgha switchover", then apply again`);
    await cluster.deleteMemberKey(resource.name);
    const holds = slotProbe(cluster, resource.slot);
    const gone = await context.waitUntil(`the leader dropping replication slot ${resource.slot}`, async () => {
      const held = await holds();
      return { ok: held === false, detail: held === undefined ? 'no leader answers SQL' : held ? `the leader still holds ${resource.slot}` : `${resource.slot} is gone` };
    });
    if (!gone) throw new Error(`the leader did not drop replication slot ${resource.slot} after ${resource.name}'s member key was deleted; see journalctl -u pgha-agent.service on the leader (a slot still in use is never dropped)`);
    return `member key deleted, replication slot ${resource.slot} dropped`;
  },
};
