// The few etcd v3 operations the DCS needs, small enough to have two implementations that a
// shared contract suite holds to the same behaviour: etcd itself (its JSON gateway) and an
// in-memory store for fast tests and simulations.

export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  /** Lease the key is attached to; "0" for none. */
  lease: string;
}

export type Compare =
  | { key: string; target: 'create' | 'mod'; equals: number }
  | { key: string; target: 'value'; equals: string };

export type Operation = { put: { key: string; value: string; lease?: string } } | { delete: { key: string } };

export interface RangeResult {
  /** The store's revision when it was read. */
  revision: number;
  kvs: KeyValue[];
}

export interface KvBackend {
  /** Every key starting with `prefix`. */
  range(prefix: string, timeoutMs: number): Promise<RangeResult>;
  /** Runs `success` if every compare holds, else `failure`; resolves whether the compares held. */
  txn(compares: Compare[], success: Operation[], failure: Operation[], timeoutMs: number): Promise<boolean>;
  grantLease(ttlSeconds: number, timeoutMs: number): Promise<string>;
  /** Refreshes a lease; resolves its remaining TTL in seconds, 0 when the lease no longer exists. */
  keepAlive(lease: string, timeoutMs: number): Promise<number>;
  revokeLease(lease: string, timeoutMs: number): Promise<void>;
  /** Calls `onChange` with the changed keys whenever a key under `prefix` changes. */
  watch(prefix: string, onChange: (keys: string[]) => void): () => void;
  close(): Promise<void>;
}

/** etcd did not answer in time, or could not be reached. */
export class DcsUnavailableError extends Error {
  override readonly name = 'DcsUnavailableError';
}

/** A put named a lease that no longer exists (it expired or was revoked). */
export class LeaseNotFoundError extends Error {
  override readonly name = 'LeaseNotFoundError';
}
