"""The built SD card image, booted in qemu-system-aarch64 (machine virt) for the image tests.

The image's own kernel and initrd are read out of its root partition and
booted with the whole card as a virtio disk. The guest's only network is
QEMU's user mode with ``restrict=on``: one forward from 10.0.2.100:8000 in
the guest to a port on the host's 127.0.0.1 (the test manager), nothing
else. The serial console is a Unix socket; ``kiosk.console_shell=1`` gives
a root shell there (the image's serial-getty drop-in).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = PROJECT_ROOT / "build"
SECTOR_BYTES = 512
#: The guest sees the host's test manager here (guestfwd).
GUEST_MANAGER = "10.0.2.100:8000"
#: The card a technician flashes is larger than the image: the data partition grows.
CARD_BYTES = 3 * 1024**3
#: Booting arm64 under TCG on two shared cores is slow.
BOOT_TIMEOUT_S = 900
COMMAND_TIMEOUT_S = 300
PROMPT = "KIOSK-PROMPT# "


def built_image() -> Path:
    images = sorted(BUILD_DIR.glob("kiosk-*-arm64.img"))
    if not images:
        raise AssertionError(
            f"no built image in {BUILD_DIR}: run `make image` (make image-test does) first"
        )
    return images[-1]


def partitions(image: Path) -> list[dict]:
    import json

    out = subprocess.run(
        ["sfdisk", "--json", str(image)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)["partitiontable"]["partitions"]


def boot_offset(image: Path) -> int:
    return partitions(image)[0]["start"] * SECTOR_BYTES


def fat(image: Path, *args: str) -> subprocess.CompletedProcess:
    """An mtools command (mcopy, mdir, mdel ...) on the image's FAT partition."""
    tool, rest = args[0], args[1:]
    spec = f"{image}@@{boot_offset(image)}"
    return subprocess.run(
        [tool, "-i", spec, *rest],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MTOOLS_SKIP_CHECK": "1"},
    )


def fat_files(image: Path, folder: str = "::/kiosk") -> list[str]:
    listing = fat(image, "mdir", "-b", folder).stdout.split()
    return sorted(Path(name).name for name in listing)


def put_fat_file(image: Path, name: str, text: str, workdir: Path) -> None:
    local = workdir / Path(name).name
    local.write_text(text)
    fat(image, "mcopy", "-o", str(local), f"::/kiosk/{Path(name).name}")


def kernel_and_initrd(image: Path, workdir: Path) -> tuple[Path, Path]:
    """The kernel and initrd from the root partition's /boot, as on the Pi."""
    root = partitions(image)[1]
    root_fs = workdir / "root.ext4"
    with image.open("rb") as source, root_fs.open("wb") as target:
        source.seek(root["start"] * SECTOR_BYTES)
        target.write(source.read(root["size"] * SECTOR_BYTES))
    names = subprocess.run(
        ["debugfs", "-R", "ls -p /boot", str(root_fs)], capture_output=True, text=True, check=True
    ).stdout
    found = re.findall(r"/(vmlinuz-[^/]+)/|/(initrd\.img-[^/]+)/", names)
    kernel = next(k for k, _ in found if k)
    initrd = next(i for _, i in found if i)
    for name in (kernel, initrd):
        subprocess.run(
            ["debugfs", "-R", f"dump /boot/{name} {workdir / name}", str(root_fs)],
            capture_output=True,
            check=True,
        )
    root_fs.unlink()
    return workdir / kernel, workdir / initrd


def prepare_card(workdir: Path) -> Path:
    """A copy of the built image as a card larger than the image."""
    card = workdir / "card.img"
    subprocess.run(["cp", "--sparse=always", str(built_image()), str(card)], check=True)
    os.truncate(card, CARD_BYTES)
    return card


