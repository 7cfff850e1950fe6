#!/bin/sh
# Installs (or updates) the feedback terminal on Raspberry Pi OS Lite /
# Debian 12 "bookworm". Run as root from a checkout:
#
#   sudo systemd/install.sh
#
# An update is the same command from a newer checkout. Running it twice
# gives the same system; it never overwrites /etc/kiosk/settings.yaml, the
# secrets, or anything in /var/lib/kiosk.
#
# What it sets up, and why:
#   users    kiosk       runs the app (kiosk.service); groups video render input audio
#            kiosk-sync  runs the delivery service (kiosk-sync.service)
#            both have the primary group kiosk: that is how both write the outbox.
#   /opt/kiosk/src       a copy of this checkout (code and assets), root-owned,
#                        installed editable into /opt/kiosk/venv, so that the
#                        top-level assets/ folder resolves as in the checkout.
#   /etc/kiosk/settings.yaml   the technician's settings (a commented skeleton, once)
#   /etc/kiosk/secrets   root:root 0700: systemd reads the files as root and
#                        passes each service only its own (LoadCredential=).
#   /var/lib/kiosk       root:kiosk 2770: the outbox, shared by the two users;
#                        setgid keeps new files in the kiosk group.
#   kiosk.service, kiosk-sync.service   enabled; started when systemd runs.
#   tty1                 no login prompt (getty masked), no console blanking;
#   other consoles       no login prompt (logind NAutoVTs=0, ReserveVT=0);
#   Ctrl+Alt+Del         does nothing (ctrl-alt-del.target masked).
#
# Environment:
#   KIOSK_WHEELS=DIR   install the Python packages from the wheels in DIR
#                      only (no PyPI), e.g. for a site without Internet.
# Undo with systemd/uninstall.sh (add --purge to remove settings and data too).

set -eu

SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=/opt/kiosk
VENV=$PREFIX/venv
CONF_DIR=/etc/kiosk
SECRETS_DIR=$CONF_DIR/secrets
DATA_DIR=/var/lib/kiosk
UNIT_DIR=/etc/systemd/system
APP_USER=kiosk
SYNC_USER=kiosk-sync
SHARED_GROUP=kiosk
# video render: the display (DRM/KMS); input: the touchscreen; audio: the
# microphone; video also covers a USB camera.
DEVICE_GROUPS="video render input audio"
# The Makefile's RUN_PACKAGES (Python venv, tzdata, the GL, DRM and input
# libraries Kivy's bundled SDL2 loads, PortAudio for the microphone, espeak-ng
# for spoken prompts), plus CA certificates for pip and systemd for the units.
PACKAGES="python3-venv tzdata libgl1 libegl1 libgles2 libgbm1 libdrm2 libmtdev1 \
libportaudio2 espeak-ng ca-certificates systemd"
# What of the checkout is the product (tests and tools stay behind).
SOURCE_ITEMS="kiosk sync dialog_config assets systemd setup.cfg pyproject.toml README.md"
# Marks that this script added consoleblank=0, so that uninstall.sh removes
# only what it added.
LOGIND_DROPIN_DIR=/etc/systemd/logind.conf.d
LOGIND_DROPIN=$LOGIND_DROPIN_DIR/kiosk.conf
CONSOLEBLANK_MARK=$PREFIX/.consoleblank-added

