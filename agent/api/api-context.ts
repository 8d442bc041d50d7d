// Everything the REST API needs from the rest of the agent. Reads come from the state the HA
// loop published (never from SQL); writes are intents: a DCS key the loop acts on, or a request
// handed to the loop through one of the callbacks below, after which the loop is woken.
import type { Clock } from '../clock/clock.js';
import type { Dcs } from '../dcs/dcs.js';
import type { Logger } from '../logging/logger.js';
import type { FailsafeCall, FailsafeVerdict } from '../ha/failsafe.js';
import type { NodeState } from '../ha/node-state.js';
import type { PeerStatusFetcher } from './peer-client.js';
import type { RestartRequest } from './restart-request.js';

/**
 * How the HA loop answers a restart request. The API maps each outcome to Patroni's status and
 * message, so the loop never deals in HTTP.
 */
export type RestartOutcome =
  /** Immediate: PostgreSQL was restarted and accepts connections. */
  | { kind: 'restarted' }
  /** Immediate: PostgreSQL restarted but still does not accept connections after the timeout. */
  | { kind: 'still-starting' }
  | { kind: 'failed' }
  /** Another long action (`action`: restart, reinitialize, promote, ...) runs. */
  | { kind: 'busy'; action: string }
  /** Scheduled: kept in memory, published in the member key, carried out when due. */
  | { kind: 'scheduled' }
  | { kind: 'already-scheduled' };

export type ReinitializeOutcome = { kind: 'started' } | { kind: 'busy'; action: string };

export interface ReinitializeRequest {
  /** Cancel a long action in progress first. */
  force: boolean;
  /** The member to copy from: the leader, or a `clonefrom` member unless `from_leader` was asked. */
  from: string;
}

export interface ApiContext {
  /** The NodeState the HA loop published last; called on every request, so it must be cheap. */
  state(): NodeState;
  clock: Clock;
  dcs: Pick<Dcs, 'readCluster' | 'writeConfig' | 'writeFailover'>;
  /** `GET <api_url>` of a peer, for the switchover pre-check (createPeerClient). */
  fetchPeerStatus: PeerStatusFetcher;
  /** Ends the HA loop's wait, so it acts on a new intent now rather than after loop_wait. */
  wake(): void;
  /**
   * Immediate (no `schedule`): restart now, resolving when done; the API has already checked the
   * request's conditions. Scheduled: remember it (one at a time) and check its conditions
   * (restartConditionsHold) when it comes due.
   */
  restart(request: RestartRequest): Promise<RestartOutcome>;
  /** Forgets the scheduled restart; resolves false when there was none. */
  cancelScheduledRestart(): Promise<boolean>;
  /** Starts wiping and cloning this replica; the API has checked that a leader exists and it is not us. */
  reinitialize(request: ReinitializeRequest): Promise<ReinitializeOutcome>;
  /** A primary's POST /failsafe: confirmed unless failsafe mode is off or this member runs a primary itself. */
  acceptFailsafe(call: FailsafeCall): FailsafeVerdict;
  /** Re-reads the configuration file, as SIGHUP does. */
  reload(): void;
  log: Logger;
  /** How a blocking switchover waits for the new leader; by default every 250 ms for 2 * max(10, loop_wait) s. */
  switchoverWait?: { pollMs: number; timeoutMs: number };
}
