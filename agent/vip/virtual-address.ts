// The virtual IP address on this host: one interface per external system, as for etcd,
// PostgreSQL and the watchdog. `ip` adds and removes it; adding announces it with gratuitous ARP,
// so the network learns at once which host it moved to.

export interface VirtualAddress {
  /** `10.0.1.100/24 on eth0`, for log lines. */
  readonly description: string;
  /** Whether the interface carries the address now. */
  present(): Promise<boolean>;
  /** Adds it if absent. */
  add(): Promise<void>;
  /** Gratuitous ARP for it; resolves with a warning sentence when that failed (the address is up anyway). Takes about a second. */
  announce(): Promise<string | undefined>;
  /** Removes it if present. */
  remove(): Promise<void>;
}
