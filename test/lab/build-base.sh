#!/usr/bin/env bash
# Builds the hosts' shared root filesystem once: a minimal Debian bookworm with systemd, sshd and
# sudo, from the mirror in this machine's own apt sources. Later runs reuse it.
source "$(dirname "$0")/common.sh"

[ -f "$LAB_DIR/base.complete" ] && [ -d "$BASE" ] && exit 0
mirror=$(debian_mirror)
say "building the base system from $mirror (about a minute, once)"
rm -rf "$BASE.partial"
mkdir -p "$LAB_DIR"
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,openssh-server,sudo,iproute2,ca-certificates,procps,less \
  "$LAB_SUITE" "$BASE.partial" "$mirror" >"$LAB_DIR/debootstrap.log" 2>&1 ||
  die "debootstrap failed; see $LAB_DIR/debootstrap.log"

root=$BASE.partial
# Per-host identity is written by up.sh: no machine-id or host keys in the shared base.
rm -f "$root"/etc/ssh/ssh_host_* "$root/etc/machine-id"
: >"$root/etc/machine-id"
echo 'LANG=C.UTF-8' >"$root/etc/default/locale"
printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\n' >"$root/etc/ssh/sshd_config.d/pgha-lab.conf"
# The deploy user: what a real fleet often gives a provisioner (sudo without a password).
chroot "$root" useradd --create-home --shell /bin/bash deploy
echo 'deploy ALL=(ALL) NOPASSWD:ALL' >"$root/etc/sudoers.d/deploy"
chmod 0440 "$root/etc/sudoers.d/deploy"
# No network wait at boot, no getty on a console nobody reads.
chroot "$root" systemctl enable systemd-networkd ssh >/dev/null 2>&1
chroot "$root" systemctl mask console-getty.service getty@tty1.service systemd-networkd-wait-online.service >/dev/null 2>&1
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
rm -rf "$BASE"
mv "$root" "$BASE"
touch "$LAB_DIR/base.complete"
