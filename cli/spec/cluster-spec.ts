// Generated from schemas/cluster.schema.json by schemas/generate-types.mjs; do not edit. Run "npm run generate".

/**
 * An initdb flag (`data-checksums`) or a one-key mapping (`encoding: UTF8`).
 */
export type InitdbOption =
  | string
  | {
      [k: string]: string | number | boolean;
    };

/**
 * A pgha cluster spec: the hosts of one highly available PostgreSQL cluster, how to reach them, and how PostgreSQL, etcd, HAProxy, the pgha agent and the watchdog run on them. Versioned in Git and read by `pgha validate`, `pgha plan` and `pgha apply`.
 */
export interface ClusterSpec {
  /**
   * Version of this document's format. Always `pgha/v1`.
   */
  apiVersion: 'pgha/v1';
  /**
   * Kind of document. Always `Cluster`.
   */
  kind: 'Cluster';
  /**
   * Names that identify the cluster in etcd and in Patroni-compatible tools.
   */
  metadata: {
    /**
     * The cluster's scope: its name under the namespace in etcd (`/<namespace>/<name>/`), PostgreSQL's `cluster_name`, and what patronictl calls the cluster.
     */
    name: string;
    /**
     * etcd key prefix shared by clusters, as Patroni's `namespace` setting.
     */
    namespace: string;
    /**
     * Free text for people reading the spec; not used by pgha.
     */
    description?: string;
  };
  /**
   * Every machine of the cluster, each with the roles it plays. The order does not matter.
   *
   * @minItems 1
   */
  hosts: [Host, ...Host[]];
  /**
   * How the pgha CLI reaches every host over SSH. A host's own `ssh` section overrides these.
   */
  ssh: {
    /**
     * Login user. When it is not `root`, set `sudo: true`.
     */
    user: string;
    /**
     * SSH port of every host.
     */
    port: number;
    /**
     * Private key file on the machine running pgha (`~` expands to the home directory; relative paths are relative to the spec file). Without it the SSH agent (`SSH_AUTH_SOCK`) provides the keys.
     */
    identity_file?: string;
    /**
     * Offer the keys held by the SSH agent named by `SSH_AUTH_SOCK`.
     */
    use_agent: boolean;
    /**
     * known_hosts file that every host key is checked against (relative to the spec file). A host whose key is missing or different stops the run, unless `--accept-new-host-keys` records a first contact.
     */
    known_hosts: string;
    jump_host?: JumpHost;
    /**
     * Run every command through `sudo -n` (the user needs passwordless sudo).
     */
    sudo: boolean;
    /**
     * Seconds to wait for a host to answer before the run stops with "host unreachable".
     */
    connect_timeout: number;
  };
  /**
   * PostgreSQL on every host with the `postgres` role: version, where it lives, and the node-local settings that the agent writes into its own configuration.
   */
  postgres: {
    /**
     * PostgreSQL major version, installed from the distribution's packages (`postgresql-<version>`).
     */
    version: 13 | 14 | 15 | 16 | 17;
    /**
     * Port PostgreSQL listens on, on the host's address and on localhost.
     */
    port: number;
    /**
     * Data directory. `{version}` is replaced by the major version.
     */
    data_dir: string;
    /**
     * Directory holding pg_ctl, initdb, pg_basebackup and pg_rewind. `{version}` is replaced by the major version.
     */
    bin_dir: string;
    parameters: Parameters;
    /**
     * pg_hba.conf lines, in order. `dcs.postgresql.pg_hba`, when set, replaces them cluster-wide.
     */
    pg_hba: string[];
    /**
     * Options for initdb when the cluster is first created: flags as strings (`data-checksums`) or one-key mappings (`encoding: UTF8`), as in Patroni's `bootstrap.initdb`.
     */
    initdb: InitdbOption[];
    /**
     * The roles the agent uses. Passwords are secret references, never literal values.
     */
    authentication: {
      superuser: RoleCredentials;
      replication: RoleCredentials1;
      rewind?: RoleCredentials2;
    };
    /**
     * Extra login roles created on the primary once the cluster is bootstrapped, by role name.
     */
    users: {
      [k: string]: {
        password: SecretRef;
        /**
         * Role attributes as in CREATE ROLE, e.g. `CREATEDB`, `NOLOGIN`, `CONNECTION LIMIT 10`.
         */
        options: string[];
      };
    };
  };
  /**
   * The cluster's dynamic configuration, stored in etcd under `<namespace>/<scope>/config` and shared by every agent. Keys are Patroni's, verbatim, so a Patroni `bootstrap.dcs` section can be pasted here. `pgha plan` diffs it against the live value; `pgha apply` sends the difference as one PATCH.
   */
  dcs: {
    /**
     * Seconds the leader key lives without renewal: how long a dead primary blocks failover. Needs `loop_wait + 2 * retry_timeout <= ttl`. pgha's default is 10 (Patroni's 30).
     */
    ttl: number;
    /**
     * Seconds between two runs of the agent's HA loop (a change in etcd wakes it earlier). pgha's default is 2 (Patroni's 10).
     */
    loop_wait: number;
    /**
     * Seconds an etcd or PostgreSQL operation may take, retries included, before the agent treats the system as unavailable. An outage shorter than this never demotes the primary. pgha's default is 4 (Patroni's 10).
     */
    retry_timeout: number;
    /**
     * How far (bytes, or a size such as `1MB`) a replica may be behind the last known primary position and still be promoted.
     */
    maximum_lag_on_failover: number | string;
    /**
     * If positive, a synchronous standby lagging more than this (bytes or a size) is replaced by a healthier one. -1 disables the check.
     */
    maximum_lag_on_syncnode: number | string;
    /**
     * Keep only this many entries in the `history` key; 0 keeps all.
     */
    max_timelines_history: number;
    /**
     * Seconds a crashed primary that still holds the leader key may take to restart before the agent gives up the key and a replica is promoted. 0 fails over at once.
     */
    primary_start_timeout: number;
    /**
     * In synchronous mode, seconds a stopping primary may take before its postmaster is killed. 0 waits forever.
     */
    primary_stop_timeout: number;
    /**
     * `true`: the agent manages `synchronous_standby_names` so a commit waits for a synchronous standby and failover never loses it. `quorum`: quorum commit (`ANY n (...)`). `false`: asynchronous replication.
     */
    synchronous_mode: false | true | 'quorum';
    /**
     * With `synchronous_mode`: never fall back to asynchronous replication; writes block while no synchronous standby is available.
     */
    synchronous_mode_strict: boolean;
    /**
     * Number of synchronous standbys to keep. Must be smaller than the number of postgres hosts.
     */
    synchronous_node_count: number;
    /**
     * Let the primary keep running while etcd is unreachable, as long as every member answers it directly.
     */
    failsafe_mode: boolean;
    /**
     * Refuse to promote a member whose timeline is behind the cluster's.
     */
    check_timeline: boolean;
    /**
     * How long the primary keeps the replication slot of a member that disappeared (seconds, or a duration such as `30min`). 0 drops it at once.
     */
    member_slots_ttl: number | string;
    /**
     * Permanent replication slots kept on every member, by slot name. An empty value means a physical slot.
     */
    slots?: {
      /**
       * A permanent slot: empty for a physical slot, or its attributes.
       */
      [k: string]: {
        /**
         * Slot type.
         */
        type: 'physical' | 'logical';
        /**
         * Database of a logical slot.
         */
        database?: string;
        /**
         * Output plugin of a logical slot, e.g. `pgoutput`.
         */
        plugin?: string;
      } | null;
    };
    /**
     * Slots the agent never drops or creates: each entry matches the slots that have all of its attributes.
     */
    ignore_slots?: {
      /**
       * Slot name.
       */
      name?: string;
      /**
       * Slot type.
       */
      type?: 'physical' | 'logical';
      /**
       * Database of a logical slot.
       */
      database?: string;
      /**
       * Output plugin of a logical slot.
       */
      plugin?: string;
    }[];
    /**
     * Makes this cluster a standby of another one: its leader replicates from `host`:`port` (or restores WAL with `restore_command`). Removing the section promotes the cluster.
     */
    standby_cluster?: {
      /**
       * Address of the upstream primary.
       */
      host?: string;
      /**
       * Port of the upstream primary.
       */
      port?: number;
      /**
       * Slot to stream from on the upstream primary.
       */
      primary_slot_name?: string;
      /**
       * How the standby leader is first created, in order of preference.
       */
      create_replica_methods?: string[];
      /**
       * PostgreSQL's `restore_command` for the standby leader.
       */
      restore_command?: string;
      /**
       * PostgreSQL's `archive_cleanup_command` for the standby leader.
       */
      archive_cleanup_command?: string;
      /**
       * PostgreSQL's `recovery_min_apply_delay`, e.g. `5min`.
       */
      recovery_min_apply_delay?: number | string;
    };
    /**
     * PostgreSQL settings shared by every member.
     */
    postgresql: {
      /**
       * Bring a former primary back with pg_rewind when its timeline diverged, instead of cloning it again. pgha's default is true (Patroni's false).
       */
      use_pg_rewind: boolean;
      /**
       * Keep a physical replication slot per member on the primary, so WAL a replica still needs is never removed.
       */
      use_slots: boolean;
      /**
       * When pg_rewind fails, wipe the data directory and clone the member again.
       */
      remove_data_directory_on_rewind_failure: boolean;
      /**
       * When a member's timeline diverged and pg_rewind cannot be used, wipe its data directory and clone it again.
       */
      remove_data_directory_on_diverged_timelines: boolean;
      parameters: Parameters1;
      /**
       * pg_hba.conf lines for every member; replaces `postgres.pg_hba` when set.
       */
      pg_hba?: string[];
      /**
       * pg_ident.conf lines for every member.
       */
      pg_ident?: string[];
      recovery_conf?: Parameters2;
    };
  };
  /**
   * The etcd cluster that holds the leader lock, run on the hosts with the `etcd` role.
   */
  etcd: {
    /**
     * Port for etcd clients (the agents and the pgha CLI).
     */
    client_port: number;
    /**
     * Port etcd members talk to each other on.
     */
    peer_port: number;
    /**
     * etcd's data directory on each etcd host.
     */
    data_dir: string;
    /**
     * etcd's `heartbeat-interval`, in milliseconds.
     */
    heartbeat_interval: number;
    /**
     * etcd's `election-timeout`, in milliseconds (at least 5 heartbeats).
     */
    election_timeout: number;
    tls?: TlsFiles;
    auth?: BasicAuth;
    /**
     * Allow a single etcd member. It is a single point of failure, so pgha warns about it.
     */
    allow_single_etcd: boolean;
  };
  /**
   * HAProxy on the hosts with the `haproxy` role: one port that always reaches the primary, one that spreads reads over healthy replicas, both following the agents' health checks.
   */
  haproxy: {
    /**
     * Port that routes to the current primary (checked with the agents' `GET /primary`).
     */
    primary_port: number;
    /**
     * Port that routes to streaming replicas (checked with the agents' `GET /replica`).
     */
    replica_port: number;
    /**
     * Port of HAProxy's statistics page.
     */
    stats_port: number;
    /**
     * Time between two health checks of each agent (seconds, or a duration such as `500ms`).
     */
    check_interval: number | string;
    /**
     * Failed checks in a row before a server is taken out.
     */
    fall: number;
    /**
     * Passed checks in a row before a server is put back.
     */
    rise: number;
    /**
     * HAProxy's global `maxconn`.
     */
    max_connections: number;
  };
  /**
   * The pgha agent on every postgres host: its REST API (Patroni's endpoints) and logging.
   */
  agent: {
    /**
     * Port of the agent's REST API (Patroni's default is 8008).
     */
    rest_port: number;
    auth?: BasicAuth1;
    tls?: TlsFiles1;
    /**
     * Least severe level the agent logs.
     */
    log_level: 'debug' | 'info' | 'warn' | 'error';
  };
  /**
   * Hardware or softdog watchdog that resets a primary host whose agent stops renewing the leader key, so it cannot keep accepting writes after a failover.
   */
  watchdog: {
    /**
     * `off`: no watchdog. `automatic`: use it when the device can be opened. `required`: a member without a working watchdog never becomes primary.
     */
    mode: 'off' | 'automatic' | 'required';
    /**
     * Watchdog device.
     */
    device: string;
    /**
     * Seconds between the watchdog firing and the leader key expiring: the watchdog timeout is `ttl - safety_margin`. -1 sets the timeout to half of `ttl`.
     */
    safety_margin: number;
    /**
     * The softdog module's `soft_margin` (seconds), its timeout until the agent sets its own.
     */
    soft_margin: number;
  };
}
/**
 * One machine of the cluster.
 */
