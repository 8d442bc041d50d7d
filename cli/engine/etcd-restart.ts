// etcd's rolling restart. A member reads /etc/default/etcd and its TLS files only when it starts;
// restarting every member at once would leave the agents without etcd, and a primary whose
// agent cannot renew its leader key stops taking writes. Instead the running members restart one
// at a time, each only once every member answers, so two of three always hold the quorum.
import { readByEtcdAtStart } from '../resources/desired-resource.js';
import type { ApplyContext } from '../resources/resource-handler.js';
import { runServiceAction } from '../resources/service.js';
import { rollingRestartId, type RollingService } from './rolling-restart.js';

export const ETCD_UNIT = 'etcd.service';

/** How long a member's restart may take: it starts once it has joined the others (etcd's unit is Type=notify). */
export const ETCD_RESTART_TIMEOUT_S = 120;

export const ETCD_RESTART: RollingService = {
  kind: 'etcd_restart',
  unit: ETCD_UNIT,
  called: 'etcd',
  stage: 'etcd',
  readAtStart: readByEtcdAtStart,
  explain: (hosts) => [`restart etcd on ${hosts.join(', ')}, one member at a time, each once every member answers: the quorum holds throughout`],
};

export const ETCD_RESTART_ID = rollingRestartId(ETCD_RESTART);

/** Restarts the members in turn; stops at the first moment etcd does not answer with every member. */
export async function restartEtcdInTurn(hosts: readonly string[], context: ApplyContext): Promise<string> {
  const { waitEtcd } = context;
  for (const [index, host] of hosts.entries()) {
    if (!(await waitEtcd(`before restarting etcd on ${host}`))) {
      throw new Error(`etcd did not answer with every member, so it was not restarted on ${hosts.slice(index).join(', ')}; the next plan shows that restart again`);
    }
    await runServiceAction(context, host, { unit: ETCD_UNIT, verb: 'try-restart', timeoutSeconds: ETCD_RESTART_TIMEOUT_S });
  }
  if (!(await waitEtcd(`after restarting etcd on ${hosts.at(-1)}`))) throw new Error(`etcd did not answer with every member after its restart on ${hosts.at(-1)}`);
  return `restarted in this order: ${hosts.join(', ')}`;
}
