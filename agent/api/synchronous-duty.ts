// Whether a member is a synchronous (or quorum) standby: named in the `sync` key while the
// dynamic configuration has synchronous mode on. pgha does not manage synchronous replication
// yet, so today this holds only for a `sync` key another tool wrote.
import type { ClusterState } from '../dcs/dcs.js';
import { synchronousModeIn } from './dynamic-config-view.js';

export interface SynchronousDuty {
  sync: boolean;
  quorum: boolean;
}

export function synchronousDutyIn(cluster: ClusterState | undefined, name: string): SynchronousDuty {
  const mode = synchronousModeIn(cluster?.config?.value);
  const standbys = cluster?.sync?.value.sync_standby ?? '';
  const listed = mode !== 'off' && standbys.split(',').some((member) => member.trim() === name);
  return { sync: listed && mode === 'on', quorum: listed && mode === 'quorum' };
}
