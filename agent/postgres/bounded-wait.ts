// Polling with a deadline: every wait in the controller ends, by time and by number of probes.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Probes until it resolves true; a probe that throws counts as false. Rejects once `timeoutMs`
 * has passed, naming the last error a probe threw.
 */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const maxProbes = Math.ceil(timeoutMs / intervalMs) + 1;
  let lastError: unknown;
  for (let probes = 0; probes < maxProbes; probes++) {
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(intervalMs, deadline - Date.now()));
  }
  const cause = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}
