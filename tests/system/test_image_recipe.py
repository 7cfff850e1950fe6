"""The SD card image's recipe, fast: no QEMU and no Debian packages.

kiosk-firstboot runs on a folder tree that stands for the card (the FAT
boot partition's kiosk/ folder and the data partition), with the real
``kiosk validate`` and ``kiosk doctor``; build.sh assembles its three
partitions around a small prepared root, twice, and the disk image is read
back with sfdisk, mtools and debugfs. ``make image-test`` boots the real image.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
IMAGE_DIR = PROJECT_ROOT / "systemd" / "image"
FIRSTBOOT = IMAGE_DIR / "rootfs" / "usr" / "local" / "sbin" / "kiosk-firstboot"
BUILD = IMAGE_DIR / "build.sh"
TOKEN = "tok-7f3a9c"
SECTOR_BYTES = 512


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.fail("the image recipe tests set owners and make file systems: run them as root")


@pytest.fixture
def card(tmp_path):
    """A tree standing for the booted card: /boot/firmware/kiosk, /etc/kiosk, /data."""
    require_root()
    root = tmp_path / "card"
    shutil.copytree(IMAGE_DIR / "boot-kiosk", root / "boot/firmware/kiosk")
    (root / "etc/kiosk/secrets").mkdir(parents=True, mode=0o700)
    (root / "data/system").mkdir(parents=True)
    (root / "usr/share").mkdir(parents=True)
    (root / "usr/share/zoneinfo").symlink_to("/usr/share/zoneinfo")
    (root / "etc/kiosk/settings.yaml").write_text("data_dir: /var/lib/kiosk\n")
    kiosk = tmp_path / "kiosk"
    kiosk.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kiosk "$@"\n')
    kiosk.chmod(0o755)
    return root


def run_firstboot(root: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "KIOSK_FIRSTBOOT_ROOT": str(root),
        "KIOSK_CMD": str(root.parent / "kiosk"),
        "KIOSK_FIRSTBOOT_APPLY": "0",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    return subprocess.run(
        ["/bin/sh", str(FIRSTBOOT)], env=env, capture_output=True, text=True, timeout=60
    )


def folder(root: Path) -> Path:
    return root / "boot/firmware/kiosk"


def settings_text(root: Path) -> str:
    return (
        f"terminal_id: rome-01\n"
        f"data_dir: {root}/var/lib/kiosk\n"
        f"sync:\n"
        f"  manager:\n"
        f"    url: http://127.0.0.1:8000/api\n"
        f"    token_file: {root}/etc/kiosk/secrets/manager-token\n"
    )


def owner_mode(path: Path) -> tuple[int, int, str]:
    info = path.stat()
    return info.st_uid, info.st_gid, stat.filemode(info.st_mode)


def doctor(root: Path) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--settings",
            str(root / "etc/kiosk/settings.yaml"),
            "doctor",
            "--json",
        ],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return {check["name"]: check for check in json.loads(result.stdout)["checks"]}


def test_a_filled_in_folder_is_moved_into_place_and_the_secrets_leave_the_card(card, tmp_path):
    kiosk = folder(card)
    kiosk.joinpath("settings.yaml").write_text(settings_text(card))
    # A laptop's editor: comments kept, CR LF line ends.
    kiosk.joinpath("manager-token").write_text(
        kiosk.joinpath("manager-token").read_text() + TOKEN + "\r\n"
    )
    kiosk.joinpath("wifi.txt").write_text(
        "country=IT\r\nssid=Trattoria Guest\r\npassphrase=grappa-1234\r\n"
    )
    kiosk.joinpath("hostname").write_text("rome-01\n")
    kiosk.joinpath("timezone").write_text("Europe/Rome\n")
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "key")], check=True
    )
    shutil.copy(tmp_path / "key.pub", kiosk / "ssh.pub")

    result = run_firstboot(card)

    assert result.returncode == 0, result.stderr
    secret = card / "etc/kiosk/secrets/manager-token"
    assert secret.read_text() == TOKEN
    assert owner_mode(secret) == (0, 0, "-rw-------")
    assert (card / "etc/kiosk/settings.yaml").read_text() == settings_text(card)
    wifi = card / "data/system/wpa_supplicant-wlan0.conf"
    assert 'ssid="Trattoria Guest"' in wifi.read_text() and "country=IT" in wifi.read_text()
    assert owner_mode(wifi)[2] == "-rw-------"
    assert (card / "data/system/hostname").read_text() == "rome-01\n"
    assert (card / "data/system/timezone").read_text() == "Europe/Rome\n"
    assert (card / "data/system/authorized_keys").read_text() == (tmp_path / "key.pub").read_text()
    # Applied files leave the card; nothing secret is left on it anywhere.
    left = sorted(p.name for p in kiosk.iterdir())
    assert left == ["README.txt", "RESULT.txt", "enroll.txt", "smtp-password"]
    for path in kiosk.iterdir():
        text = path.read_text()
        assert TOKEN not in text and "grappa-1234" not in text
    assert "NOT APPLIED" not in (kiosk / "RESULT.txt").read_text()
    assert (card / "etc/kiosk/first-boot.txt").read_text() == ""
    assert doctor(card)["boot folder"]["state"] == "ok"


def test_bad_files_stay_on_the_card_and_the_doctor_and_result_file_say_why(card):
    kiosk = folder(card)
    kiosk.joinpath("settings.yaml").write_text("terminal_id: rome-01\ncolour: blue\n")
    kiosk.joinpath("hostname").write_text("Rome_01\n")
    kiosk.joinpath("wifi.txt").write_text("ssid=Trattoria Guest\npassphrase=grappa-1234\n")
    kiosk.joinpath("timezone").write_text("Europe/Atlantis\n")
    kiosk.joinpath("ssh.pub").write_text("ssh-ed25519 not-a-key\n")

    result = run_firstboot(card)

    assert result.returncode == 0, result.stderr
    # The box keeps the settings it had, and nothing of the bad files is applied.
    assert (card / "etc/kiosk/settings.yaml").read_text() == "data_dir: /var/lib/kiosk\n"
    assert sorted(p.name for p in (card / "data/system").iterdir()) == []
    for name in ("settings.yaml", "hostname", "wifi.txt", "timezone", "ssh.pub"):
        assert (kiosk / name).exists(), name
    problems = (card / "etc/kiosk/first-boot.txt").read_text().splitlines()
    assert len(problems) == 5
    assert any("colour: unknown key" in line for line in problems)
    assert any('"Rome_01" is not a host name' in line for line in problems)
    assert any("country=" in line for line in problems)
    assert any('"Europe/Atlantis" is not a time zone' in line for line in problems)
    assert any("SSH stays off" in line for line in problems)
    report = (kiosk / "RESULT.txt").read_text()
    assert "NOT APPLIED" in report and "colour: unknown key" in report
    check = doctor(card)["boot folder"]
    assert check["state"] == "failed"
    assert (
        "kiosk/settings.yaml was not applied" in check["detail"]
        and "(and 4 more)" in check["detail"]
    )
    assert "RESULT.txt" in check["hint"]


def test_a_secret_on_two_lines_is_refused_and_left_on_the_card(card):
    kiosk = folder(card)
    kiosk.joinpath("manager-token").write_text("first\nsecond\n")

    run_firstboot(card)

    assert not (card / "etc/kiosk/secrets/manager-token").exists()
    assert "one line" in (card / "etc/kiosk/first-boot.txt").read_text()


# -- build.sh: the partitions and the disk ------------------------------------------


def small_root(path: Path) -> Path:
    """What build.sh needs of a root: the boot files, /etc/kiosk, /var/lib/kiosk."""
    (path / "boot/firmware").mkdir(parents=True)
    (path / "boot/firmware/cmdline.txt").write_text("root=PARTUUID=4b696f73-02 ro\n")
    (path / "boot/firmware/config.txt").write_text("arm_64bit=1\n")
    (path / "etc/kiosk/secrets").mkdir(parents=True)
    (path / "etc/kiosk/secrets").chmod(0o700)
    (path / "etc/kiosk/settings.yaml").write_text("data_dir: /var/lib/kiosk\n")
    (path / "var/lib/kiosk").mkdir(parents=True)
    (path / "var/lib/kiosk/dialog.yaml").write_text("# the dialog\n")
    os.chown(path / "var/lib/kiosk", 0, 999)
    (path / "var/lib/kiosk").chmod(0o2770)
    (path / "opt/kiosk").mkdir(parents=True)
    (path / "opt/kiosk/marker").write_text("the program\n")
    return path


def build(root: Path, out: Path, epoch: str) -> Path:
    env = {
        **os.environ,
        "KIOSK_IMAGE_ROOTFS": str(root),
        "KIOSK_IMAGE_OUT": str(out),
        "KIOSK_IMAGE_KEEP_RAW": "1",
        "SOURCE_DATE_EPOCH": epoch,
        "TMPDIR": str(out.parent),
    }
    result = subprocess.run(
        ["/bin/sh", str(BUILD)], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (image,) = out.glob("kiosk-*-arm64.img")
    return image


def partitions(image: Path) -> list[dict]:
    table = json.loads(
        subprocess.run(
            ["sfdisk", "--json", str(image)], capture_output=True, text=True, check=True
        ).stdout
    )["partitiontable"]
    assert table["label"] == "dos" and table["id"] == "0x4b696f73"
    return table["partitions"]


def extract(image: Path, part: dict, dest: Path) -> Path:
    with image.open("rb") as source, dest.open("wb") as target:
        source.seek(part["start"] * SECTOR_BYTES)
        target.write(source.read(part["size"] * SECTOR_BYTES))
    return dest


def dumpe2fs(fs: Path) -> str:
    return subprocess.run(
        ["dumpe2fs", "-h", str(fs)], capture_output=True, text=True, check=True
    ).stdout


def debugfs(fs: Path, request: str) -> str:
    return subprocess.run(
        ["debugfs", "-R", request, str(fs)], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.slow
def test_build_assembles_three_partitions_without_a_loop_device_the_same_twice(tmp_path):
    require_root()
    root = small_root(tmp_path / "root")
    first = build(root, tmp_path / "out1", "1700000000")
    second = build(root, tmp_path / "out2", "1700000000")

    # Two builds differ only in the inodes' change times (ctime), which mke2fs
    # 1.47.0 copies from the build's files (README: reproducibility).
    boot, system, data = partitions(first)
    assert (
        extract(first, boot, tmp_path / "b1").read_bytes()
        == extract(second, boot, tmp_path / "b2").read_bytes()
    )
    for part in (system, data):
        one, two = extract(first, part, tmp_path / "p1"), extract(second, part, tmp_path / "p2")
        assert dumpe2fs(one) == dumpe2fs(two)
        assert debugfs(one, "ls -l /") == debugfs(two, "ls -l /")
    xz = first.with_name(first.name + ".xz")
    line = xz.with_name(xz.name + ".sha256").read_text()
    assert line == f"{hashlib.sha256(xz.read_bytes()).hexdigest()}  {xz.name}\n"

    assert boot["type"] == "c" and boot.get("bootable") and system["type"] == data["type"] == "83"
    assert boot["start"] * SECTOR_BYTES == 4 * 1024 * 1024
    # The data partition is last, so the first boot can grow it to the card's end.
    assert data["start"] > system["start"] > boot["start"]

    listing = subprocess.run(
        ["mdir", "-b", "-/", "-i", f"{first}@@{boot['start'] * SECTOR_BYTES}", "::/"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MTOOLS_SKIP_CHECK": "1"},
    ).stdout.split()
    assert "::/cmdline.txt" in listing and "::/config.txt" in listing
    assert {"::/kiosk/settings.yaml", "::/kiosk/manager-token", "::/kiosk/wifi.txt"} <= set(listing)

    root_fs = extract(first, system, tmp_path / "root.ext4")
    assert (
        "kiosk-root"
        in subprocess.run(
            ["e2label", str(root_fs)], capture_output=True, text=True, check=True
        ).stdout
    )
    assert "the program" in debugfs(root_fs, "cat /opt/kiosk/marker")
    # /etc/kiosk and /var/lib/kiosk are mount points there; their content is on data.
    assert "settings.yaml" not in debugfs(root_fs, "ls /etc/kiosk")
    data_fs = extract(first, data, tmp_path / "data.ext4")
    assert "data_dir: /var/lib/kiosk" in debugfs(data_fs, "cat /etc-kiosk/settings.yaml")
    outbox = debugfs(data_fs, "stat /kiosk")
    assert "Mode:  02770" in outbox and "Group:   999" in outbox
    assert "Mode:  0700" in debugfs(data_fs, "stat /etc-kiosk/secrets")
