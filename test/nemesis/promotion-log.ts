// Who was meant to be the primary at each moment: the bootstrap primary, then each member from the
// moment its agent logged "INFO: promoting:" (its decision, so a write the old primary
// acknowledges after it counts against the old primary). Read from the agents' output as it
// comes: an agent's kept output is bounded, and a restarted agent starts a new one.
import type { AgentMember } from '../helpers/agent-cluster.js';
import { promotionLineTime } from '../helpers/agent-log.js';

export interface Promotion {
  member: string;
  at: number;
}

export class PromotionLog {
  private readonly promotions: Promotion[];

  constructor(first: Promotion) {
    this.promotions = [first];
  }

  /** Follows the output of the member's current agent process; call after each start. */
  follow(member: AgentMember): void {
    const child = member.agent?.child;
    for (const stream of [child?.stdout, child?.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.read(member.name, line);
      });
    }
  }

  private read(member: string, line: string): void {
    const at = promotionLineTime(line);
    if (at === undefined) return;
    this.promotions.push({ member, at });
    this.promotions.sort((a, b) => a.at - b.at);
  }

  /** Every promotion seen since `since` (epoch ms), in order, as lines. */
  since(since: number): string[] {
    return this.promotions.filter((p) => p.at >= since).map((p) => `${new Date(p.at).toISOString()} ${p.member} promoting`);
  }

  /** The member last promoted at or before `at`. */
  primaryAt(at: number): string {
    return this.promotions.findLast((p) => p.at <= at)?.member ?? this.promotions[0]!.member;
  }
}
