// How the HA loop learns how far the other members are: their `GET /patroni`, in parallel,
// each with a short deadline. Unreachable peers are reported as such, never waited for.
import type { MemberEntry } from '../dcs/dcs.js';
import type { PeerStatus } from './snapshot.js';

export interface PeerSource {
  gather(members: MemberEntry[], timeoutMs: number): Promise<PeerStatus[]>;
}