class Guest:
    """One boot of the card in QEMU, driven through its serial console."""

    def __init__(self, card: Path, kernel: Path, initrd: Path, manager_port: int, workdir: Path):
        self.card = card
        self.workdir = workdir
        self.socket_path = workdir / "serial.sock"
        self.log_path = workdir / "serial.log"
        self.started = 0.0
        self._buffer = ""
        self._sock: socket.socket | None = None
        append = (
            "root=PARTUUID=4b696f73-02 ro rootwait quiet kiosk.overlay=1 console=ttyAMA0,115200 "
            "kiosk.console_shell=1 consoleblank=0 systemd.show_status=false "
            # No display in QEMU: the app would only restart every 2 s.
            "systemd.mask=kiosk.service"
        )
        self.command = [
            "qemu-system-aarch64",
            "-M",
            "virt",
            "-cpu",
            "cortex-a72",
            "-smp",
            "2",
            "-m",
            "1024",
            "-accel",
            "tcg,thread=multi",
            "-display",
            "none",
            "-monitor",
            "none",
            "-kernel",
            str(kernel),
            "-initrd",
            str(initrd),
            "-append",
            append,
            "-drive",
            f"file={card},format=raw,if=virtio,cache=writeback",
            "-netdev",
            f"user,id=net0,restrict=on,guestfwd=tcp:{GUEST_MANAGER}-tcp:127.0.0.1:{manager_port}",
            "-device",
            "virtio-net-pci,netdev=net0",
            "-chardev",
            f"socket,id=serial0,path={self.socket_path},server=on,wait=off,"
            f"logfile={self.log_path},logappend=on",
            "-serial",
            "chardev:serial0",
        ]
        self.process: subprocess.Popen | None = None

    def start(self) -> Guest:
        self.socket_path.unlink(missing_ok=True)
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=(self.workdir / "qemu.err").open("a")
        )
        deadline = time.monotonic() + 30
        while not self.socket_path.exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(
                    f"QEMU did not start: {(self.workdir / 'qemu.err').read_text()}"
                )
            time.sleep(0.1)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.connect(str(self.socket_path))
        self._buffer = ""
        return self

    def wait_for_shell(self, timeout_s: float = BOOT_TIMEOUT_S) -> float:
        """Waits for the root shell on the console; returns the seconds since QEMU started."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self._send("\n")
            if self._read_until(re.compile(r"root@[^:]*:[^#]*# $|# $"), 5) is not None:
                self._send(
                    # In two pieces, so that the echo of this line does not match PROMPT.
                    f"PS1='{PROMPT[:3]}''{PROMPT[3:]}'; stty -echo cols 500; "
                    "export SYSTEMD_PAGER= TERM=dumb\n"
                )
                self._read_until(re.compile(re.escape(PROMPT)), 30)
                return time.monotonic() - self.started
        raise AssertionError(f"no shell on the serial console: {self.tail()}")

    def run(self, command: str, timeout_s: float = COMMAND_TIMEOUT_S) -> tuple[int, str]:
        """Runs COMMAND in the guest's root shell: its exit status and output."""
        marker = f"END-{time.monotonic_ns()}"
        self._buffer = ""
        self._send(f"( {command} ) 2>&1; echo {marker} $?\n")
        pattern = re.compile(re.escape(marker) + r" (\d+)\r?\n")
        found = self._read_until(pattern, timeout_s)
        if found is None:
            raise AssertionError(f"`{command}` did not finish: {self.tail()}")
        output, status = found
        self._read_until(re.compile(re.escape(PROMPT)), 10)
        return status, output.replace("\r", "")

    def check(self, command: str, timeout_s: float = COMMAND_TIMEOUT_S) -> str:
        status, output = self.run(command, timeout_s)
        assert status == 0, f"`{command}` failed ({status}):\n{output}"
        return output

    def send(self, text: str) -> None:
        self._send(text)

    def read_until(self, pattern: re.Pattern, timeout_s: float) -> str | None:
        """The console's output up to the end of PATTERN's next match, or None at the timeout."""
        return self._read_until_text(pattern, timeout_s)

    def power_cut(self) -> None:
        """The plug pulled: QEMU killed, nothing flushed or unmounted."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)
        self._close()

    def shutdown(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self._close()
            return
        try:
            self._send("systemctl poweroff\n")
            self.process.wait(180)
        except (OSError, subprocess.TimeoutExpired):
            self.power_cut()
        self._close()

    def tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    # ---------------------------------------------------------------- serial I/O

    def _close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _send(self, text: str) -> None:
        assert self._sock is not None
        self._sock.sendall(text.encode())

    def _read_until_text(self, pattern: re.Pattern, timeout_s: float) -> str | None:
        assert self._sock is not None
        deadline = time.monotonic() + timeout_s
        while True:
            match = pattern.search(self._buffer)
            if match:
                text = self._buffer[: match.end()]
                self._buffer = self._buffer[match.end() :]
                return text
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._sock.settimeout(min(remaining, 1.0))
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return None
            self._buffer += chunk.decode(errors="replace")

    def _read_until(self, pattern: re.Pattern, timeout_s: float):
        assert self._sock is not None
        deadline = time.monotonic() + timeout_s
        while True:
            match = pattern.search(self._buffer)
            if match:
                before = self._buffer[: match.start()]
                self._buffer = self._buffer[match.end() :]
                return (before, int(match.group(1))) if match.groups() else before
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._sock.settimeout(min(remaining, 1.0))
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return None
            self._buffer += chunk.decode(errors="replace")


def require_qemu() -> None:
    missing = [
        tool
        for tool in ("qemu-system-aarch64", "sfdisk", "mcopy", "debugfs")
        if shutil.which(tool) is None
    ]
    if missing:
        raise AssertionError(
            f"the image tests need {', '.join(missing)}: make image-test installs them"
        )
