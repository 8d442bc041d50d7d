// The virtual address through iproute2's `ip` and iputils' `arping`, run by argv within a deadline.
// The agent runs as postgres: the unit grants it CAP_NET_ADMIN and CAP_NET_RAW for this.
import type { Vip } from '../contract/schema-types.js';
import { describeExit, runProcess } from '../postgres/process-runner.js';
import type { VirtualAddress } from './virtual-address.js';

const COMMAND_TIMEOUT_MS = 5000;

export interface IpVirtualAddressOptions {
  vip: Vip;
  /** Put before every command; tests run them in a network namespace (`ip netns exec NAME`). */
  prefix?: string[];
}

export class IpVirtualAddress implements VirtualAddress {
  readonly description: string;
  private readonly host: string;

  constructor(private readonly options: IpVirtualAddressOptions) {
    this.description = `${options.vip.address} on ${options.vip.interface}`;
    this.host = options.vip.address.slice(0, options.vip.address.indexOf('/'));
  }

  private async run(argv: string[]): Promise<{ ok: boolean; output: string; failure: string }> {
    const [command, ...args] = [...(this.options.prefix ?? []), ...argv] as [string, ...string[]];
    const result = await runProcess(command, args, { timeoutMs: COMMAND_TIMEOUT_MS }).catch((error: unknown) => ({
      exitCode: null,
      signal: null,
      timedOut: false,
      output: error instanceof Error ? error.message : String(error),
    }));
    const said = result.output.trim().slice(-300);
    return { ok: result.exitCode === 0, output: result.output, failure: `${argv.join(' ')} ${describeExit(result)}${said ? `: ${said}` : ''}` };
  }

  async present(): Promise<boolean> {
    const shown = await this.run(['ip', '-o', '-4', 'addr', 'show', 'dev', this.options.vip.interface]);
    if (!shown.ok) throw new Error(shown.failure);
    return shown.output.split('\n').some((line) => line.split(/\s+/).includes(this.options.vip.address));
  }

  async add(): Promise<void> {
    if (await this.present()) return;
    const added = await this.run(['ip', 'addr', 'add', this.options.vip.address, 'dev', this.options.vip.interface]);
    if (!added.ok) throw new Error(added.failure);
  }

  async announce(): Promise<string | undefined> {
    const announced = await this.run(['arping', '-U', '-c', '1', '-I', this.options.vip.interface, this.host]);
    return announced.ok ? undefined : `the gratuitous ARP for ${this.host} failed (${announced.failure}); the network learns the move when its ARP caches expire`;
  }

  async remove(): Promise<void> {
    if (!(await this.present())) return;
    const removed = await this.run(['ip', 'addr', 'del', this.options.vip.address, 'dev', this.options.vip.interface]);
    if (!removed.ok && (await this.present())) throw new Error(removed.failure);
  }
}
