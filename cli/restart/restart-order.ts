// The order of a rolling restart of PostgreSQL, decided from what the members report. Replicas
// restart first, then the leader hands over to a restarted replica (its demotion restarts it as a
// replica), so writes stop once, for a switchover. A decrease of a setting a hot standby must hold
// at least as high as its primary reverses that: a replica restarted with less than its primary
// would not start, so the leader restarts first, where it runs, then the replicas. Pure.
import { HOT_STANDBY_MINIMUMS } from '../../agent/contract/protected-parameters.js';

export interface RestartCandidate {
  name: string;
  leads: boolean;
  /** Settings waiting for a restart, as the member's GET /patroni reports them. */
  pending: Readonly<Record<string, { old_value: string; new_value: string }>>;
}

export type RestartStep =
  | { kind: 'restart'; member: string; leader: boolean }
  | { kind: 'switchover'; from: string }
  /** The old leader after the switchover: restarted by its demotion, else restarted now. */
  | { kind: 'restart-after-switchover'; member: string };

export interface OrderRequest {
  /** The leader restarts where it runs, without a switchover (writes stop until it is back). */
  leaderInPlace: boolean;
  /** Whether some member could take over from the leader (a streaming replica). */
  canHandOver: boolean;
}

/** The hot-standby settings that waiting restarts lower, e.g. ["max_connections 200 → 100"]. */
export function loweredMinimums(pending: RestartCandidate['pending']): string[] {
  return Object.entries(pending)
    .filter(([name, { old_value, new_value }]) => name in HOT_STANDBY_MINIMUMS && Number(new_value) < Number(old_value))
    .map(([name, { old_value, new_value }]) => `${name} ${old_value} → ${new_value}`)
    .sort();
}

export function restartSteps(members: readonly RestartCandidate[], request: OrderRequest): RestartStep[] {
  const leader = members.find((m) => m.leads);
  const replicas = members
    .filter((m) => !m.leads)
    .map((m) => m.name)
    .sort();
  const replicaSteps = replicas.map((member): RestartStep => ({
    kind: 'restart',
    member,
    leader: false,
  }));
  if (!leader) return replicaSteps;
  if (loweredMinimums(leader.pending).length > 0) return [{ kind: 'restart', member: leader.name, leader: true }, ...replicaSteps];
  if (request.leaderInPlace || !request.canHandOver) return [...replicaSteps, { kind: 'restart', member: leader.name, leader: true }];
  return [...replicaSteps, { kind: 'switchover', from: leader.name }, { kind: 'restart-after-switchover', member: leader.name }];
}
