"""systemd/install.sh and uninstall.sh on a real Debian bookworm, in a chroot.

One root for the whole module, in order: install, look at what it made,
install again (the same system), uninstall (settings and data kept), purge.
Needs root and debootstrap; a missing tool fails the tests with what to install.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from debian_root import DebianRoot, Missing, require_host, run

INSTALL = "/root/checkout/systemd/install.sh"
UNINSTALL = "/root/checkout/systemd/uninstall.sh"
INSTALL_ENV = {"KIOSK_WHEELS": "/wheels"}
#: What the installer owns; the second run must leave each byte, owner and mode as it was.
MANIFEST_PATHS = [
    "/etc/kiosk",
    "/var/lib/kiosk",
    "/opt/kiosk/src",
    "/etc/systemd/system",
    "/boot/firmware/cmdline.txt",
    "/etc/systemd/logind.conf.d",
]
WANTS = "/etc/systemd/system/multi-user.target.wants"
GETTY_WANTS = "/etc/systemd/system/getty.target.wants/getty@tty1.service"


@pytest.fixture(scope="module")
def debian(tmp_path_factory):
    try:
        require_host()
    except Missing as exc:
        pytest.fail(str(exc))
    started = time.monotonic()
    with DebianRoot(tmp_path_factory.mktemp("debian") / "root") as root:
        root.install_log = root.chroot("/bin/sh", INSTALL, env=INSTALL_ENV, timeout_s=1200).stdout
        print(f"first install in the chroot: {time.monotonic() - started:.0f} s")
        yield root


def user_line(debian, name: str) -> str:
    return debian.chroot("getent", "passwd", name, check=False).stdout.strip()


def groups_of(debian, name: str) -> set[str]:
    return set(debian.chroot("id", "-nG", name).stdout.split())


def owner_mode(debian, inside: str) -> tuple[str, str, str]:
    out = debian.chroot("stat", "-c", "%U %G %a", inside).stdout.split()
    return tuple(out)


def state(debian) -> dict:
    """The manifest, the kiosk accounts and the venv's packages."""
    accounts = [
        line
        for line in debian.file("/etc/passwd").read_text().splitlines()
        + debian.file("/etc/group").read_text().splitlines()
        if re.search(r"(^|[:,])kiosk", line)
    ]
    packages = debian.chroot(
        "/opt/kiosk/venv/bin/python", "-m", "pip", "freeze", "--disable-pip-version-check"
    ).stdout
    return {
        "files": debian.manifest(MANIFEST_PATHS),
        "accounts": sorted(accounts),
        "packages": packages,
    }


# -- the first install --------------------------------------------------------------


def test_the_two_users_share_the_kiosk_group_and_only_the_app_has_the_devices(debian):
    assert user_line(debian, "kiosk").endswith(":/var/lib/kiosk:/usr/sbin/nologin")
    assert groups_of(debian, "kiosk") == {"kiosk", "video", "render", "input", "audio"}
    assert groups_of(debian, "kiosk-sync") == {"kiosk"}


def test_secrets_are_root_only_and_the_outbox_is_the_groups(debian):
    assert owner_mode(debian, "/etc/kiosk/secrets") == ("root", "root", "700")
    assert owner_mode(debian, "/var/lib/kiosk") == ("root", "kiosk", "2770")
    assert owner_mode(debian, "/etc/kiosk/settings.yaml") == ("root", "root", "644")
    # The starting dialog, readable by the app, replaceable by the service.
    assert owner_mode(debian, "/var/lib/kiosk/dialog.yaml") == ("root", "kiosk", "640")


def test_the_settings_skeleton_is_valid_for_the_installed_kiosk(debian):
    result = debian.chroot(
        "/opt/kiosk/venv/bin/kiosk", "--settings", "/etc/kiosk/settings.yaml", "validate"
    )
    assert "/etc/kiosk/settings.yaml: valid" in result.stdout


def test_the_installed_code_finds_its_assets(debian):
    result = debian.chroot(
        "/opt/kiosk/venv/bin/python",
        "-c",
        "from kiosk.ui.design import ASSETS_DIR; print(ASSETS_DIR)",
    )
    assets = result.stdout.strip()
    assert assets == "/opt/kiosk/src/assets"
    assert any(debian.file(assets).joinpath("fonts").glob("*.otf"))


