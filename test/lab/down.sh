#!/usr/bin/env bash
# Powers the lab hosts off and removes everything up.sh made on this machine: overlay mounts,
# cgroups, the bridge, the apt cache process. Keeps the base tree, the apt cache and each host's
# disk (its overlay upper dir) for the next up.sh; --purge deletes the hosts' disks and the
# lab's SSH key, known_hosts, secrets and cluster CA (.pgha/) too. Safe to run when nothing is up.
source "$(dirname "$0")/common.sh"
purge=false
[ "${1:-}" = --purge ] && purge=true

# Every wrapper gets SIGTERM at once (nspawn then powers its host off); all are waited for, 30 s at most.
for name in $(existing_hosts); do
  pid=$(cat "$HOSTS/$name/wrapper.pid" 2>/dev/null || true)
  [ -n "$pid" ] && process_runs "$pid" && kill -TERM "$pid"
done
for _ in $(seq 1 60); do
  running=false
  for name in $(existing_hosts); do
    pid=$(cat "$HOSTS/$name/wrapper.pid" 2>/dev/null || true)
    [ -n "$pid" ] && process_runs "$pid" && running=true
  done
  $running || break
  sleep 0.5
done

# What did not stop in time is killed, by PID: the wrapper, then every process left in the host's cgroup.
for name in $(existing_hosts); do
  pid=$(cat "$HOSTS/$name/wrapper.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && process_runs "$pid"; then
    say "$name did not power off within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  for hierarchy in systemd unified; do
    group=/sys/fs/cgroup/$hierarchy/$CGROUP_NAME/$name
    [ -d "$group" ] || continue
    for _ in $(seq 1 20); do
      leftover=$(find "$group" -name cgroup.procs -exec cat {} + 2>/dev/null | tr '\n' ' ')
      [ -z "${leftover// /}" ] && break
      # shellcheck disable=SC2086
      kill -KILL $leftover 2>/dev/null || true
      sleep 0.25
    done
  done
  rm -f "$HOSTS/$name/wrapper.pid"
  dir=$HOSTS/$name/root
  if mountpoint -q "$dir"; then
    umount "$dir" 2>/dev/null || { sleep 1; umount "$dir"; }
  fi
done

# cgroups depth-first (the hosts' own systemd made sub-groups).
for hierarchy in systemd unified; do
  top=/sys/fs/cgroup/$hierarchy/$CGROUP_NAME
  [ -d "$top" ] && { find "$top" -depth -type d -exec rmdir {} + 2>/dev/null || true; }
  [ -d "$top" ] && say "could not remove the cgroup $top (a process is still in it)"
done

ip link show "$LAB_BRIDGE" >/dev/null 2>&1 && ip link delete "$LAB_BRIDGE"
nft list table bridge pgha_lab >/dev/null 2>&1 && nft delete table bridge pgha_lab

acng_pid=$LAB_DIR/apt-cacher-ng.pid
if [ -f "$acng_pid" ]; then
  pid=$(cat "$acng_pid")
  if process_runs "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 1 20); do process_runs "$pid" || break; sleep 0.25; done
    process_runs "$pid" && kill -KILL "$pid"
  fi
  rm -f "$acng_pid"
fi

if $purge; then
  rm -rf "$HOSTS"
  rm -rf "$INVENTORY/id_ed25519" "$INVENTORY/id_ed25519.pub" "$INVENTORY/known_hosts" "$INVENTORY/secrets" "$INVENTORY/.pgha"
fi
say "down"
