#!/usr/bin/env bash
# Installs the Debian packages the tests run for real (etcd, PostgreSQL 15, HAProxy, patronictl, sshd),
# when any is missing. Services are never started by the install: the tests start their own
# processes on loopback. Needs root (or passwordless sudo) on a fresh machine.
set -euo pipefail

PACKAGES=(etcd-server etcd-client postgresql-15 haproxy patroni git openssh-client openssh-server openssl ruby iputils-arping)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo=(sudo -n); else
    echo "pgha tests need these Debian packages: ${missing[*]}; run as root, or install them first" >&2
    exit 1
  fi
fi

echo "installing ${missing[*]} (apt-get)" >&2
# A policy-rc.d that answers 101 keeps the packages' services from starting during the install.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  own_policy=true
fi
cleanup() { if $own_policy; then "${sudo[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed ${missing[*]}" >&2