def test_both_units_are_installed_enabled_and_verify_in_the_installed_root(debian):
    for unit in ("kiosk.service", "kiosk-sync.service"):
        link = debian.file(f"{WANTS}/{unit}")
        assert os.readlink(link) == f"/etc/systemd/system/{unit}"
    result = run(
        [
            "systemd-analyze",
            "verify",
            f"--root={debian.path}",
            "kiosk.service",
            "kiosk-sync.service",
        ],
        check=False,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_tty1_has_no_login_prompt_and_the_console_never_blanks(debian):
    for unit in ("getty@tty1.service", "autovt@tty1.service"):
        assert os.readlink(debian.file(f"/etc/systemd/system/{unit}")) == "/dev/null"
    assert not debian.file(GETTY_WANTS).is_symlink()
    cmdline = debian.file("/boot/firmware/cmdline.txt").read_text()
    assert cmdline.count("consoleblank=0") == 1
    assert cmdline.endswith("rootwait consoleblank=0\n")


def test_no_console_offers_a_login_and_ctrl_alt_del_does_nothing(debian):
    logind = debian.file("/etc/systemd/logind.conf.d/kiosk.conf").read_text()
    assert "[Login]\nNAutoVTs=0\nReserveVT=0\n" in logind
    # What logind itself will read, drop-ins included.
    shown = debian.chroot(
        "systemd-analyze", "cat-config", "systemd/logind.conf", check=False
    ).stdout
    assert "NAutoVTs=0" in shown and "ReserveVT=0" in shown
    target = debian.file("/etc/systemd/system/ctrl-alt-del.target")
    assert os.readlink(target) == "/dev/null"


def test_nothing_was_started_in_the_chroot(debian):
    assert "systemd is not running here" in debian.install_log


# -- again, then away -------------------------------------------------------------


def test_installing_again_gives_the_same_system(debian):
    # A technician's edits must survive: settings and a secret.
    settings = debian.file("/etc/kiosk/settings.yaml")
    settings.write_text(settings.read_text() + "site: Trattoria Roma\n")
    token = debian.file("/etc/kiosk/secrets/manager-token")
    token.write_text("s3cret\n")
    token.chmod(0o600)
    before = state(debian)
    started = time.monotonic()
    debian.chroot("/bin/sh", INSTALL, env=INSTALL_ENV, timeout_s=1200)
    print(f"second install in the chroot: {time.monotonic() - started:.0f} s")
    after = state(debian)
    assert after["accounts"] == before["accounts"]
    assert after["packages"] == before["packages"]
    changed = {
        path: (before["files"].get(path), after["files"].get(path))
        for path in set(before["files"]) | set(after["files"])
        if before["files"].get(path) != after["files"].get(path)
    }
    assert changed == {}
    assert settings.read_text().endswith("site: Trattoria Roma\n")


def test_uninstall_removes_the_program_and_keeps_settings_and_data(debian):
    kept = debian.manifest(["/etc/kiosk", "/var/lib/kiosk"])
    debian.chroot("/bin/sh", UNINSTALL)
    for gone in (
        "/opt/kiosk",
        "/etc/systemd/system/kiosk.service",
        "/etc/systemd/system/kiosk-sync.service",
        f"{WANTS}/kiosk.service",
        f"{WANTS}/kiosk-sync.service",
        "/etc/systemd/system/getty@tty1.service",
        "/etc/systemd/system/autovt@tty1.service",
        "/etc/systemd/system/ctrl-alt-del.target",
        "/etc/systemd/logind.conf.d/kiosk.conf",
    ):
        assert not debian.file(gone).exists() and not debian.file(gone).is_symlink(), gone
    assert user_line(debian, "kiosk") == user_line(debian, "kiosk-sync") == ""
    assert debian.chroot("getent", "group", "kiosk", check=False).returncode == 2
    assert os.readlink(debian.file(GETTY_WANTS)) == "/lib/systemd/system/getty@.service"
    assert "consoleblank" not in debian.file("/boot/firmware/cmdline.txt").read_text()
    assert (
        debian.file("/boot/firmware/cmdline.txt").read_text()
        == "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 "
        "rootfstype=ext4 fsck.repair=yes rootwait\n"
    )
    # Kept byte for byte (the owners are now bare numbers: the accounts are gone).
    assert debian.manifest(["/etc/kiosk", "/var/lib/kiosk"]) == kept


def test_uninstall_with_purge_removes_settings_and_data(debian):
    debian.chroot("/bin/sh", UNINSTALL, "--purge")
    assert not debian.file("/etc/kiosk").exists()
    assert not debian.file("/var/lib/kiosk").exists()
