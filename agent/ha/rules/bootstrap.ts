// Rules for a member without data: create the cluster, or clone a replica.
import { cloneSource } from '../clone-source.js';
import { NONE } from '../decision.js';
import { leaderName, mayPromote } from '../snapshot.js';
import { verdict, type HaRule } from './ha-rule.js';

const hasNoData = (dataDirectory: string): boolean => dataDirectory !== 'initialized';

export const uninitializedCluster: HaRule = {
  name: 'uninitialized-cluster',
  decide(s) {
    if (s.cluster?.initialize !== undefined || leaderName(s) !== undefined || !hasNoData(s.postgres.dataDirectory)) return undefined;
    if (!mayPromote(s.tags)) return verdict(NONE, 'waiting for another member to create the cluster (I may not promote)');
    if (s.watchdog.mode === 'required' && s.watchdog.failure !== undefined) {
      return verdict(NONE, `waiting for another member to create the cluster (I may not lead without a watchdog: ${s.watchdog.failure})`);
    }
    return verdict({ kind: 'bootstrap' }, 'no cluster yet: racing to create it');
  },
};

export const bootstrapInProgress: HaRule = {
  name: 'bootstrap-in-progress',
  decide: (s) =>
    s.cluster?.initialize === '' && leaderName(s) === undefined ? verdict(NONE, 'waiting for the member that creates the cluster') : undefined,
};

export const emptyDataDirectory: HaRule = {
  name: 'empty-data-directory',
  decide(s) {
    if (!hasNoData(s.postgres.dataDirectory)) return undefined;
    if (s.settings.pause) return verdict(NONE, 'my data directory is empty, and no replica is cloned: the cluster is paused');
    const leader = leaderName(s);
    if (leader === undefined) return verdict(NONE, 'waiting for a leader to clone from');
    const source = cloneSource(s.cluster, s.name, leader, false);
    return verdict({ kind: 'clone', from: source }, `cloning a replica from ${source}`);
  },
};
