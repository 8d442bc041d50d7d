// Whether a saved plan still describes the cluster: the same spec, the same desired resources,
// and every observed resource as it was when the plan was made. Digests made with another key
// cannot be compared at all.
import { DIGEST_KEY_ENV } from './digest-key.js';
import type { Plan } from './plan.js';

export function staleReasons(saved: Plan, fresh: Plan): string[] {
  if (saved.digest_key !== fresh.digest_key) {
    return [`it was made with another digest key than this machine's, so what it observed cannot be compared: run plan and apply where ${DIGEST_KEY_ENV} names the same key file`];
  }
  const reasons: string[] = [];
  if (saved.cluster !== fresh.cluster) reasons.push(`it is for cluster ${saved.cluster}, not ${fresh.cluster}`);
  if (saved.spec.commit !== fresh.spec.commit) reasons.push(`the spec's commit is now ${fresh.spec.commit?.slice(0, 12) ?? 'none'}, the plan was made at ${saved.spec.commit?.slice(0, 12) ?? 'none'}`);
  else if (saved.spec.digest !== fresh.spec.digest) reasons.push(`the spec ${fresh.spec.file} changed since the plan was made`);
  const ids = new Set([...Object.keys(saved.observed), ...Object.keys(fresh.observed)]);
  for (const id of [...ids].sort()) {
    if (saved.observed[id] !== fresh.observed[id]) reasons.push(`${id} changed since the plan read it`);
  }
  if (reasons.length > 0) return reasons;
  const freshDesired = new Map(fresh.changes.map((c) => [c.id, c.desired_digest]));
  for (const change of saved.changes) {
    const now = freshDesired.get(change.id);
    if (now !== undefined && now !== change.desired_digest) reasons.push(`${change.id} would now be made differently`);
  }
  return reasons;
}
