// Generated from schemas/*.schema.json by schemas/generate-types.mjs; do not edit. Run "npm run generate".

/**
 * An initdb flag (`data-checksums`) or a one-key mapping (`encoding: UTF8`).
 */
export type InitdbOption =
  | string
  | {
      [k: string]: string | number | boolean;
    };
/**
 * One planned change of one resource.
 */
export type Change = {
  /**
   * `<host>/<kind>/<name>`, unique in the plan.
   */
  id: string;
  /**
   * The host's name, or `cluster` for a change that spans hosts (the DCS config, the rolling restarts of the agents, of etcd and of PostgreSQL, a PostgreSQL role, the etcd member or member key of a host dropped from the spec).
   */
  host: string;
  /**
   * Kind of resource.
   */
  kind:
    | 'package'
    | 'directory'
    | 'file'
    | 'service'
    | 'kernel_module'
    | 'agent_release'
    | 'distro_clusters'
    | 'etcd_member'
    | 'dcs_config'
    | 'agent_restart'
    | 'etcd_restart'
    | 'postgres_role'
    | 'host_certificate'
    | 'etcd_auth'
    | 'etcd_tls_cutover'
    | 'agent_settle'
    | 'postgres_rolling_restart'
    | 'member_key';
  /**
   * What the change is to: a path, a package, a unit.
   */
  name: string;
  /**
   * Apply stage: every host's packages, files and units, then etcd, the agents, HAProxy, the DCS config, the roles of postgres.users.
   */
  stage: 'host' | 'etcd' | 'agent' | 'haproxy' | 'dcs' | 'roles';
  /**
   * `create` (+), `update` (~), `replace` (-/+), `delete` (-).
   */
  action: 'create' | 'update' | 'replace' | 'delete';
  /**
   * One line per thing that changes.
   */
  details: string[];
  /**
   * Unified diff of a file's content, secrets masked.
   */
  diff?: string;
  /**
   * PostgreSQL parameters that take effect only after a restart.
   */
  restart_needed?: string[];
  /**
   * The resource's state before and after the change as data, for policies over the JSON plan (conftest, OPA): snake_case keys, never a secret (a password shows only as whether the spec's one is in place, a file's content only as a digest). null where there is none: before a create, after a delete. Each kind's shape is its `<kind>_state` under `$defs` (the rolling restarts share `rolling_restart_state`).
   */
  values: {
    /**
     * As it is now (null: absent).
     */
    before: {
      [k: string]: unknown;
    } | null;
    /**
     * As apply leaves it (null: removed).
     */
    after: {
      [k: string]: unknown;
    } | null;
  };
  /**
   * For an agent_restart or an etcd_restart: the hosts whose running agent (replicas before the leader) or etcd member restarts, one at a time.
   */
  hosts?: string[];
  /**
   * Ids of planned changes this one waits for.
   */
  after: string[];
  desired_digest: string;
};

/**
 * Every document pgha reads, by kind.
 */
