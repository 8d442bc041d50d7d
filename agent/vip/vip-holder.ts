// Holds the virtual address while this member leads, and takes it down the moment it may not:
// when told to (a demotion, a stop), or at the end of its lease belief even while the HA loop is
// stuck in a call to etcd, so the address is fenced by the same belief as writes. Calls run one
// after the other, in the order they were made.
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import type { VirtualAddress } from './virtual-address.js';

export class VipHolder {
  private held = false;
  private expiry: AbortController | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly address: VirtualAddress,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private serially(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step, step);
    return this.queue;
  }

  /** After each cycle: hold the address until `until` (this member's lease belief), or give it up when undefined. */
  follow(until: number | undefined): Promise<void> {
    if (until === undefined || until <= this.clock.now()) return this.release('I do not lead');
    return this.serially(async () => {
      if (!this.held) {
        try {
          await this.address.add();
          this.held = true;
          this.log.log('info', `virtual address ${this.address.description} added: I lead`);
          // Off the queue: it takes a second, and a release must not wait for it.
          void this.address.announce().then((warning) => warning && this.log.log('warn', warning));
        } catch (error) {
          this.log.log('error', `could not add the virtual address ${this.address.description}: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
      }
      this.expireAt(until);
    });
  }

  private expireAt(until: number): void {
    this.expiry?.abort();
    const expiry = new AbortController();
    this.expiry = expiry;
    void this.clock.sleep(until - this.clock.now(), expiry.signal).then(() => {
      if (!expiry.signal.aborted) void this.release('my leader lease ran out');
    });
  }

  /** Takes the address down now, if this member holds it. */
  release(why: string): Promise<void> {
    return this.serially(async () => {
      this.expiry?.abort();
      this.expiry = undefined;
      if (!this.held) return;
      try {
        await this.address.remove();
        this.held = false;
        this.log.log('info', `virtual address ${this.address.description} removed: ${why}`);
      } catch (error) {
        this.log.log('error', `could not remove the virtual address ${this.address.description} (tried again after the next cycle): ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  /** At start: an address an earlier agent left behind (systemd's ExecStopPost normally removes it) goes, since this one does not lead yet. */
  clearStale(): Promise<void> {
    return this.serially(async () => {
      if (!(await this.address.present().catch(() => false))) return;
      await this.address.remove();
      this.log.log('info', `virtual address ${this.address.description} removed: an earlier agent left it behind`);
    });
  }
}
