#!/bin/sh
# Runs inside the image's arm64 root (build.sh chroots into it): installs
# the terminal with systemd/install.sh, exactly as a technician would on a
# Pi, then adds what makes it an appliance (rootfs/: the first boot, the
# read-only root, the data partition, the updater).
set -eu
CHECKOUT=/root/checkout
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8

say() { printf 'image: %s\n' "$*"; }

# The terminal, as on any Debian bookworm: the wheels were fetched for
# aarch64 beforehand (no pip access to the network from here).
KIOSK_WHEELS=/wheels /bin/sh "$CHECKOUT/systemd/install.sh"

# The appliance's own files (units, first boot, overlay, journald, network).
cp -r "$CHECKOUT/systemd/image/rootfs/." /
chmod 0755 /usr/local/sbin/kiosk-* 2>/dev/null || true
systemctl enable kiosk-firstboot.service kiosk-enroll.service systemd-networkd.service \
    systemd-resolved.service systemd-timesyncd.service
# SSH only when the technician gives a key: kiosk-firstboot enables it then.
systemctl disable ssh.service ssh.socket 2>/dev/null || true
# No password login for anyone: root is locked, and there is no other user.
passwd -l root
# The initramfs with the overlay script and the Pi's firmware files on
# /boot/firmware (raspi-firmware's hook copies kernel, initrd and DTBs).
update-initramfs -u -k all
