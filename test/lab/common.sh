# Shared settings of the lab scripts: N Debian hosts (systemd-nspawn, real systemd and sshd) on
# a private bridge, reached from this machine only. Sourced, never run.
# Facts behind every choice here: shared/reference/lab-recipe.md.
set -euo pipefail

LAB_DIR=${PGHA_LAB_DIR:-/var/lib/pgha-lab}          # base tree, hosts' overlays, apt cache (outside the repo)
LAB_NET=${PGHA_LAB_NET:-10.213.7}                   # hosts are $LAB_NET.11, .12, ...; this machine is .1
LAB_BRIDGE=${PGHA_LAB_BRIDGE:-pglab0}
LAB_PROXY_PORT=${PGHA_LAB_PROXY_PORT:-3142}         # apt-cacher-ng on the bridge address
LAB_SUITE=bookworm

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
INVENTORY=${PGHA_LAB_INVENTORY:-$REPO/inventories/lab}
BASE=$LAB_DIR/base
HOSTS=$LAB_DIR/hosts
BRIDGE_ADDRESS=$LAB_NET.1
CGROUP_NAME=pgha-lab

say() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "the lab needs root (systemd-nspawn, mounts, a bridge)"

host_name() { echo "c$1"; }
host_address() { echo "$LAB_NET.$((10 + $1))"; }

# The hosts that exist, by name (c1 c2 ...), in number order.
existing_hosts() {
  [ -d "$HOSTS" ] || return 0
  find "$HOSTS" -mindepth 1 -maxdepth 1 -type d -name 'c*' -printf '%f\n' | sort -V
}

# The first Debian mirror in this machine's own apt sources (deb822 or one-line format).
debian_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$uri" ] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$uri" ] || die "no Debian mirror in this machine's apt sources (/etc/apt/sources.list.d/*.sources or /etc/apt/sources.list)"
  echo "${uri%/}"
}

# Whether a PID names a running process (a zombie does not count: PID 1 here reaps late).
process_runs() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

ssh_to() {
  local name=$1; shift
  ssh -i "$INVENTORY/id_ed25519" -o UserKnownHostsFile="$INVENTORY/known_hosts" -o StrictHostKeyChecking=yes \
    -o BatchMode=yes -o ConnectTimeout=3 -o LogLevel=ERROR "root@$(host_address "${name#c}")" "$@"
}
