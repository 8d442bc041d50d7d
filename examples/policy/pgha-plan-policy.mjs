// An example policy over pgha's JSON plan (schemas/plan.schema.json), shaped like a conftest
// policy: each rule returns its denial messages, and `deny` is all of them. Rules read only the
// plan's data (`kind`, `action`, `restart_needed`, `values`), never its sentences (`details`).
// `data` is what conftest's --data would give a Rego policy: here `{ "restart_window": true }`.

const MIN_TTL = 10;

/** The DCS `ttl` (seconds a leader key lives without renewal) stays at least MIN_TTL. */
function ttlAtLeastTen(plan) {
  return plan.changes
    .filter((change) => change.kind === 'dcs_config' && typeof change.values?.after?.ttl === 'number' && change.values.after.ttl < MIN_TTL)
    .map((change) => `${change.id}: ttl ${change.values.after.ttl} is below ${MIN_TTL} s (it was ${change.values.before?.ttl ?? 'unset'}): a primary would lose its leader key on a short network pause`);
}

/** A plan that restarts PostgreSQL is applied only while a restart window is open. */
function restartsInWindow(plan, data) {
  if (data.restart_window === true) return [];
  const parameters = [...new Set(plan.changes.flatMap((change) => change.restart_needed ?? []))].sort();
  return plan.changes
    .filter((change) => change.kind === 'postgres_rolling_restart')
    .map((change) => {
      const why = parameters.length > 0 ? parameters.join(', ') : `pending on ${change.values?.before?.pending_restart?.join(', ') || 'some members'}`;
      return `${change.id}: restarts PostgreSQL on every member (${why}) outside a restart window: plan again with the data {"restart_window": true} while one is open`;
    });
}

/** No role of postgres.users becomes a superuser through a plan. */
function noNewSuperuser(plan) {
  return plan.changes
    .filter((change) => change.kind === 'postgres_role' && change.values?.after?.attributes?.superuser === true && change.values.before?.attributes?.superuser !== true)
    .map((change) => `${change.id}: role ${change.values.after.name} would become a superuser; grant what it needs instead`);
}

/** The rules by name, for a runner that counts them as conftest counts its tests. */
export const RULES = { ttl_at_least_10: ttlAtLeastTen, restarts_in_window: restartsInWindow, no_new_superuser: noNewSuperuser };

/** Every denial of `plan`, the way conftest collects a policy's `deny` messages. */
export function deny(plan, data = {}) {
  return Object.values(RULES).flatMap((rule) => rule(plan, data));
}
