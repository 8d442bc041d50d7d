// How to reach an etcd cluster: client endpoints, TLS and credentials.

export interface EtcdConnection {
  /** `host:port` client endpoints. */
  hosts: string[];
  protocol: 'http' | 'https';
  auth?: { username: string; password: string };
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
}