export interface Host {
  /**
   * Member name: unique in the cluster, used in etcd keys, as `application_name` and for the replication slot.
   */
  name: string;
  /**
   * IP address or DNS name the other hosts and the pgha CLI reach this host at.
   */
  address: string;
  /**
   * What runs on this host: `postgres` (PostgreSQL and the agent), `etcd`, `haproxy`.
   *
   * @minItems 1
   */
  roles: ['postgres' | 'etcd' | 'haproxy', ...('postgres' | 'etcd' | 'haproxy')[]];
  /**
   * SSH settings for this host only; they override the top-level `ssh` section.
   */
  ssh?: {
    /**
     * Address to open SSH to, when it differs from the host's `address` (e.g. a management network).
     */
    address?: string;
    /**
     * Login user.
     */
    user?: string;
    /**
     * SSH port.
     */
    port?: number;
    /**
     * Private key file.
     */
    identity_file?: string;
    jump_host?: JumpHost;
    /**
     * Run every command through `sudo -n`.
     */
    sudo?: boolean;
  };
  tags?: Tags;
}
/**
 * A bastion host that SSH connections go through (like `ssh -J`).
 */
export interface JumpHost {
  /**
   * Address of the jump host.
   */
  address: string;
  /**
   * SSH port of the jump host.
   */
  port: number;
  /**
   * Login user on the jump host (default: the host's user).
   */
  user?: string;
}
/**
 * Patroni member tags, with Patroni's meanings. Other keys are custom tags, usable in `?tag_<name>=<value>` health checks.
 */
