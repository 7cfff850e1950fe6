#!/bin/sh
# Undoes systemd/install.sh. Run as root:
#
#   sudo systemd/uninstall.sh           # keeps /etc/kiosk and /var/lib/kiosk
#   sudo systemd/uninstall.sh --purge   # removes them too: settings, secrets, the outbox
#
# The system packages stay: they are common libraries other software may use.

set -eu

PREFIX=/opt/kiosk
CONF_DIR=/etc/kiosk
DATA_DIR=/var/lib/kiosk
UNIT_DIR=/etc/systemd/system
APP_USER=kiosk
SYNC_USER=kiosk-sync
SHARED_GROUP=kiosk
CONSOLEBLANK_MARK=$PREFIX/.consoleblank-added

say() { printf 'uninstall: %s\n' "$*"; }
fail() { printf 'uninstall: %s\n' "$*" >&2; exit 1; }

purge=no
for argument in "$@"; do
    case "$argument" in
        --purge) purge=yes ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) fail "unknown option $argument; usage: $0 [--purge]" ;;
    esac
done
[ "$(id -u)" = 0 ] || fail "run as root: sudo $0"

# systemd_running
. "$(dirname "$0")/common.sh"

if systemd_running; then
    systemctl stop kiosk.service kiosk-sync.service 2>/dev/null || true
fi
for unit in kiosk.service kiosk-sync.service; do
    if [ -e "$UNIT_DIR/$unit" ]; then
        systemctl disable "$unit"
        rm -f "$UNIT_DIR/$unit"
    fi
done

# The login prompt comes back on tty1.
systemctl unmask getty@tty1.service autovt@tty1.service ctrl-alt-del.target
rm -f /etc/systemd/logind.conf.d/kiosk.conf
rmdir /etc/systemd/logind.conf.d 2>/dev/null || true
systemctl enable getty@tty1.service

if [ -e "$CONSOLEBLANK_MARK" ]; then
    for cmdline in /boot/firmware/cmdline.txt /boot/cmdline.txt; do
        if [ -f "$cmdline" ]; then
            sed -i '1s/[[:space:]]consoleblank=0\([[:space:]]\|$\)/\1/' "$cmdline"
            say "removed consoleblank=0 from $cmdline"
            break
        fi
    done
fi

rm -rf "$PREFIX"

for user in "$SYNC_USER" "$APP_USER"; do
    if getent passwd "$user" >/dev/null; then
        userdel "$user"
    fi
done
if getent group "$SHARED_GROUP" >/dev/null; then
    groupdel "$SHARED_GROUP"
fi

if [ "$purge" = yes ]; then
    rm -rf "$CONF_DIR" "$DATA_DIR"
    say "removed $CONF_DIR and $DATA_DIR"
else
    say "kept $CONF_DIR (settings, secrets) and $DATA_DIR (the outbox);" \
        "remove them with --purge"
fi

if systemd_running; then
    systemctl daemon-reload
    systemctl start getty@tty1.service || true
fi
say "done"
