// How a primary cut off from etcd asks the members to confirm it: POST /failsafe to each at once,
// over the same peer connections as GET /patroni. Only `200 Accepted` confirms; a member that did
// not answer is asked once more, one that refused is not.
import type { FailsafeAnswer, FailsafeCall, FailsafeConfirmations, FailsafeMember } from '../ha/failsafe.js';
import type { PeerExchange } from './peer-client.js';

const TRIES = 2;
/** Enough of a refusal's message to say why. */
const REFUSAL_CHARS = 120;

async function askMember(exchange: PeerExchange, member: FailsafeMember, call: FailsafeCall, timeoutMs: number): Promise<FailsafeAnswer> {
  for (let tried = 0; tried < TRIES; tried++) {
    const reply = await exchange(member.apiUrl, { method: 'POST', path: '/failsafe', body: call, timeoutMs });
    if (reply === undefined) continue;
    if (reply.status === 200 && reply.text === 'Accepted') return { name: member.name, accepted: true };
    return { name: member.name, accepted: false, refusal: `${reply.status} ${(reply.text ?? '').slice(0, REFUSAL_CHARS)}`.trim() };
  }
  return { name: member.name, accepted: false, refusal: 'no answer' };
}

export function failsafeConfirmationsOver(exchange: PeerExchange): FailsafeConfirmations {
  return { ask: (members, call, timeoutMs) => Promise.all(members.map((member) => askMember(exchange, member, call, timeoutMs))) };
}
