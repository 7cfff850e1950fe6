"""`kiosk pin`: the technician sets the operator PIN; only its hash lands on disk."""

from __future__ import annotations

import stat
import subprocess
import sys

from kiosk.operator import verify_pin


def kiosk_pin(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "pin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_hash_is_written_readable_by_the_owner_only(tmp_path):
    target = tmp_path / "secrets" / "operator-pin"
    result = kiosk_pin("--file", str(target), stdin="2468\n2468\n")
    assert result.returncode == 0, result.stderr
    stored = target.read_text()
    assert "2468" not in stored and verify_pin("2468", stored)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_the_settings_name_the_file(tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("operator: {pin_file: pin}\n")
    result = kiosk_pin("--settings", str(settings), stdin="13579\n13579\n")
    assert result.returncode == 0, result.stderr
    assert verify_pin("13579", (tmp_path / "pin").read_text())


def test_differing_or_short_pins_write_nothing(tmp_path):
    target = tmp_path / "pin"
    assert kiosk_pin("--file", str(target), stdin="2468\n2469\n").returncode == 1
    short = kiosk_pin("--file", str(target), stdin="12\n12\n")
    assert short.returncode == 1 and "4 to 12 digits" in short.stderr
    assert not target.exists()
