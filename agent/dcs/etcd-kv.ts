// KvBackend on a real etcd v3 cluster, through the etcd3 package (gRPC). Every call carries a
// deadline and is tried once: retrying is the HA loop's decision, not the client's.
import { noop } from 'cockatiel';
import { Etcd3, EtcdLeaseInvalidError, type IOptions } from 'etcd3';
import type { ICompare, IRequestOp } from 'etcd3/lib/rpc.js';
import { DcsUnavailableError, LeaseNotFoundError, type Compare, type KeyValue, type KvBackend, type Operation, type RangeResult } from './kv-backend.js';

export interface EtcdConnection {
  /** `host:port` client endpoints. */
  hosts: string[];
  protocol: 'http' | 'https';
  auth?: { username: string; password: string };
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
}

/** The first key after every key that starts with `prefix`, as etcd's range_end. */
function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

function deadline(timeoutMs: number): { deadline: Date } {
  return { deadline: new Date(Date.now() + timeoutMs) };
}

const TARGET = { create: 'Create', mod: 'Mod', value: 'Value' } as const;

function toCompare(compare: Compare): ICompare {
  const key = Buffer.from(compare.key);
  switch (compare.target) {
    case 'create':
      return { key, target: TARGET.create, result: 'Equal', create_revision: compare.equals };
    case 'mod':
      return { key, target: TARGET.mod, result: 'Equal', mod_revision: compare.equals };
    case 'value':
      return { key, target: TARGET.value, result: 'Equal', value: Buffer.from(compare.equals) };
  }
}

function toRequest(op: Operation): IRequestOp {
  if ('put' in op) return { request_put: { key: Buffer.from(op.put.key), value: Buffer.from(op.put.value), lease: op.put.lease ?? '0' } };
  return { request_delete_range: { key: Buffer.from(op.delete.key) } };
}

/** Errors that mean "etcd is not there": everything but the answers etcd gives on purpose. */
function translate(error: unknown): Error {
  if (error instanceof EtcdLeaseInvalidError || /lease not found/.test(String(error))) return new LeaseNotFoundError(String(error));
  return new DcsUnavailableError(error instanceof Error ? error.message : String(error));
}

export class EtcdKv implements KvBackend {
  private readonly client: Etcd3;

  constructor(connection: EtcdConnection) {
    const options: IOptions = {
      hosts: connection.hosts.map((host) => `${connection.protocol}://${host}`),
      dialTimeout: 2000,
      faultHandling: { global: noop, host: () => noop },
    };
    if (connection.auth) options.auth = connection.auth;
    if (connection.tls) options.credentials = { rootCertificate: connection.tls.ca, privateKey: connection.tls.key, certChain: connection.tls.cert };
    this.client = new Etcd3(options);
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translate(error);
    }
  }

  range(prefix: string, timeoutMs: number): Promise<RangeResult> {
    return this.call(async () => {
      const response = await this.client.kv.range({ key: Buffer.from(prefix), range_end: prefixEnd(prefix) }, deadline(timeoutMs));
      const kvs: KeyValue[] = response.kvs.map((kv) => ({
        key: kv.key.toString(),
        value: kv.value.toString(),
        createRevision: Number(kv.create_revision),
        modRevision: Number(kv.mod_revision),
        lease: String(kv.lease),
      }));
      return { revision: Number(response.header.revision), kvs };
    });
  }

  txn(compares: Compare[], success: Operation[], failure: Operation[], timeoutMs: number): Promise<boolean> {
    return this.call(async () => {
      const response = await this.client.kv.txn(
        { compare: compares.map(toCompare), success: success.map(toRequest), failure: failure.map(toRequest) },
        deadline(timeoutMs),
      );
      return response.succeeded;
    });
  }

  grantLease(ttlSeconds: number, timeoutMs: number): Promise<string> {
    return this.call(async () => (await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds, ID: 0 }, deadline(timeoutMs))).ID);
  }

  keepAlive(lease: string, timeoutMs: number): Promise<number> {
    return this.call(async () => {
      const stream = await this.client.leaseClient.leaseKeepAlive(deadline(timeoutMs));
      try {
        const reply = new Promise<number>((resolve, reject) => {
          stream.on('data', (response: { TTL: string }) => resolve(Number(response.TTL)));
          stream.on('error', reject);
          stream.on('end', () => reject(new Error('keepalive stream ended without an answer')));
        });
        stream.write({ ID: lease });
        return await reply;
      } finally {
        stream.end();
      }
    });
  }

  revokeLease(lease: string, timeoutMs: number): Promise<void> {
    return this.call(async () => {
      await this.client.leaseClient.leaseRevoke({ ID: lease }, deadline(timeoutMs));
    });
  }

  watch(prefix: string, onChange: (keys: string[]) => void): () => void {
    let stopped = false;
    let cancel: (() => Promise<void>) | undefined;
    void this.client
      .watch()
      .prefix(prefix)
      .create()
      .then((watcher) => {
        if (stopped) return watcher.cancel();
        cancel = () => watcher.cancel();
        watcher.on('data', (response) => onChange(response.events.map((event) => event.kv.key.toString())));
        // The etcd3 watcher reconnects by itself; an error while etcd is away must not crash us.
        watcher.on('error', () => undefined);
      })
      .catch(() => undefined);
    return () => {
      stopped = true;
      void cancel?.().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