say() { printf 'install: %s\n' "$*"; }
fail() { printf 'install: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: sudo $0"
[ -f "$SRC_DIR/setup.cfg" ] && [ -d "$SRC_DIR/kiosk" ] \
    || fail "$SRC_DIR is not a kiosk checkout (no setup.cfg, kiosk/)"
# Files this script makes are root's and world-readable unless said otherwise.
umask 022
# Running the installed code as root must not leave root-owned .pyc files.
export PYTHONDONTWRITEBYTECODE=1

# systemd_running
. "$(dirname "$0")/common.sh"

install_packages() {
    missing=""
    for package in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' \
            || missing="$missing $package"
    done
    if [ -n "$missing" ]; then
        say "installing system packages:$missing"
        apt-get update -q
        # shellcheck disable=SC2086  # a list of package names
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    fi
}

make_users() {
    getent group "$SHARED_GROUP" >/dev/null || groupadd --system "$SHARED_GROUP"
    for group in $DEVICE_GROUPS; do
        # render and input come with udev; a minimal system may lack them.
        getent group "$group" >/dev/null || groupadd --system "$group"
    done
    if ! getent passwd "$APP_USER" >/dev/null; then
        useradd --system --gid "$SHARED_GROUP" --home-dir "$DATA_DIR" --no-create-home \
            --shell /usr/sbin/nologin --comment "Feedback terminal app" "$APP_USER"
    fi
    usermod --append --groups "$(echo "$DEVICE_GROUPS" | tr ' ' ',')" "$APP_USER"
    if ! getent passwd "$SYNC_USER" >/dev/null; then
        useradd --system --gid "$SHARED_GROUP" --home-dir "$DATA_DIR" --no-create-home \
            --shell /usr/sbin/nologin --comment "Feedback terminal delivery" "$SYNC_USER"
    fi
}

install_source() {
    # A fresh copy beside the old one, then a swap: files removed from the
    # product do not linger, and the path the venv points at stays the same.
    rm -rf "$PREFIX/src.new" "$PREFIX/src.old"
    mkdir -p "$PREFIX/src.new"
    # shellcheck disable=SC2086  # a list of paths
    (cd "$SRC_DIR" && tar -cf - --exclude=__pycache__ --exclude='*.pyc' $SOURCE_ITEMS) \
        | tar -xf - --no-same-owner --no-same-permissions -C "$PREFIX/src.new"
    if [ -d "$PREFIX/src" ]; then
        mv "$PREFIX/src" "$PREFIX/src.old"
    fi
    mv "$PREFIX/src.new" "$PREFIX/src"
    rm -rf "$PREFIX/src.old"
}

install_venv() {
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    if [ -n "${KIOSK_WHEELS:-}" ]; then
        set -- --no-index --find-links "$KIOSK_WHEELS"
    else
        set --
    fi
    say "installing the Python packages into $VENV"
    # Editable: the code runs from /opt/kiosk/src, where assets/ sits beside it.
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
        --no-warn-script-location "$@" --editable "$PREFIX/src"
    # The build leaves its metadata in the source; nothing needs it there.
    rm -rf "$PREFIX/src/build" "$PREFIX"/src/*.egg-info
    # The services' users cannot write here: compile now, or every start
    # would compile the whole app again in memory.
    "$VENV/bin/python" -m compileall -q "$PREFIX/src/kiosk" "$PREFIX/src/sync" \
        "$PREFIX/src/dialog_config"
}

make_config() {
    mkdir -p "$CONF_DIR"
    chmod 0755 "$CONF_DIR"
    if [ ! -e "$CONF_DIR/settings.yaml" ]; then
        install -m 0644 -o root -g root "$SRC_DIR/systemd/settings.yaml" "$CONF_DIR/settings.yaml"
        say "wrote $CONF_DIR/settings.yaml: edit it, then check it with" \
            "kiosk --settings $CONF_DIR/settings.yaml validate"
    fi
    mkdir -p "$SECRETS_DIR"
    chown root:root "$SECRETS_DIR"
    chmod 0700 "$SECRETS_DIR"
}

make_data_dir() {
    mkdir -p "$DATA_DIR"
    chown root:"$SHARED_GROUP" "$DATA_DIR"
    chmod 2770 "$DATA_DIR"
    # After an uninstall and a new install the group may have a new number:
    # give what was kept back to the group.
    find "$DATA_DIR" ! -group "$SHARED_GROUP" -exec chgrp -h "$SHARED_GROUP" {} +
    if [ ! -e "$DATA_DIR/dialog.yaml" ]; then
        # A dialog to start with; the operator's own, or the manager's, replaces it.
        install -m 0640 -o root -g "$SHARED_GROUP" \
            "$SRC_DIR/dialog_config/examples/restaurant.yaml" "$DATA_DIR/dialog.yaml"
    fi
}

install_units() {
    for unit in kiosk.service kiosk-sync.service; do
        install -m 0644 -o root -g root "$SRC_DIR/systemd/$unit" "$UNIT_DIR/$unit"
    done
    # enable works on the files alone, in a chroot too.
    systemctl enable kiosk.service kiosk-sync.service
}

take_over_console() {
    # The app owns tty1: no login prompt there, now or when someone switches
    # to it (logind starts autovt@tty1 then).
    systemctl disable getty@tty1.service 2>/dev/null || true
    systemctl mask getty@tty1.service autovt@tty1.service
    # Nor on any other console a USB keyboard could switch to (Ctrl+Alt+F2...):
    # logind starts no login prompt on demand and keeps none in reserve.
    install -d -m 0755 "$LOGIND_DROPIN_DIR"
    printf '%s\n' \
        "# The feedback terminal: no login prompt on any console (systemd/install.sh)." \
        "[Login]" "NAutoVTs=0" "ReserveVT=0" > "$LOGIND_DROPIN"
    chmod 0644 "$LOGIND_DROPIN"
    # Ctrl+Alt+Del on a USB keyboard must not reboot the terminal.
    systemctl mask ctrl-alt-del.target
    # The display must never blank while the terminal waits for a visitor.
    cmdline=""
    for candidate in /boot/firmware/cmdline.txt /boot/cmdline.txt; do
        if [ -f "$candidate" ]; then
            cmdline=$candidate
            break
        fi
    done
    if [ -z "$cmdline" ]; then
        say "no /boot/firmware/cmdline.txt or /boot/cmdline.txt: add consoleblank=0" \
            "to the kernel command line yourself"
    elif grep -Eq '(^|[[:space:]])consoleblank=0([[:space:]]|$)' "$cmdline"; then
        :
    elif grep -q 'consoleblank=' "$cmdline"; then
        say "$cmdline sets another consoleblank=; left as it is (0 keeps the display on)"
    else
        # The file is one line; the option goes at its end.
        sed -i '1s/[[:space:]]*$/ consoleblank=0/' "$cmdline"
        : > "$CONSOLEBLANK_MARK"
        say "added consoleblank=0 to $cmdline (takes effect at the next boot)"
    fi
}

check_settings() {
    if ! "$VENV/bin/kiosk" --settings "$CONF_DIR/settings.yaml" validate; then
        say "WARNING: $CONF_DIR/settings.yaml has the errors above; the services" \
            "will not start until they are fixed"
    fi
}

start_services() {
    if ! systemd_running; then
        say "systemd is not running here (a chroot or an image): the services start at boot"
        return
    fi
    systemctl daemon-reload
    systemctl restart kiosk-sync.service
    case "$(tty 2>/dev/null || true)" in
        /dev/tty1)
            # Starting the app takes tty1 over and would end this session.
            say "run from tty1: not starting the app now; reboot, or from ssh run" \
                "systemctl start kiosk" ;;
        *)
            systemctl restart kiosk.service ;;
    esac
}

install_packages
make_users
mkdir -p "$PREFIX"
install_source
install_venv
make_config
make_data_dir
install_units
take_over_console
check_settings
start_services
say "done"
