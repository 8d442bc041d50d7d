#!/usr/bin/env bash
# Brings up N lab hosts (default 3): c1..cN at $LAB_NET.11.., on the bridge $LAB_BRIDGE, each
# with real systemd and sshd, apt through apt-cacher-ng on this machine, and no other way out.
# Writes inventories/lab/{id_ed25519,known_hosts,secrets/} for pgha. Idempotent: hosts already
# up stay as they are. Undo with down.sh.
source "$(dirname "$0")/common.sh"
LAB_SCRIPTS=$(cd "$(dirname "$0")" && pwd)
count=${1:-3}
[[ "$count" =~ ^[1-9]$ ]] || die "usage: up.sh [N]   (1 to 9 hosts)"

"$LAB_SCRIPTS/prepare-machine.sh"
"$LAB_SCRIPTS/build-base.sh"
mkdir -p "$HOSTS" "$INVENTORY/secrets"

# The client key every host trusts, and the secrets the lab's spec reads.
[ -f "$INVENTORY/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C pgha-lab -f "$INVENTORY/id_ed25519"
for secret in superuser-password replication-password rewind-password agent-password app-password; do
  [ -f "$INVENTORY/secrets/$secret" ] || (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$INVENTORY/secrets/$secret")
done

# The bridge, with this machine's address on it. ip_forward stays as it is (0): hosts reach
# only each other and the apt cache.
if ! ip link show "$LAB_BRIDGE" >/dev/null 2>&1; then
  ip link add "$LAB_BRIDGE" type bridge
  ip addr add "$BRIDGE_ADDRESS/24" dev "$LAB_BRIDGE"
fi
ip link set "$LAB_BRIDGE" up

# apt-cacher-ng on the bridge address only, as a process of ours (its PID kept for down.sh).
# Debian requests go to this machine's own mirror: the package's default backend
# (ftp.debian.org) may not resolve where only the configured mirror is reachable.
mirror=$(debian_mirror)
acng_pid=$LAB_DIR/apt-cacher-ng.pid
if ! { [ -f "$acng_pid" ] && kill -0 "$(cat "$acng_pid")" 2>/dev/null; }; then
  mkdir -p "$LAB_DIR/apt-cache" "$LAB_DIR/apt-cacher-ng"
  setsid /usr/sbin/apt-cacher-ng -c /etc/apt-cacher-ng ForeGround=1 "BindAddress=$BRIDGE_ADDRESS" "Port=$LAB_PROXY_PORT" \
    "CacheDir=$LAB_DIR/apt-cache" "LogDir=$LAB_DIR/apt-cacher-ng" "SocketPath=$LAB_DIR/apt-cacher-ng/socket" \
    "Remap-debrep=file:deb_mirror*.gz /debian ; $mirror/" \
    </dev/null >"$LAB_DIR/apt-cacher-ng/output.log" 2>&1 &
  echo $! >"$acng_pid"
fi

known_hosts=$INVENTORY/known_hosts
touch "$known_hosts"
for i in $(seq 1 "$count"); do
  name=$(host_name "$i")
  address=$(host_address "$i")
  dir=$HOSTS/$name
  if [ -f "$dir/wrapper.pid" ] && kill -0 "$(cat "$dir/wrapper.pid")" 2>/dev/null; then continue; fi
  mkdir -p "$dir/upper" "$dir/work" "$dir/root"
  mountpoint -q "$dir/root" || mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
  root=$dir/root

  # Identity: hostname, machine-id and an SSH host key of its own, made once and kept in the upper dir.
  echo "$name" >"$root/etc/hostname"
  { echo "127.0.0.1 localhost"; for j in $(seq 1 "$count"); do echo "$(host_address "$j") $(host_name "$j")"; done; } >"$root/etc/hosts"
  [ -s "$root/etc/machine-id" ] || printf '%s\n' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$root/etc/machine-id"
  [ -f "$root/etc/ssh/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$root/etc/ssh/ssh_host_ed25519_key"
  printf 'HostKey /etc/ssh/ssh_host_ed25519_key\n' >"$root/etc/ssh/sshd_config.d/pgha-lab-hostkey.conf"
  for home in root home/deploy; do
    install -d -m 700 "$root/$home/.ssh"
    cp "$INVENTORY/id_ed25519.pub" "$root/$home/.ssh/authorized_keys"
  done
  chroot "$root" chown -R deploy:deploy /home/deploy/.ssh

  # Network: a static address on host0, no gateway; apt from this machine's mirror through the cache.
  printf '[Match]\nName=host0\n\n[Network]\nAddress=%s/24\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n' "$address" >"$root/etc/systemd/network/10-host0.network"
  : >"$root/etc/resolv.conf"
  printf 'deb %s %s main\ndeb %s %s-updates main\n' "$mirror" "$LAB_SUITE" "$mirror" "$LAB_SUITE" >"$root/etc/apt/sources.list"
  printf 'Acquire::http::Proxy "http://%s:%s";\n' "$BRIDGE_ADDRESS" "$LAB_PROXY_PORT" >"$root/etc/apt/apt.conf.d/01pgha-lab-proxy"

  # known_hosts: this host's key, replacing what was recorded for its address before.
  sed -i "/^$address /d" "$known_hosts"
  echo "$address $(cut -d' ' -f1-2 "$root/etc/ssh/ssh_host_ed25519_key.pub")" >>"$known_hosts"

  for hierarchy in systemd unified; do mkdir -p "/sys/fs/cgroup/$hierarchy/$CGROUP_NAME/$name"; done
  setsid "$LAB_SCRIPTS/host-wrapper.sh" "$name" "$root" "$LAB_BRIDGE" "$CGROUP_NAME" </dev/null >"$dir/console.log" 2>&1 &
  echo $! >"$dir/wrapper.pid"
done

# Ready when sshd answers with the recorded key: at most 60 s.
for i in $(seq 1 "$count"); do
  name=$(host_name "$i")
  ready=false
  for _ in $(seq 1 120); do
    if ssh_to "$name" true 2>/dev/null; then ready=true; break; fi
    sleep 0.5
  done
  $ready || die "$name did not answer over SSH within 60 s; its console: $HOSTS/$name/console.log"
  say "$name up at $(host_address "$i")"
done
