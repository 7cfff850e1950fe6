"""`kiosk validate` as a technician runs it: output lines and exit codes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dialog_config import DEFAULT_DIALOG


def kiosk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_valid_dialog_exits_0_and_names_its_identity():
    result = kiosk("validate", str(DEFAULT_DIALOG))
    assert result.returncode == 0, result.stderr
    sha = hashlib.sha256(DEFAULT_DIALOG.read_bytes()).hexdigest()
    assert result.stdout == f"{DEFAULT_DIALOG}: valid, 0 warning(s), sha256 {sha}\n"


def test_invalid_dialog_exits_1_with_every_problem(tmp_path):
    dialog = tmp_path / "dialog.yaml"
    dialog.write_text(
        textwrap.dedent("""\
        version: 1
        languages: [en, ru]
        topics:
          - id: Food
            lable: Food
          - id: staff
            label: {en: Staff}
        """),
        encoding="utf-8",
    )
    result = kiosk("validate", "dialog.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "dialog.yaml:4:5: topics[0].label: required key is missing",
        'dialog.yaml:4:9: topics[0].id: "Food" must match [a-z0-9][a-z0-9_-]{0,39}',
        "dialog.yaml:5:5: topics[0].lable: unknown key; did you mean `label`?",
        "dialog.yaml:7:12: topics[1].label: warning: no text in ru; those visitors will "
        'see "Staff"',
        "dialog.yaml: 3 error(s), 1 warning(s); the terminal will not use this file until "
        "the errors are fixed",
    ]


def test_warnings_alone_still_exit_0(tmp_path):
    dialog = tmp_path / "dialog.yaml"
    dialog.write_text(
        "version: 1\nlanguages: [en, ko]\ntopics:\n  - {id: a, label: {en: Food}}\n",
        encoding="utf-8",
    )
    result = kiosk("validate", str(dialog))
    assert result.returncode == 0
    assert "warning: no text in ko" in result.stderr


@pytest.mark.parametrize("args", [("validate",), ("frobnicate",), ()])
def test_bad_usage_exits_2(args):
    assert kiosk(*args).returncode == 2


def test_help_describes_validate():
    result = kiosk("validate", "--help")
    assert result.returncode == 0
    assert "file:line:col: path: message" in result.stdout


def test_unreadable_file_exits_1_naming_it(tmp_path):
    result = kiosk("validate", str(tmp_path / "missing.yaml"))
    assert result.returncode == 1
    assert f"{tmp_path / 'missing.yaml'}: cannot read the file" in result.stderr


class TestSettings:
    def write(self, tmp_path: Path, token_mode: int) -> Path:
        token = tmp_path / "token"
        token.write_text("t0ken")
        token.chmod(token_mode)
        settings = tmp_path / "settings.yaml"
        settings.write_text(
            textwrap.dedent(f"""\
            terminal_id: t1
            dialog: {DEFAULT_DIALOG}
            sync:
              manager: {{url: "https://manager.example.com/api", token_file: token}}
            """),
            encoding="utf-8",
        )
        return settings

    def test_valid_settings_exit_0(self, tmp_path):
        settings = self.write(tmp_path, 0o600)
        result = kiosk("--settings", str(settings), "validate")
        assert result.returncode == 0, result.stderr
        assert "valid" in result.stdout and "targets: manager" in result.stdout

    def test_secret_readable_by_others_exits_1_with_the_fix(self, tmp_path):
        settings = self.write(tmp_path, 0o644)
        result = kiosk("--settings", str(settings), "validate")
        assert result.returncode == 1
        assert f"run `chmod 600 {tmp_path / 'token'}`" in result.stderr
        assert result.stderr.startswith(f"{settings}:4:")


def test_settings_option_works_after_the_subcommand_too(tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text(f"dialog: {DEFAULT_DIALOG}\n", encoding="utf-8")
    before = kiosk("--settings", str(settings), "validate")
    after = kiosk("validate", "--settings", str(settings))
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout
