// The DCS on behalf of a request: mutating endpoints act on the cluster as it is in etcd now,
// not as the HA loop last saw it, and tell a refused compare-and-set (false) apart from etcd
// not answering (an Error); most reads may use the loop's view while it is fresh.
import type { ClusterState } from '../dcs/dcs.js';
import type { ApiContext } from './api-context.js';
import { accepted, refused, type Validated } from './api-exchange.js';
import { freshCluster } from './node-view.js';

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export async function readClusterNow(context: ApiContext): Promise<Validated<ClusterState>> {
  try {
    return accepted(await context.dcs.readCluster());
  } catch (error) {
    return refused(503, `cannot read the cluster from etcd: ${asError(error).message}`);
  }
}

/** Whether the write happened, or the error that kept etcd from answering. */
export async function attemptWrite(write: () => Promise<boolean>): Promise<boolean | Error> {
  try {
    return await write();
  } catch (error) {
    return asError(error);
  }
}

/** The HA loop's view while it is fresh, as Patroni answers most reads; etcd itself otherwise. */
export async function recentCluster(context: ApiContext): Promise<Validated<ClusterState>> {
  const view = freshCluster(context.state(), context.clock.now());
  return view ? accepted(view) : readClusterNow(context);
}