export interface Tags {
  /**
   * Never promote this member.
   */
  nofailover?: boolean;
  /**
   * Among members with the same WAL position, the higher priority is promoted; 0 means never.
   */
  failover_priority?: number;
  /**
   * Keep this member out of the replica load-balancing port (`/replica` answers 503).
   */
  noloadbalance?: boolean;
  /**
   * Prefer this member as the source when a new replica is cloned.
   */
  clonefrom?: boolean;
  /**
   * Never choose this member as a synchronous standby.
   */
  nosync?: boolean;
  /**
   * Higher is preferred as a synchronous standby; 0 means never.
   */
  sync_priority?: number;
  /**
   * Stream from this member instead of the primary (cascading replication).
   */
  replicatefrom?: string;
  /**
   * Do not stream; recover from the WAL archive only.
   */
  nostream?: boolean;
  /**
   * A custom tag.
   */
  [k: string]: string | number | boolean | undefined;
}
/**
 * Node-local PostgreSQL settings (Patroni's local `postgresql.parameters`). They win over `dcs.postgresql.parameters`; cluster-wide settings belong there instead.
 */
export interface Parameters {
  [k: string]: string | number | boolean;
}
/**
 * Superuser the agent connects as for health checks, promotion and role management.
 */
export interface RoleCredentials {
  /**
   * Role name.
   */
  username: string;
  password: SecretRef;
}
/**
 * Where a secret comes from, on the machine running pgha: an environment variable (`{env: NAME}`) or a file (`{file: PATH}`, relative to the spec file). Secrets never appear in the spec, the plan or the logs.
 */
