// How to reach an etcd cluster: client endpoints, TLS and credentials.

export interface EtcdConnection {
  /** `host:port` client endpoints. */
  hosts: string[];
  protocol: 'http' | 'https';
  auth?: { username: string; password: string };
  /** Without `ca`, the system's trusted authorities. A client certificate must not have a Common Name: etcd refuses it on the JSON gateway. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /**
   * While pgha moves a running etcd from plain HTTP to TLS: a member that answers a TLS request as a
   * plain-HTTP server is spoken to over plain HTTP, without credentials, until it serves TLS.
   */
  plainHttpFallback?: boolean;
}
