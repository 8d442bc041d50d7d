#!/usr/bin/env bash
# Runs one lab host until SIGTERM: systemd-nspawn boots its root (again after a `reboot` inside,
# which ends nspawn with 133). It first moves itself into the host's own cgroups, so that no two
# hosts share nspawn's payload cgroups. SIGTERM makes nspawn power the host off cleanly.
set -u
name=$1 root=$2 bridge=$3 cgroup=$4

for hierarchy in systemd unified; do
  [ -d "/sys/fs/cgroup/$hierarchy/$cgroup/$name" ] && echo $$ >"/sys/fs/cgroup/$hierarchy/$cgroup/$name/cgroup.procs"
done

child=
stopping=false
trap 'stopping=true; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT

for _ in $(seq 1 100); do
  systemd-nspawn --boot --register=no --keep-unit --directory="$root" --machine="pgha-lab-$name" --hostname="$name" \
    --network-bridge="$bridge" --resolv-conf=off --timezone=off --link-journal=no --console=passive &
  child=$!
  rc=0
  wait "$child" || rc=$?
  while kill -0 "$child" 2>/dev/null; do wait "$child" || rc=$?; done
  $stopping && exit 0
  [ "$rc" -eq 133 ] || exit "$rc"
done