export interface SecretRef {
  /**
   * Name of an environment variable.
   */
  env?: string;
  /**
   * Path of a file whose content (without a trailing newline) is the secret.
   */
  file?: string;
}
/**
 * Role replicas stream WAL as (created with REPLICATION at bootstrap).
 */
export interface RoleCredentials1 {
  /**
   * Role name.
   */
  username: string;
  password: SecretRef;
}
/**
 * Role pg_rewind connects as; without it the superuser is used.
 */
export interface RoleCredentials2 {
  /**
   * Role name.
   */
  username: string;
  password: SecretRef;
}
/**
 * PostgreSQL settings for every member. Settings that must be equal on all members (`max_connections`, `max_wal_senders`, `wal_level`, ...) can only be set here.
 */
export interface Parameters1 {
  [k: string]: string | number | boolean;
}
/**
 * Extra recovery settings for replicas, written as PostgreSQL settings.
 */
export interface Parameters2 {
  [k: string]: string | number | boolean;
}
/**
 * TLS for etcd clients and peers. The files are read on the machine running pgha and copied to the hosts.
 */
export interface TlsFiles {
  /**
   * CA certificate that peers' certificates are checked against.
   */
  ca_file?: string;
  /**
   * Certificate (PEM).
   */
  cert_file: string;
  /**
   * Private key (PEM). Its content is treated as a secret.
   */
  key_file: string;
}
/**
 * etcd user the agents and the pgha CLI authenticate as.
 */
export interface BasicAuth {
  /**
   * User name.
   */
  username: string;
  password: SecretRef;
}
/**
 * Basic auth required on every mutating REST call (POST, PUT, PATCH, DELETE).
 */
export interface BasicAuth1 {
  /**
   * User name.
   */
  username: string;
  password: SecretRef;
}
/**
 * Serve the REST API over HTTPS with these files (read on the machine running pgha, copied to the hosts).
 */
export interface TlsFiles1 {
  /**
   * CA certificate that peers' certificates are checked against.
   */
  ca_file?: string;
  /**
   * Certificate (PEM).
   */
  cert_file: string;
  /**
   * Private key (PEM). Its content is treated as a secret.
   */
  key_file: string;
}
