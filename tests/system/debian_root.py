"""A throw-away Debian bookworm root to run the installer in, as root, with chroot.

Building one with debootstrap takes a minute or more, so the bare system is
kept as a tarball (``$KIOSK_TEST_CACHE``, default ``/var/cache/kiosk-test``)
and unpacked afresh for every test run; so are the .deb files apt fetches
and a wheelhouse of the project's Python packages, which the installer
installs from (``KIOSK_WHEELS``) instead of asking PyPI each time.
"""

from __future__ import annotations

import configparser
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = Path(os.environ.get("KIOSK_TEST_CACHE", "/var/cache/kiosk-test"))
SUITE = "bookworm"
#: The mirror apt on this machine uses, when its sources do not say otherwise.
DEFAULT_MIRROR = "http://deb.debian.org/debian"
#: Tools the chroot tests run on the host, and the Debian packages they come in.
HOST_TOOLS = {
    "debootstrap": "debootstrap",
    "chroot": "coreutils",
    "mount": "mount",
    "umount": "mount",
    "tar": "tar",
    "systemd-analyze": "systemd",
}
#: What of the checkout a technician's copy holds (the installer reads it from there).
CHECKOUT_ITEMS = (
    "kiosk",
    "sync",
    "dialog_config",
    "assets",
    "systemd",
    "setup.cfg",
    "pyproject.toml",
    "README.md",
)
#: Debootstrap and the first install each take minutes on a slow mirror.
DEBOOTSTRAP_TIMEOUT_S = 1200
INSTALL_TIMEOUT_S = 1200
#: A Raspberry Pi OS kernel command line, as /boot/firmware/cmdline.txt has it.
PI_CMDLINE = (
    "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 "
    "rootfstype=ext4 fsck.repair=yes rootwait\n"
)


class Missing(Exception):
    """A host tool or permission the chroot tests need; the text says what to install."""


def require_host() -> None:
    if os.geteuid() != 0:
        raise Missing(
            "the install tests run the installer in a chroot and need root: "
            "run them as root (CI does)"
        )
    missing = sorted(
        {package for tool, package in HOST_TOOLS.items() if shutil.which(tool) is None}
    )
    if missing:
        raise Missing(
            f"the install tests need: apt-get install {' '.join(missing)} (make test installs them)"
        )


def apt_mirror() -> str:
    """The Debian mirror this machine's apt uses, so the chroot reaches the same one."""
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for source in sources:
        try:
            text = source.read_text(encoding="utf-8")
        except OSError:
            continue
        for line in text.splitlines():
            words = line.split()
            if source.suffix == ".sources" and words[:1] == ["URIs:"]:
                for uri in words[1:]:
                    if uri.rstrip("/").endswith("/debian"):
                        return uri
            elif words[:1] == ["deb"]:
                uri = next((w for w in words[1:] if "://" in w), "")
                if uri.rstrip("/").endswith("/debian"):
                    return uri
    return DEFAULT_MIRROR


def minbase_tarball() -> Path:
    """The cached bare bookworm (debootstrap --variant=minbase), built on first use."""
    tarball = CACHE_DIR / f"{SUITE}-minbase.tar"
    if tarball.exists():
        return tarball
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as work:
        root = Path(work) / "root"
        run(
            ["debootstrap", "--variant=minbase", SUITE, str(root), apt_mirror()],
            timeout_s=DEBOOTSTRAP_TIMEOUT_S,
        )
        partial = Path(work) / "root.tar"
        run(["tar", "-C", str(root), "--numeric-owner", "-cpf", str(partial), "."])
        partial.rename(tarball)
    return tarball


def wheelhouse() -> Path:
    """The project's dependencies (and its build backend) as wheels, for this Python.

    The host runs the same Python as bookworm (3.11), so the wheels fit the
    chroot's venv. Refreshed when setup.cfg changes.
    """
    requirements = project_requirements()
    digest = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:16]
    wheels = CACHE_DIR / f"wheels-{digest}"
    if (wheels / ".complete").exists():
        return wheels
    wheels.mkdir(parents=True, exist_ok=True)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "-q",
            "--only-binary=:all:",
            "--dest",
            str(wheels),
            *requirements,
        ],
        timeout_s=900,
    )
    (wheels / ".complete").touch()
    return wheels


