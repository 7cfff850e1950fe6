"""The unit files as systemd itself reads them: no warnings, and a tight sandbox for the service."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
UNITS = ("kiosk.service", "kiosk-sync.service")
#: systemd-analyze security's scale: 0 is locked down, 10 is a plain root daemon.
MAX_SYNC_EXPOSURE = 3.0
#: Where systemd's own units live; verify needs the targets the units name.
SYSTEM_UNIT_DIRS = (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system"))


def systemd_analyze() -> str:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.fail("systemd-analyze is missing: apt-get install systemd (make test installs it)")
    return tool


@pytest.fixture
def unit_root(tmp_path) -> Path:
    """A root file system holding the units, the system's targets and the venv's python.

    verify checks that ExecStart's program exists; under --root it looks
    inside this root, so the test needs nothing installed in /opt.
    """
    root = tmp_path / "root"
    units = root / "etc/systemd/system"
    units.mkdir(parents=True)
    for unit in UNITS:
        shutil.copy(PROJECT_ROOT / "systemd" / unit, units / unit)
    source = next((d for d in SYSTEM_UNIT_DIRS if (d / "multi-user.target").exists()), None)
    if source is None:
        pytest.fail("systemd's units (multi-user.target) are missing: apt-get install systemd")
    shutil.copytree(source, root / "usr/lib/systemd/system", symlinks=True)
    python = root / "opt/kiosk/venv/bin/python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    return root


def analyze(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([systemd_analyze(), *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_both_units_verify_without_a_single_message(unit_root):
    result = analyze("verify", f"--root={unit_root}", *UNITS)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_verify_would_catch_a_missing_program(unit_root):
    """The check above is real: without the venv's python, verify complains."""
    (unit_root / "opt/kiosk/venv/bin/python").unlink()
    result = analyze("verify", f"--root={unit_root}", *UNITS)
    assert result.returncode != 0
    assert "/opt/kiosk/venv/bin/python is not executable" in result.stderr


def test_the_delivery_service_is_sandboxed_to_an_exposure_of_at_most_3(unit_root):
    result = analyze("security", "--offline=true", f"--root={unit_root}", "--no-pager",
                     "kiosk-sync.service")
    output = result.stdout + result.stderr
    found = re.search(r"Overall exposure level for kiosk-sync\.service: (\d+\.\d+)", output)
    assert found, output
    exposure = float(found.group(1))
    print(f"kiosk-sync.service exposure: {exposure}")
    assert exposure <= MAX_SYNC_EXPOSURE, output


def test_every_setting_line_says_why():
    """Each directive has a comment right above it (style rule 10)."""
    for unit in UNITS:
        lines = (PROJECT_ROOT / "systemd" / unit).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if not line or line.startswith(("#", "[")):
                continue
            above = lines[number - 1]
            # A run of related settings shares the comment above the run.
            k = number - 1
            while k >= 0 and lines[k] and not lines[k].startswith(("#", "[")):
                k -= 1
            assert k >= 0 and lines[k].startswith("#"), \
                f"{unit}:{number + 1}: {line!r} has no comment saying why (above: {above!r})"
