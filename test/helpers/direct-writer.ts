// A second writer that bypasses HAProxy: it writes straight to the member it last saw answering
// 200 on `GET /primary`, as a client with a stale idea of the primary would. HAProxy hides a
// second primary; this writer's acknowledgements reveal one. Its ids are negative, so it shares
// the table of the HAProxy writer.
import { startWriter, type Writer } from './writer.js';

export interface DirectTarget {
  name: string;
  pgPort: number;
  apiPort: number;
}

export interface DirectWriterOptions {
  members: DirectTarget[];
  user: string;
  password: string;
  /** How often /primary is asked when nothing fails. */
  pollMs?: number;
  maxRunMs?: number;
}

async function answersPrimary(member: DirectTarget): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${member.apiPort}/primary`, { signal: AbortSignal.timeout(500) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

export function startDirectWriter(options: DirectWriterOptions): Writer {
  const pollMs = options.pollMs ?? 200;
  const deadline = Date.now() + (options.maxRunMs ?? 30 * 60_000);
  const state: { current?: DirectTarget; stopped: boolean; wake?: () => void } = { stopped: false };
  const polling = (async () => {
    while (!state.stopped && Date.now() < deadline) {
      const answers = await Promise.all(options.members.map(answersPrimary));
      const primaries = options.members.filter((_, i) => answers[i]);
      // Stay with the current member while it still answers: a second primary must not pull us away from the first.
      if (!primaries.some((m) => m === state.current) && primaries[0]) state.current = primaries[0];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        state.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  const writer = startWriter({
    port: () => state.current?.pgPort,
    user: options.user,
    password: options.password,
    maxRunMs: options.maxRunMs,
    negativeIds: true,
    onError: () => state.wake?.(),
  });
  return {
    acks: writer.acks,
    get errors() {
      return writer.errors;
    },
    async stop() {
      state.stopped = true;
      state.wake?.();
      await Promise.all([writer.stop(), polling]);
    },
  };
}