export interface Documents {
  cluster?: ClusterSpec;
  agent?: AgentConfig;
  dcs?: DynamicConfig;
  plan?: Plan;
  status?: ClusterStatus;
}
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
    callbacks?: Callbacks;
    /**
     * Seconds a callback may run before the agent kills its process group.
     */
    callback_timeout: number;
    /**
     * Options for initdb when the cluster is first created: flags as strings (`data-checksums`) or one-key mappings (`encoding: UTF8`), as in Patroni's `bootstrap.initdb`.
     */
    initdb: InitdbOption[];
    /**
     * The roles the agent uses. Passwords are secret references, never literal values.
     */
    authentication: {
      superuser: RoleCredentials;
      replication: RoleCredentials;
      rewind?: RoleCredentials;
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
  dcs: DynamicConfig;
  /**
   * The etcd cluster that holds the leader lock, run on the hosts with the `etcd` role.
   */
  etcd: {
    client_port: number;
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
    /**
     * Run etcd over plain HTTP without authentication. By default etcd serves TLS to clients and peers with a certificate per host from the cluster CA that pgha keeps beside the spec in `.pgha/<cluster>/`, asks every client for a certificate from that CA, and has authentication on (a `root` user for pgha, a user per cluster for the agents); `pgha validate` warns about this opt-out.
     */
    insecure: boolean;
  };
  /**
   * HAProxy on the hosts with the `haproxy` role: one port that always reaches the primary, one that spreads reads over healthy replicas, both following the agents' health checks.
   */
  haproxy: {
    primary_port: number;
    replica_port: number;
    stats_port: number;
    /**
     * A duration: seconds as an integer, or a number with a PostgreSQL unit (`ms`, `s`, `min`, `h`, `d`).
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
    rest_port: number;
    auth?: BasicAuth;
    tls?: TlsFiles;
    /**
     * Serve the REST API over plain HTTP. By default it is HTTPS, with a certificate per host from the cluster CA that pgha keeps beside the spec in `.pgha/<cluster>/`; `pgha validate` warns about this opt-out.
     */
    insecure: boolean;
    /**
     * Least severe level the agent logs.
     */
    log_level: 'debug' | 'info' | 'warn' | 'error';
  };
  /**
   * How applications reach the primary besides HAProxy's ports.
   */
  routing: {
    vip?: Vip;
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
     * The softdog module's `soft_margin`: the watchdog's timeout in seconds, which `pgha apply` writes to /etc/modprobe.d. The agent cannot change a driver's timeout (Node.js has no ioctl), so this one must fit: at most `ttl - safety_margin`, or a hung primary is reset only after its leader key expired (and in `required` mode the agent refuses to lead), and at least `loop_wait`, or it resets a healthy primary between two cycles. Defaults to `ttl - safety_margin` (half of `ttl` when safety_margin is -1).
     */
    soft_margin?: number;
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
 * PostgreSQL settings by name; values are strings, numbers or booleans, as in postgresql.conf.
 */
export interface Parameters {
  [k: string]: string | number | boolean;
}
/**
 * Commands the agent runs after PostgreSQL events, as `<command> <action> <role> <scope>` (Patroni's convention; the role is `primary`, `replica` or `demoted`): split into words as a shell splits them but never run through a shell, run in the background as the agent's user, each cut (its whole process group) at `callback_timeout`; a newer call of the same action cancels one still running, and what each printed goes to the agent's log.
 */
export interface Callbacks {
  /**
   * After PostgreSQL starts.
   */
  on_start?: string;
  /**
   * After PostgreSQL stops.
   */
  on_stop?: string;
  /**
   * After PostgreSQL restarts.
   */
  on_restart?: string;
  /**
   * After PostgreSQL reloads its configuration.
   */
  on_reload?: string;
  /**
   * After a promotion or demotion.
   */
  on_role_change?: string;
}
export interface RoleCredentials {
  /**
   * Role name.
   */
  username: string;
  password: SecretRef;
}
/**
 * Where a secret comes from, on the machine running pgha: an environment variable (`{env: NAME}`) or a file (`{file: PATH}`, relative to the spec file). The secret is one line, neither empty nor only whitespace (a file may end with one newline). Secrets never appear in the spec, the plan or the logs.
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
 * Patroni's dynamic configuration: the `config` key in etcd that every agent shares. Keys are Patroni's, verbatim, so a Patroni `bootstrap.dcs` section can be pasted in.
 */
export interface DynamicConfig {
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
   * A size: bytes as an integer, or a number with a PostgreSQL unit (`B`, `kB`, `MB`, `GB`, `TB`; 1kB = 1024B).
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
   * A duration: seconds as an integer, or a number with a PostgreSQL unit (`ms`, `s`, `min`, `h`, `d`).
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
     * A duration: seconds as an integer, or a number with a PostgreSQL unit (`ms`, `s`, `min`, `h`, `d`).
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
    parameters: Parameters;
    /**
     * pg_hba.conf lines for every member; replaces `postgres.pg_hba` when set.
     */
    pg_hba?: string[];
    /**
     * pg_ident.conf lines for every member.
     */
    pg_ident?: string[];
    recovery_conf?: Parameters;
  };
}
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
export interface BasicAuth {
  /**
   * User name.
   */
  username: string;
  password: SecretRef;
}
/**
 * A virtual IP address that the leader's host holds: added (and announced with gratuitous ARP) after promotion while the leader's lease belief is valid, removed before anything else when it demotes, loses the lease, the cluster pauses, or the agent stops.
 */
export interface Vip {
  /**
   * The IPv4 address with its prefix length, as `ip addr add` takes it: `10.0.1.100/24`.
   */
  address: string;
  /**
   * The network interface that carries it on every PostgreSQL host, e.g. `eth0`.
   */
  interface: string;
}
/**
 * Configuration of one pgha-agent (`/etc/pgha/agent.yaml`, mode 0600, owned by postgres). `pgha apply` renders it from the cluster spec; its sections follow Patroni's local configuration so Patroni users find their way. Unlike the cluster spec it holds the secrets themselves.
 */
export interface AgentConfig {
  /**
   * This member's name: unique in the cluster, used in etcd keys, as `application_name` and for its replication slot.
   */
  name: string;
  /**
   * The cluster's name under the namespace in etcd.
   */
  scope: string;
  /**
   * etcd key prefix, as Patroni's `namespace`.
   */
  namespace: string;
  /**
   * Logging to stderr (journald when run by systemd).
   */
  log: {
    /**
     * Least severe level logged.
     */
    level: 'debug' | 'info' | 'warn' | 'error';
  };
  /**
   * The etcd v3 cluster that holds the leader key.
   */
  etcd: {
    /**
     * etcd client endpoints as `host:port`.
     *
     * @minItems 1
     */
    hosts: [string, ...string[]];
    /**
     * `https` when etcd serves TLS.
     */
    protocol: 'http' | 'https';
    /**
     * CA certificate file that etcd's certificate is checked against.
     */
    cacert?: string;
    /**
     * Client certificate file. It must have no Common Name (CN): etcd refuses JSON-gateway requests from a certificate with one.
     */
    cert?: string;
    /**
     * Client key file.
     */
    key?: string;
    /**
     * etcd user.
     */
    username?: string;
    /**
     * Password of the etcd user.
     */
    password?: string;
    /**
     * Only while `pgha apply` moves a running etcd from plain HTTP to TLS: a member that answers a TLS request as a plain-HTTP server is spoken to over plain HTTP, without credentials, until it serves TLS. apply turns it off again at the end of the move.
     */
    plain_http_fallback: boolean;
  };
  /**
   * The agent's REST API (Patroni's endpoints).
   */
  restapi: {
    /**
     * `address:port` to listen on; `0.0.0.0` or `*` for every address.
     */
    listen: string;
    /**
     * `host:port` other members, HAProxy and tools reach this API at; published in etcd as `api_url`.
     */
    connect_address: string;
    authentication?: Credentials;
    /**
     * Serve HTTPS with this certificate file.
     */
    certfile?: string;
    /**
     * Private key file of `certfile`.
     */
    keyfile?: string;
    /**
     * CA certificate file for verifying clients and peers.
     */
    cafile?: string;
    /**
     * Only while `pgha apply` moves a running cluster's REST API from plain HTTP to HTTPS: with `certfile`, a connection that does not begin with a TLS handshake is served as plain HTTP on the same port, and the plain `http://` api_url is published, so that agents, HAProxy and tools not moved yet still reach this one. apply turns it off again at the end of the move.
     */
    plain_http_fallback: boolean;
  };
  /**
   * The PostgreSQL instance this agent runs.
   */
  postgresql: {
    /**
     * `address[,address...]:port` PostgreSQL listens on (its `listen_addresses` and `port`).
     */
    listen: string;
    /**
     * `host:port` other members reach PostgreSQL at; published in etcd as `conn_url`.
     */
    connect_address: string;
    /**
     * Data directory.
     */
    data_dir: string;
    /**
     * Directory of pg_ctl, initdb, pg_basebackup, pg_rewind and postgres.
     */
    bin_dir: string;
    /**
     * Roles the agent connects as.
     */
    authentication: {
      superuser: Credentials;
      replication: Credentials;
      rewind?: Credentials;
    };
    parameters: Parameters;
    /**
     * pg_hba.conf lines, unless the dynamic configuration sets `postgresql.pg_hba`.
     */
    pg_hba: string[];
    /**
     * Seconds pg_ctl may take to start or stop PostgreSQL.
     */
    pg_ctl_timeout: number;
    /**
     * Seconds a callback may run before its process group is killed (pgha's bound; Patroni has none).
     */
    callback_timeout: number;
    callbacks?: Callbacks;
  };
  /**
   * Used only by the member that creates the cluster.
   */
  bootstrap: {
    dcs: DynamicConfig;
    /**
     * initdb options: flags as strings or one-key mappings.
     */
    initdb: InitdbOption[];
  };
  tags: Tags;
  vip?: Vip;
  /**
   * The watchdog that resets this host if the agent stops renewing its leader key.
   */
  watchdog: {
    /**
     * `off`, `automatic` (use it when it can be opened) or `required` (never lead without it).
     */
    mode: 'off' | 'automatic' | 'required';
    /**
     * Watchdog device: `/dev/watchdog` or `/dev/watchdogN`.
     */
    device: string;
    /**
     * Where sysfs is mounted: the agent reads the driver's timeout from `<sysfs>/class/watchdog/<device>/timeout`, since it cannot ask the device itself (no ioctl from Node.js). Tests point it at the watchdog emulator's.
     */
    sysfs: string;
    /**
     * Seconds between the watchdog firing and the leader key expiring; -1 for half the ttl.
     */
    safety_margin: number;
  };
}
export interface Credentials {
  /**
   * User or role name.
   */
  username: string;
  /**
   * Its password.
   */
  password: string;
}
/**
 * A pgha plan: every change `pgha apply` would make to the hosts and the DCS config, as printed by `pgha plan --json` and saved by `pgha plan -out FILE`. It never holds a secret: contents are masked where their secrets are, and states are identified by HMAC-SHA-256 digests keyed with a key that stays on the machine running pgha (`PGHA_DIGEST_KEY_FILE`, by default `$XDG_STATE_HOME/pgha/digest.key`), which `pgha apply FILE` compares with the live cluster to refuse a stale plan.
 */
export interface Plan {
  /**
   * Version of this document's format (2: keyed digests).
   */
  format_version: 2;
  /**
   * Version of the pgha that made the plan.
   */
  pgha_version: string;
  /**
   * When the plan was made (ISO 8601).
   */
  created_at: string;
  /**
   * The cluster's scope (`metadata.name`).
   */
  cluster: string;
  /**
   * The spec the plan was made from.
   */
  spec: {
    /**
     * The spec file as given on the command line.
     */
    file: string;
    /**
     * The Git ref it was read at, if any.
     */
    ref?: string;
    /**
     * The commit that ref named.
     */
    commit?: string;
    digest: string;
  };
  digest_key: string;
  /**
   * Made with --purge-data: the data directories of hosts dropped from the spec are deleted, not left in place.
   */
  purge_data?: boolean;
  /**
   * The changes, in the order they are listed; `after` and `stage` order them when applied.
   */
  changes: Change[];
  /**
   * Keyed digest of every resource's observed state, by resource id, changed or not.
   */
  observed: {
    [k: string]: string;
  };
  /**
   * Things the user should know although nothing changes for them.
   */
  notices: string[];
  /**
   * Problems with the spec that do not stop the plan.
   */
  warnings: string[];
  /**
   * The counts of the summary line: a replacement counts as one add and one destroy.
   */
  summary: {
    /**
     * Resources to create (a replacement counts here too).
     */
    add: number;
    /**
     * Resources to update in place.
     */
    change: number;
    /**
     * Resources to delete (a replacement counts here too).
     */
    destroy: number;
  };
}
/**
 * A running cluster as `pgha status --json` prints it: every member with its role and health, from the agents' REST API (`GET /cluster` of the first agent that answers, and each member's own `GET /patroni`).
 */
export interface ClusterStatus {
  /**
   * The cluster's scope (`metadata.name`).
   */
  cluster: string;
  /**
   * Whether the cluster is paused (maintenance mode: `pgha pause`): no automatic failover, promotion, demotion or restart.
   */
  paused: boolean;
  /**
   * A switchover waiting for its time, when one is scheduled.
   */
  scheduled_switchover?: {
    /**
     * When it is due (ISO 8601).
     */
    at: string;
    /**
     * The leader it moves away from.
     */
    from?: string;
    /**
     * The member it hands over to.
     */
    to?: string;
  };
  /**
   * Every member whose key is in etcd, by name.
   */
  members: StatusMember[];
}
/**
 * One member.
 */
export interface StatusMember {
  /**
   * The member's name (its host's name in the spec).
   */
  name: string;
  /**
   * The address of its PostgreSQL.
   */
  host?: string;
  /**
   * `leader` (holds the leader key), `sync_standby`, `quorum_standby`, `replica`, or `standby_leader`.
   */
  role: string;
  /**
   * `running`, `streaming` (a replica receiving WAL), `stopped`, `crashed`, `starting`, `creating replica`, ... as its agent publishes it.
   */
  state: string;
  /**
   * Its PostgreSQL timeline.
   */
  timeline?: number;
  /**
   * How far a replica's WAL is behind the leader's last known position, in bytes; absent for the leader, null when unknown.
   */
  lag_bytes?: number | null;
  /**
   * Whether a setting waits for a PostgreSQL restart.
   */
  pending_restart: boolean;
  /**
   * Whether the member's agent answered `GET /patroni` now; the fields below come from that answer.
   */
  answered: boolean;
  /**
   * The member's watchdog, as its agent found it.
   */
  watchdog?: {
    /**
     * `off`, `automatic` or `required`.
     */
    mode: string;
    /**
     * `off`, `disabled` (may be armed, not now), `armed`, or `failed` (`pgha.watchdog.state` of `GET /patroni`).
     */
    state: string;
    /**
     * Why it cannot protect a leader, when it cannot.
     */
    failure?: string;
  };
  /**
   * For the leader: how many more seconds it may act as leader without another renewal of its key.
   */
  leader_seconds_left?: number | null;
  /**
   * The reason sentence of its HA loop's last decision.
   */
  last_decision?: string;
}
