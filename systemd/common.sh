# Shared by install.sh and uninstall.sh (sourced, not run).

# True when systemd runs this system (not a chroot or an image being built):
# only then are units started, stopped and reloaded.
systemd_running() {
    [ -d /run/systemd/system ] || return 1
    if command -v systemd-detect-virt >/dev/null 2>&1 \
        && systemd-detect-virt --quiet --chroot; then
        return 1
    fi
    return 0
}
