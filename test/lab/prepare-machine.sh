#!/usr/bin/env bash
# Installs what this machine needs to run the lab (once): systemd-nspawn, debootstrap, nftables,
# apt-cacher-ng, the OpenSSH client. Services are not started by the install.
source "$(dirname "$0")/common.sh"

PACKAGES=(systemd-container debootstrap nftables apt-cacher-ng openssh-client iproute2)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

say "installing ${missing[*]} (apt-get)"
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  own_policy=true
fi
trap '$own_policy && rm -f "$policy"' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
