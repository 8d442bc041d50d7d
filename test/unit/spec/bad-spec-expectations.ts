// What `pgha validate` must say about each file in test/fixtures/specs/bad/, as LINE:COL: message [rule].
export const BAD_SPEC_EXPECTATIONS: Readonly<Record<string, readonly string[]>> = {
  'bad-address': [
    '8:27: hosts[1].address must be an IP address or a DNS name, got the string "10.1.0 .2" [address]',
  ],
  'bad-duration': [
    '18:21: dcs.member_slots_ttl must be a duration: seconds as an integer, or a number with a unit ms, s, min, h or d (e.g. "30min"), got the string "30 minutes" [duration]',
  ],
  'bad-enum-with-suggestion': [
    '19:9: watchdog.mode must be one of "off", "automatic", "required", got the string "requird"; did you mean "required"? [enum]',
  ],
  'bad-parameter-name': [
    '20:7: key "work mem" in dcs.postgresql.parameters must be a PostgreSQL setting name such as "work_mem" or "pg_stat_statements.max" [name]',
  ],
  'bad-size': [
    '18:28: dcs.maximum_lag_on_failover must be a size: bytes as an integer, or a number with a unit B, kB, MB, GB or TB (e.g. "1MB"), got the string "1 mb" [size]',
  ],
  'broken-yaml': [
    '9:3: invalid YAML: Flow map in block collection must be sufficiently indented and end with a } [yaml]',
  ],
  'callback-open-quote': [
    "15:21: the on_role_change callback cannot be run: its single quote is not closed [callbacks]",
  ],
  'comments-only': [
    '1:1: the file is empty; expected a cluster spec (apiVersion: pgha/v1, kind: Cluster) [document]',
  ],
  'duplicate-address': [
    '9:27: address "10.1.0.1" is already used by hosts[0] (db1) [unique-hosts]',
  ],
  'duplicate-name': [
    '9:13: host name "db2" is already used by hosts[1] (db2) [unique-hosts]',
  ],
  'duplicate-role': [
    '8:55: hosts[1].roles lists "etcd" twice [duplicate]',
  ],
  'duplicate-yaml-key': [
    '17:3: invalid YAML: this key appears earlier in the same mapping; each key may appear once [yaml]',
  ],
  'empty': [
    '1:1: the file is empty; expected a cluster spec (apiVersion: pgha/v1, kind: Cluster) [document]',
  ],
  'every-host-nofailover': [
    '9:77: every postgres host is tagged nofailover (or failover_priority: 0), so no member could ever be promoted [failover-candidates]',
  ],
  'failsafe-insecure-api': [
    "15:18: failsafe mode needs the agents' REST API over HTTPS: over plain HTTP (agent.insecure) the agents send no credentials, so no member could confirm the primary; remove agent.insecure or failsafe_mode [failsafe-mode]",
    "17:13: warning: the agents' REST API serves plain HTTP: anyone on the network can read its answers, pose as an agent to HAProxy and the other agents, and read the Basic credentials pgha sends to it; remove it to serve HTTPS with certificates from the cluster CA [insecure]",
  ],
  'literal-secret-in-parameters': [
    '20:25: dcs.postgresql.parameters.primary_conninfo holds what looks like a literal secret; secrets never go in the spec: pass credentials through the {env: NAME} or {file: PATH} references of postgres.authentication, postgres.users, etcd.auth and agent.auth [literal-secret]',
  ],
  'literal-secret': [
    '12:48: postgres.authentication.superuser.password is a literal secret; reference it as {env: NAME} or {file: PATH} instead [literal-secret]',
  ],
  'missing-required-keys': [
    '2:1: missing required keys "metadata" and "postgres" [required]',
  ],
  'multiple-documents': [
    '18:1: invalid YAML: the file holds more than one YAML document (a second "---"); a spec is a single document [yaml]',
  ],
  'no-etcd': [
    '6:1: no host has the etcd role; give it to 3 (or 5) hosts [etcd-members]',
  ],
  'no-postgres-host': [
    '6:1: no host has the postgres role; a highly available cluster needs at least 2 [postgres-hosts]',
  ],
  'not-a-mapping-list': [
    '2:1: the file holds a list, but expected a cluster spec (apiVersion: pgha/v1, kind: Cluster), which is a YAML mapping [document]',
  ],
  'not-a-mapping-scalar': [
    '2:1: the file holds a single value, but expected a cluster spec (apiVersion: pgha/v1, kind: Cluster), which is a YAML mapping [document]',
  ],
  'one-postgres-host': [
    '6:1: only one host has the postgres role; a highly available cluster needs at least 2 [postgres-hosts]',
  ],
  'port-conflict': [
    '19:17: haproxy.primary_port and postgres.port are both port 5432, and host db1 runs both [port-conflict]',
  ],
  'protected-parameter': [
    '12:5: max_connections must be equal on every member, so it can only be set in dcs.postgresql.parameters [protected-parameter]',
  ],
  'renamed-key': [
    '18:3: unknown key "master_start_timeout" in dcs; it is called "primary_start_timeout" now [unknown-key]',
  ],
  'replicatefrom-unknown': [
    '8:79: hosts[1].tags.replicatefrom: cascading replication is not supported by this version of pgha yet; remove it [unsupported]',
    '8:94: replicatefrom names "db9", which is not a postgres host of this spec [member-reference]',
  ],
  'safety-margin': [
    '19:18: watchdog.safety_margin (10) must be smaller than dcs.ttl (10) [watchdog-timing]',
  ],
  'secret-ref-bad-env-name': [
    '13:59: postgres.authentication.replication.password.env must be an environment variable name (letters, digits and "_", not starting with a digit), got the string "PG-REPLICATION" [name]',
  ],
  'secret-ref-two-sources': [
    '13:52: postgres.authentication.replication.password must name exactly one source: {env: NAME} or {file: PATH} [secret-ref]',
  ],
  'single-etcd': [
    '7:44: only one host has the etcd role; use 3 (or 5) members, or set etcd.allow_single_etcd: true to accept a single point of failure [etcd-members]',
  ],
  'soft-margin-too-long': [
    "20:16: watchdog.soft_margin (60s) is longer than dcs.ttl (10) - watchdog.safety_margin (5) = 5s: a hung primary would be reset only after its leader key expired, and the agent cannot shorten a driver's timeout (in required mode it refuses to lead); lower soft_margin or leave it out [watchdog-timing]",
  ],
  'soft-margin-too-short': [
    '20:16: watchdog.soft_margin (1s) is shorter than dcs.loop_wait (2s): the watchdog would reset a healthy primary between two runs of the loop; raise soft_margin or leave it out [watchdog-timing]',
  ],
  'strict-without-sync': [
    '18:28: dcs.synchronous_mode_strict needs dcs.synchronous_mode: true (or quorum) [synchronous-mode]',
  ],
  'sync-node-count': [
    '19:27: dcs.synchronous_node_count (3) must be smaller than the number of postgres hosts (3): the primary cannot be its own standby [synchronous-mode]',
  ],
  'tag-typo': [
    '8:79: tag "nofailvoer" looks like a misspelt "nofailover" (a custom tag by that name would do nothing) [tags]',
  ],
  'timing-rule': [
    '15:8: dcs.loop_wait (2) + 2 * dcs.retry_timeout (5) = 12 exceeds dcs.ttl (10): the primary could lose its leader key before it notices; raise ttl or lower loop_wait or retry_timeout [timing]',
  ],
  'ttl-out-of-range': [
    '15:8: dcs.ttl must be at least 5, got 3 [range]',
  ],
  'unknown-dcs-key': [
    '15:3: unknown key "tll" in dcs; did you mean "ttl"? [unknown-key]',
  ],
  'unknown-host-key': [
    '8:5: hosts[1] is missing required key "address" [required]',
    '8:18: unknown key "adress" in hosts[1]; did you mean "address"? [unknown-key]',
  ],
  'unknown-key-without-suggestion': [
    '19:3: unknown key "frontend_mode" in haproxy; expected one of: primary_port, replica_port, stats_port, check_interval, fall, rise, max_connections [unknown-key]',
  ],
  'unknown-top-level-key': [
    '2:1: missing required key "postgres" [required]',
    '10:1: unknown key "postgress" at the top level; did you mean "postgres"? [unknown-key]',
  ],
  'unsupported-cluster-settings': [
    '8:79: hosts[1].tags.nostream: replicas that restore from the WAL archive without streaming are not supported by this version of pgha yet; remove it or set it to false [unsupported]',
  ],
  'unsupported-dcs-settings': [
    '18:3: dcs.primary_stop_timeout: a time limit on stopping a primary in synchronous mode is not supported by this version of pgha yet; remove it or set it to 0 [unsupported]',
    '19:3: dcs.max_timelines_history: trimming the history key is not supported by this version of pgha yet; remove it or set it to 0 [unsupported]',
    '20:3: dcs.slots: permanent replication slots are not supported by this version of pgha yet; remove them [unsupported]',
    '22:3: dcs.standby_cluster: standby clusters are not supported by this version of pgha yet; remove it [unsupported]',
    '24:5: dcs.postgresql.use_slots: replication without a slot per member is not supported by this version of pgha yet; remove it or set it to true [unsupported]',
    '25:5: dcs.postgresql.pg_ident: pg_ident.conf lines are not supported by this version of pgha yet; remove them [unsupported]',
  ],
  'unsupported-version': [
    '11:12: postgres.version must be one of 13, 14, 15, 16, 17, got 12 [enum]',
  ],
  'user-option': [
    '17:24: "VALID UNTIL \'2030-01-01\'" is not a role option pgha manages; use [NO]SUPERUSER, [NO]CREATEDB, [NO]CREATEROLE, [NO]INHERIT, [NO]LOGIN, [NO]REPLICATION, [NO]BYPASSRLS, CONNECTION LIMIT n [users]',
    '18:5: user "postgres" is postgres.authentication.superuser, which the agent manages; give the extra role another name [users]',
  ],
  'wrong-api-version': [
    '2:13: apiVersion must be "pgha/v1", got the string "pgha/v2" [const]',
  ],
  'wrong-kind': [
    '3:7: kind must be "Cluster", got the string "Patroni" [const]',
  ],
  'wrong-type-float-ttl': [
    '15:8: dcs.ttl must be an integer, got 10.5 [type]',
  ],
  'wrong-type-hosts': [
    '6:8: hosts must be a list, got the string "db1" [type]',
  ],
  'wrong-type-string-port': [
    '19:16: etcd.client_port must be an integer, got the string "2379" [type]',
  ],
  'yaml11-boolean': [
    '19:20: dcs.postgresql.use_pg_rewind must be true or false, got the string "yes" (YAML 1.2 reads yes as a string; write true) [type]',
  ],
};
