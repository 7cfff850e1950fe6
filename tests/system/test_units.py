"""The unit files as systemd itself reads them: no warnings, and a tight sandbox for the services.

The terminal's units are in systemd/, the feedback manager's in systemd/manager/.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
UNITS = ("kiosk.service", "kiosk-sync.service")
MANAGER_UNITS = (
    "kiosk-manager.service",
    "kiosk-manager-retention.service",
    "kiosk-manager-retention.timer",
    "kiosk-manager-tick.service",
    "kiosk-manager-tick.timer",
)
#: Each unit file and where it is in the checkout.
SOURCES = {
    **{unit: PROJECT_ROOT / "systemd" / unit for unit in UNITS},
    **{unit: PROJECT_ROOT / "systemd" / "manager" / unit for unit in MANAGER_UNITS},
}
#: The program each set of units starts, as the deployment installs it.
PYTHONS = ("opt/kiosk/venv/bin/python", "opt/kiosk-manager/bin/python")
#: What else the units run: the system's own programs (procps' kill for a reload).
SYSTEM_PROGRAMS = ("bin/kill",)
#: systemd-analyze security's scale: 0 is locked down, 10 is a plain root daemon.
MAX_SYNC_EXPOSURE = 3.0
#: The terminal's own units, held tighter: the app needs the display, touch,
#: camera and microphone, which no sandbox can take away.
MAX_EXPOSURE = {"kiosk-sync.service": 1.5, "kiosk.service": 4.0}
#: The services that hold secrets and talk to the network.
SANDBOXED = (
    "kiosk-sync.service",
    "kiosk-manager.service",
    "kiosk-manager-retention.service",
    "kiosk-manager-tick.service",
)
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
    for unit, source in SOURCES.items():
        shutil.copy(source, units / unit)
    source = next((d for d in SYSTEM_UNIT_DIRS if (d / "multi-user.target").exists()), None)
    if source is None:
        pytest.fail("systemd's units (multi-user.target) are missing: apt-get install systemd")
    shutil.copytree(source, root / "usr/lib/systemd/system", symlinks=True)
    for program in (*PYTHONS, *SYSTEM_PROGRAMS):
        python = root / program
        python.parent.mkdir(parents=True)
        python.write_text("#!/bin/sh\n")
        python.chmod(0o755)
    return root


def analyze(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [systemd_analyze(), *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("units", [UNITS, MANAGER_UNITS], ids=["terminal", "manager"])
def test_the_units_verify_without_a_single_message(unit_root, units):
    result = analyze("verify", f"--root={unit_root}", *units)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize(
    "units, program",
    [(UNITS, PYTHONS[0]), (MANAGER_UNITS, PYTHONS[1])],
    ids=["terminal", "manager"],
)
def test_verify_would_catch_a_missing_program(unit_root, units, program):
    """The check above is real: without the venv's python, verify complains."""
    (unit_root / program).unlink()
    result = analyze("verify", f"--root={unit_root}", *units)
    assert result.returncode != 0
    assert f"/{program} is not executable" in result.stderr


@pytest.mark.parametrize("unit", SANDBOXED)
def test_the_services_are_sandboxed_to_an_exposure_of_at_most_3(unit_root, unit):
    result = analyze("security", "--offline=true", f"--root={unit_root}", "--no-pager", unit)
    output = result.stdout + result.stderr
    found = re.search(rf"Overall exposure level for {re.escape(unit)}: (\d+\.\d+)", output)
    assert found, output
    exposure = float(found.group(1))
    print(f"{unit} exposure: {exposure}")
    assert exposure <= MAX_SYNC_EXPOSURE, output


@pytest.mark.parametrize("unit", UNITS)
def test_the_terminals_units_stay_within_their_exposure(unit_root, unit):
    result = analyze("security", "--offline=true", f"--root={unit_root}", "--no-pager", unit)
    output = result.stdout + result.stderr
    found = re.search(rf"Overall exposure level for {re.escape(unit)}: (\d+\.\d+)", output)
    assert found, output
    print(f"{unit} exposure: {found.group(1)}")
    assert float(found.group(1)) <= MAX_EXPOSURE[unit], output


def directives(unit: str) -> dict[str, str]:
    """The unit's settings as name -> last value."""
    lines = SOURCES[unit].read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_memory_and_tasks_are_capped_and_the_app_outlives_the_delivery_service():
    app, sync = directives("kiosk.service"), directives("kiosk-sync.service")
    for unit in (app, sync):
        assert {"MemoryHigh", "MemoryMax", "TasksMax", "OOMScoreAdjust"} <= unit.keys()
    # The kernel's OOM killer picks the higher score first.
    assert int(app["OOMScoreAdjust"]) < 0 < int(sync["OOMScoreAdjust"])


def test_the_app_sees_a_read_only_system_but_its_data_folder():
    app = directives("kiosk.service")
    assert app["ProtectSystem"] == "strict"
    assert app["ReadWritePaths"] == "/var/lib/kiosk"
    assert app["SystemCallArchitectures"] == "native"
    assert app["ProtectProc"] == "invisible"
    assert app["RestrictNamespaces"] == "yes" and app["ProtectHostname"] == "yes"


def test_the_manager_units_carry_the_delivery_services_sandbox():
    """Every sandboxing directive of kiosk-sync.service is in the manager's services, as is
    (its data folder is their StateDirectory=, which systemd makes writable)."""

    def sandbox(unit: str) -> set[str]:
        text = SOURCES[unit].read_text(encoding="utf-8")
        section = text.split("# --- Sandboxing", 1)[1].split("\n[Install]", 1)[0]
        return {line for line in section.splitlines()[1:] if line and not line.startswith("#")}

    expected = sandbox("kiosk-sync.service") - {"ReadWritePaths=/var/lib/kiosk"}
    for unit in SANDBOXED[1:]:
        assert expected - sandbox(unit) == set(), unit


def test_every_setting_line_says_why():
    """Each directive has a comment right above it (style rule 10)."""
    for unit, source in SOURCES.items():
        lines = source.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if not line or line.startswith(("#", "[")):
                continue
            above = lines[number - 1]
            # A run of related settings shares the comment above the run.
            k = number - 1
            while k >= 0 and lines[k] and not lines[k].startswith(("#", "[")):
                k -= 1
            assert k >= 0 and lines[k].startswith("#"), (
                f"{unit}:{number + 1}: {line!r} has no comment saying why (above: {above!r})"
            )
