// How the primary steps down, by reason: one table, so the variants cannot drift apart.
// Each mode only stops PostgreSQL (and maybe releases the key); the next cycle's rules decide
// how it comes back (pg_rewind first when it may have diverged, then as a replica).

export type DemoteMode = 'graceful' | 'immediate' | 'immediate-nolock' | 'offline';

export interface DemotePlan {
  /** pg_ctl stop mode. */
  stop: 'fast' | 'immediate';
  /** CHECKPOINT before stopping, so the shutdown (and a switchover) is quick. */
  checkpointFirst: boolean;
  /** Delete the leader key (compare-and-delete) once PostgreSQL is down. */
  releaseLeader: boolean;
  /** When it is used. */
  when: string;
}

export const DEMOTE_MODES: Readonly<Record<DemoteMode, DemotePlan>> = {
  graceful: { stop: 'fast', checkpointFirst: true, releaseLeader: true, when: 'a switchover' },
  immediate: {
    stop: 'immediate',
    checkpointFirst: false,
    releaseLeader: true,
    when: 'PostgreSQL did not come back within primary_start_timeout, or a required watchdog cannot be armed',
  },
  'immediate-nolock': {
    stop: 'immediate',
    checkpointFirst: false,
    releaseLeader: false,
    when: 'the leader lock is lost or held by another member',
  },
  offline: { stop: 'fast', checkpointFirst: false, releaseLeader: false, when: 'etcd is unreachable' },
};