def project_requirements() -> list[str]:
    config = configparser.ConfigParser()
    config.read(PROJECT_ROOT / "setup.cfg", encoding="utf-8")
    requirements = [
        line.split("#", 1)[0].strip() for line in config["options"]["install_requires"].splitlines()
    ]
    build = ["setuptools>=68", "wheel"]  # pyproject.toml's build-system.requires
    return [r for r in requirements if r] + build


def run(
    command: list[str], *, timeout_s: float = 300, env: dict | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout_s, env=env, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} failed ({result.returncode}):\n"
            f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
        )
    return result


class DebianRoot:
    """An unpacked bookworm with /proc and /dev, the apt cache and the wheelhouse mounted."""

    def __init__(self, directory: Path):
        self.path = directory
        self._mounts: list[Path] = []

    def __enter__(self) -> DebianRoot:
        self.path.mkdir(parents=True)
        run(["tar", "-C", str(self.path), "--numeric-owner", "-xpf", str(minbase_tarball())])
        self._mount(["-t", "proc", "proc"], "proc")
        self._mount(["--bind", "/dev"], "dev")
        archives = CACHE_DIR / "apt-archives"
        (archives / "partial").mkdir(parents=True, exist_ok=True)
        self._mount(["--bind", str(archives)], "var/cache/apt/archives")
        self._mount(["--bind", str(wheelhouse())], "wheels")
        shutil.copy("/etc/resolv.conf", self.path / "etc/resolv.conf")
        # apt must not start services in a root that is not running.
        policy = self.path / "usr/sbin/policy-rc.d"
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        boot = self.path / "boot/firmware"
        boot.mkdir(parents=True, exist_ok=True)
        (boot / "cmdline.txt").write_text(PI_CMDLINE)
        self.copy_checkout("/root/checkout")
        return self

    def __exit__(self, *exc_info) -> None:
        for target in reversed(self._mounts):
            if run(["umount", str(target)], check=False).returncode != 0:
                run(["umount", "--lazy", str(target)], check=False)
        self._mounts.clear()
        if not any(self._is_mount(p) for p in (self.path / "proc", self.path / "dev")):
            shutil.rmtree(self.path, ignore_errors=True)

    def _mount(self, options: list[str], inside: str) -> None:
        target = self.path / inside
        target.mkdir(parents=True, exist_ok=True)
        run(["mount", *options, str(target)])
        self._mounts.append(target)

    @staticmethod
    def _is_mount(path: Path) -> bool:
        return os.path.ismount(path)

    def copy_checkout(self, inside: str) -> None:
        destination = self.path / inside.lstrip("/")
        destination.mkdir(parents=True)
        for item in CHECKOUT_ITEMS:
            source = PROJECT_ROOT / item
            if source.is_dir():
                shutil.copytree(
                    source,
                    destination / item,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                )
            else:
                shutil.copy2(source, destination / item)

    def chroot(
        self, *command: str, timeout_s: float = 300, check: bool = True, env: dict | None = None
    ) -> subprocess.CompletedProcess:
        environment = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C.UTF-8",
            "HOME": "/root",
            "DEBIAN_FRONTEND": "noninteractive",
        }
        environment.update(env or {})
        return run(
            ["chroot", str(self.path), *command], timeout_s=timeout_s, env=environment, check=check
        )

    def file(self, inside: str) -> Path:
        return self.path / inside.lstrip("/")

    def manifest(self, paths: list[str]) -> dict[str, tuple]:
        """Owner, group, mode and content hash (or link target) of every file under ``paths``."""
        entries: dict[str, tuple] = {}
        for inside in paths:
            top = self.file(inside)
            if not top.exists() and not top.is_symlink():
                entries[inside] = ("absent",)
                continue
            for path in [top, *sorted(top.rglob("*"))] if top.is_dir() else [top]:
                info = path.lstat()
                name = "/" + str(path.relative_to(self.path))
                if stat.S_ISLNK(info.st_mode):
                    detail = os.readlink(path)
                elif stat.S_ISREG(info.st_mode):
                    detail = hashlib.sha256(path.read_bytes()).hexdigest()
                else:
                    detail = ""
                entries[name] = (info.st_uid, info.st_gid, stat.filemode(info.st_mode), detail)
        return entries
