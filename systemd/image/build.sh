#!/bin/sh
# Builds the SD card image of the feedback terminal for Raspberry Pi 4, 400
# and Compute Module 4, from Debian bookworm arm64 packages:
#
#   sudo systemd/image/build.sh            (or: make image)
#
# writes build/kiosk-<version>-arm64.img.xz and its .sha256. Run as root on
# Debian 12 (amd64 or arm64) with mmdebstrap, qemu-user-static, fdisk,
# dosfstools, mtools, e2fsprogs and xz-utils (make image installs them).
#
# How:
#   1. The aarch64 wheels of the app's Python packages come from PyPI once
#      and are kept in the cache; the image's venv installs only from them.
#   2. mmdebstrap makes the arm64 root (running arm64 programs through
#      qemu-user-static and binfmt_misc), with the .deb files kept in the
#      cache, so a second build downloads nothing.
#   3. customize.sh runs inside that root: systemd/install.sh exactly as a
#      technician runs it, then the image's own files (rootfs/).
#   4. The three partitions are made as files (mkfs.vfat + mtools, mke2fs -d)
#      and written into a disk image partitioned with sfdisk: no loop device.
#
# The disk: MBR, label-id 0x4b696f73 ("Kios"):
#   1  FAT32 KIOSKBOOT  256 MiB  firmware, kernel, initrd, config.txt,
#                                cmdline.txt, and kiosk/ (the technician's folder)
#   2  ext4  kiosk-root          the system, mounted read-only under a RAM overlay
#   3  ext4  kiosk-data  64 MiB  outbox, settings, secrets, journal; grows
#                                to the end of the card on first boot
#
# Environment:
#   KIOSK_IMAGE_CACHE=DIR  the package and wheel cache (/var/cache/kiosk-image)
#   KIOSK_IMAGE_OUT=DIR    where the image goes (build/ in the checkout)
#   KIOSK_IMAGE_MIRROR=URL the Debian mirror (http://deb.debian.org/debian)
#   KIOSK_IMAGE_KEEP_RAW=1 also keep the uncompressed .img (the QEMU tests use it)
#   KIOSK_IMAGE_ROOTFS=DIR assemble the image from this prepared root (the
#                          tests use a small one) instead of building one
#   KIOSK_IMAGE_SAVE_ROOTFS=DIR  keep a copy of the built root there
#   SOURCE_DATE_EPOCH      time stamp for every file (default: the last commit's)
#   PYTHON                 the host Python that downloads the wheels (python3)

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$HERE/../.." && pwd)
CACHE=${KIOSK_IMAGE_CACHE:-/var/cache/kiosk-image}
OUT=${KIOSK_IMAGE_OUT:-$SRC_DIR/build}
MIRROR=${KIOSK_IMAGE_MIRROR:-http://deb.debian.org/debian}
PYTHON=${PYTHON:-python3}
SUITE=bookworm
VERSION=$(sed -n 's/^version[[:space:]]*=[[:space:]]*//p' "$SRC_DIR/setup.cfg")
NAME=kiosk-$VERSION-arm64
# The disk's MBR identifier: cmdline.txt finds the root as PARTUUID=4b696f73-02.
DISK_ID=4b696f73
BOOT_MIB=256
DATA_MIB=64
# Free space left in the root file system for the update engine's work (MiB).
ROOT_SPARE_MIB=256
# The partitions start at 4 MiB (erase-block aligned on SD cards).
FIRST_MIB=4
# Fixed file system identifiers: the same build gives the same image.
BOOT_VOLUME_ID=4b494f53
ROOT_UUID=6b696f73-6b00-4000-8000-726f6f740002
DATA_UUID=6b696f73-6b00-4000-8000-646174610003
HASH_SEED=6b696f73-6b00-4000-8000-686173680000
# What the image has on top of what install.sh installs: the boot chain
# (Debian's Raspberry Pi firmware, bookworm's kernel, an initramfs with the overlay),
# the network (systemd-networkd, Wi-Fi, the clock from NTP, since a Pi has
# no battery clock), SSH for a technician's key, and the tools that grow
# the data partition and check the file systems.
PACKAGES="systemd systemd-sysv udev dbus kmod initramfs-tools zstd raspi-firmware \
systemd-timesyncd systemd-resolved wpasupplicant wireless-regdb firmware-brcm80211 \
iproute2 iputils-ping openssh-server fdisk e2fsprogs dosfstools util-linux \
ca-certificates sudo less nano linux-image-arm64 \
python3-venv tzdata libgl1 libegl1 libgles2 libgbm1 libdrm2 libmtdev1 libportaudio2"

say() { printf 'image: %s\n' "$*"; }
fail() { printf 'image: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: sudo $0 (mmdebstrap makes device files and owners)"
if [ -n "${KIOSK_IMAGE_ROOTFS:-}" ]; then
    TOOLS="sfdisk mkfs.vfat mcopy mke2fs xz"
else
    TOOLS="mmdebstrap qemu-aarch64-static sfdisk mkfs.vfat mcopy mke2fs xz"
fi
for tool in $TOOLS; do
    command -v "$tool" >/dev/null || fail "$tool is missing: make image installs it"
done

: "${SOURCE_DATE_EPOCH:=$(git -C "$SRC_DIR" log -1 --format=%ct 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH
# e2fsprogs before 1.47.1 reads its fixed time from here instead.
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH

# Runs arm64 programs through QEMU: binfmt_misc must be mounted and know
# qemu-aarch64 (a container or a fresh host may have neither).
enable_binfmt() {
    if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc \
            || fail "cannot mount binfmt_misc: run on a host (or a privileged container)"
    fi
    if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
        if command -v update-binfmts >/dev/null; then
            update-binfmts --enable qemu-aarch64 || true
        fi
    fi
    if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
        # The F flag keeps the interpreter open, so it works inside the chroot.
        printf '%s' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:F' \
            > /proc/sys/fs/binfmt_misc/register
    fi
}

# The wheels for Python 3.11 on aarch64, refreshed when setup.cfg changes.
download_wheels() {
    requirements=$("$PYTHON" - "$SRC_DIR/setup.cfg" <<'EOF'
import configparser, sys
config = configparser.ConfigParser()
config.read(sys.argv[1], encoding="utf-8")
lines = config["options"]["install_requires"].splitlines()
for line in lines:
    line = line.split("#", 1)[0].strip()
    if line:
        print(line)
# pyproject.toml's build-system.requires: the editable install builds the project.
print("setuptools>=68")
print("wheel")
EOF
)
    digest=$(printf '%s\n' "$requirements" | sha256sum | cut -c1-16)
    WHEELS=$CACHE/wheels-aarch64-$digest
    if [ -e "$WHEELS/.complete" ]; then
        return
    fi
    say "downloading the aarch64 wheels into $WHEELS"
    mkdir -p "$WHEELS"
    # shellcheck disable=SC2086  # one requirement a word
    "$PYTHON" -m pip download --disable-pip-version-check -q --dest "$WHEELS" \
        --only-binary=:all: --implementation cp --python-version 3.11 --abi cp311 \
        --platform manylinux_2_36_aarch64 --platform manylinux_2_28_aarch64 \
        --platform manylinux_2_17_aarch64 --platform manylinux2014_aarch64 \
        --platform linux_aarch64 $requirements
    touch "$WHEELS/.complete"
}

build_root() {
    root=$1
    mkdir -p "$CACHE/debs"
    say "building the arm64 root with mmdebstrap (packages cached in $CACHE/debs)"
    # The cache recipe of mmdebstrap(1): the .deb files go in before apt runs
    # and come back out before mmdebstrap empties the archive directory.
    # force-confold: the image's own /etc/default/raspi-firmware, put there
    # before the package, is kept (it is that package's conffile).
    mmdebstrap --arch=arm64 --variant=minbase --mode=root \
        --include="$(echo $PACKAGES | tr ' ' ',')" \
        --aptopt='Acquire::Retries "3"' \
        --dpkgopt='force-confdef' --dpkgopt='force-confold' \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --skip=download/empty --skip=essential/unlink \
        --setup-hook='mkdir -p "$1/var/cache/apt/archives" "$1/boot/firmware" "$1/etc/default"' \
        --setup-hook="sync-in '$CACHE/debs' /var/cache/apt/archives/" \
        --setup-hook="copy-in '$HERE/rootfs/etc/default/raspi-firmware' '$HERE/rootfs/etc/default/raspi-extra-cmdline' /etc/default/" \
        --setup-hook="mkdir -p \"\$1/etc/initramfs-tools/scripts/init-bottom\" && cp -r '$HERE/rootfs/etc/initramfs-tools/.' \"\$1/etc/initramfs-tools/\"" \
        --customize-hook="sync-out /var/cache/apt/archives '$CACHE/debs'" \
        --customize-hook="mkdir -p \"\$1/root/checkout\" \"\$1/wheels\"" \
        --customize-hook="cd '$SRC_DIR' && tar -cf - --exclude=__pycache__ --exclude='*.pyc' kiosk sync dialog_config assets systemd setup.cfg pyproject.toml README.md | tar -xf - -C \"\$1/root/checkout\"" \
        --customize-hook="mount --bind '$WHEELS' \"\$1/wheels\"" \
        --customize-hook="chroot \"\$1\" /bin/sh /root/checkout/systemd/image/customize.sh" \
        --customize-hook="umount \"\$1/wheels\" && rmdir \"\$1/wheels\" && rm -rf \"\$1/root/checkout\"" \
        "$SUITE" "$root" \
        "deb $MIRROR $SUITE main non-free-firmware" \
        "deb $MIRROR $SUITE-updates main non-free-firmware" \
        "deb ${MIRROR%/debian}/debian-security $SUITE-security main non-free-firmware"
}

# Everything under DIR gets the build's time stamp.
clamp_times() {
    find "$1" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"
}

make_boot_fs() {
    root=$1 file=$2
    rm -f "$file"
    mkfs.vfat -F 32 -n KIOSKBOOT -i "$BOOT_VOLUME_ID" --invariant -C "$file" \
        $((BOOT_MIB * 1024)) >/dev/null
    # The technician's folder: commented templates, nothing secret in it yet.
    cp -r "$HERE/boot-kiosk" "$root/boot/firmware/kiosk"
    clamp_times "$root/boot/firmware"
    # -m keeps the files' (clamped) times; -s copies folders.
    (cd "$root/boot/firmware" && MTOOLS_SKIP_CHECK=1 mcopy -i "$file" -s -m -Q ./* ::/)
}

# Moves the content of DIR to DEST (same owner and mode), leaving DIR empty.
move_to_data() {
    dir=$1 dest=$2
    cp -a "$dir" "$dest"
    find "$dir" -mindepth 1 -delete
}

make_ext4() {
    dir=$1 file=$2 label=$3 uuid=$4 mib=$5
    rm -f "$file"
    mke2fs -q -t ext4 -L "$label" -U "$uuid" -E "hash_seed=$HASH_SEED,root_owner=0:0" \
        -O '^metadata_csum_seed' -b 4096 -I 256 -m 0 -d "$dir" "$file" "${mib}M"
}

main() {
    mkdir -p "$OUT"
    WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/kiosk-image.XXXXXX")
    # A failed build may leave the wheel cache bound in the root: never
    # delete through a mount point.
    trap 'status=$?; umount "$WORK/root/wheels" 2>/dev/null || true; rm -rf --one-file-system "$WORK"; exit $status' EXIT
    root=$WORK/root
    if [ -n "${KIOSK_IMAGE_ROOTFS:-}" ]; then
        say "assembling the image from the root in $KIOSK_IMAGE_ROOTFS"
        cp -a "$KIOSK_IMAGE_ROOTFS" "$root"
    else
        enable_binfmt
        mkdir -p "$CACHE"
        download_wheels
        build_root "$root"
        if [ -n "${KIOSK_IMAGE_SAVE_ROOTFS:-}" ]; then
            rm -rf "$KIOSK_IMAGE_SAVE_ROOTFS"
            cp -a "$root" "$KIOSK_IMAGE_SAVE_ROOTFS"
        fi
    fi

    # The boot partition's content leaves the root: there it is a mount point.
    boot_dir=$WORK/boot
    mkdir -p "$boot_dir"
    make_boot_fs "$root" "$WORK/boot.vfat"
    find "$root/boot/firmware" -mindepth 1 -delete

    # Nothing of the build's own state stays in the image.
    rm -f "$root/etc/machine-id" "$root/var/lib/dbus/machine-id" \
        "$root/etc/ssh/ssh_host_"* "$root/var/cache/ldconfig/aux-cache"
    # "uninitialized": systemd makes a new identity on every box's first boot.
    printf 'uninitialized\n' > "$root/etc/machine-id"
    rm -rf "$root/var/log/"*.log "$root/var/cache/apt/"*.bin "$root/var/lib/apt/lists/"*_Packages \
        "$root/tmp/"* "$root/var/tmp/"*

    # The data partition: what install.sh made in /etc/kiosk and
    # /var/lib/kiosk moves there with its owners and modes (fstab binds it
    # back), and the journal's folder; the root keeps empty mount points.
    data_dir=$WORK/data
    mkdir -p "$data_dir"
    move_to_data "$root/etc/kiosk" "$data_dir/etc-kiosk"
    move_to_data "$root/var/lib/kiosk" "$data_dir/kiosk"
    mkdir -p "$root/var/log/journal" "$root/data"
    move_to_data "$root/var/log/journal" "$data_dir/journal"
    install -d -m 0755 "$data_dir/system"
    clamp_times "$root"
    clamp_times "$data_dir"

    root_mib=$(( $(du -sm "$root" | cut -f1) * 115 / 100 + ROOT_SPARE_MIB ))
    say "root file system: $root_mib MiB"
    make_ext4 "$root" "$WORK/root.ext4" kiosk-root "$ROOT_UUID" "$root_mib"
    make_ext4 "$data_dir" "$WORK/data.ext4" kiosk-data "$DATA_UUID" "$DATA_MIB"

    img=$WORK/$NAME.img
    total_mib=$((FIRST_MIB + BOOT_MIB + root_mib + DATA_MIB))
    truncate -s "${total_mib}M" "$img"
    root_start=$((FIRST_MIB + BOOT_MIB))
    data_start=$((root_start + root_mib))
    sfdisk --quiet "$img" <<EOF
label: dos
label-id: 0x$DISK_ID
unit: sectors

start=$((FIRST_MIB * 2048)), size=$((BOOT_MIB * 2048)), type=c, bootable
start=$((root_start * 2048)), size=$((root_mib * 2048)), type=83
start=$((data_start * 2048)), size=$((DATA_MIB * 2048)), type=83
EOF
    dd if="$WORK/boot.vfat" of="$img" bs=1M seek="$FIRST_MIB" conv=notrunc,sparse status=none
    dd if="$WORK/root.ext4" of="$img" bs=1M seek="$root_start" conv=notrunc,sparse status=none
    dd if="$WORK/data.ext4" of="$img" bs=1M seek="$data_start" conv=notrunc,sparse status=none

    say "compressing $NAME.img ($total_mib MiB)"
    xz -T0 -6 --keep -c "$img" > "$OUT/$NAME.img.xz.part"
    mv "$OUT/$NAME.img.xz.part" "$OUT/$NAME.img.xz"
    (cd "$OUT" && sha256sum "$NAME.img.xz" > "$NAME.img.xz.sha256")
    if [ "${KIOSK_IMAGE_KEEP_RAW:-}" = 1 ]; then
        mv "$img" "$OUT/$NAME.img"
    fi
    say "wrote $OUT/$NAME.img.xz ($(du -h "$OUT/$NAME.img.xz" | cut -f1)," \
        "$total_mib MiB uncompressed) and its .sha256"
}

main "$@"
