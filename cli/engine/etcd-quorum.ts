// Whether etcd may lose one member now. `etcd member remove` is a change of membership that the
// members of the cluster as it is must commit: a majority of all its members, counted without the
// one leaving (it may be down, or go down as it learns it was removed). Once removed, the others
// still hold the smaller cluster's majority. Pure.

/** The members a cluster of `size` needs to agree on anything. */
export const quorumOf = (size: number): number => Math.floor(size / 2) + 1;

export interface RemovalView {
  /** Members etcd lists now, the one to remove included. */
  members: number;
  /** Members other than the one to remove that answer on their own. */
  answeringOthers: number;
}

/** undefined when the member can go now; else why not, as a sentence part. */
export function etcdRemovalRefusal(view: RemovalView): string | undefined {
  if (view.members <= 1) return 'it is the last etcd member';
  const needed = quorumOf(view.members);
  if (view.answeringOthers < needed) return `${view.answeringOthers} of the other ${view.members - 1} members answer, and the removal needs ${needed} of ${view.members} to agree without it`;
  return undefined;
}
