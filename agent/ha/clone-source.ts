// Where a new copy of the data comes from: a running member tagged `clonefrom`, to spare the
// leader, or the leader itself.
import type { ClusterState } from '../dcs/dcs.js';

export function cloneSource(cluster: ClusterState | undefined, self: string, leader: string, fromLeader: boolean): string {
  if (fromLeader) return leader;
  const tagged = cluster?.members.find((m) => m.name !== self && m.record.tags?.clonefrom === true && m.record.state === 'running');
  return tagged?.name ?? leader;
}
