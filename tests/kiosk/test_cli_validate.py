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


class TestLanguages:
    """What a visitor in each language of the dialog gets, said before the terminal runs it."""

    def write(self, tmp_path, languages: str, label: str) -> Path:
        dialog = tmp_path / "dialog.yaml"
        dialog.write_text(
            f"version: 1\nlanguages: [{languages}]\ntopics:\n  - id: food\n    label: {label}\n",
            encoding="utf-8",
        )
        return dialog

    def test_a_served_language_has_nothing_to_say(self, tmp_path):
        self.write(tmp_path, "en, ru", '{en: "Food", ru: "Еда"}')
        result = kiosk("validate", "dialog.yaml", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert result.stdout.startswith("dialog.yaml: valid, 0 warning(s)")

    def test_a_language_without_a_keyboard_hides_the_text_message(self, tmp_path):
        self.write(tmp_path, "en, ja", '{en: "Food", ja: "料理"}')
        result = kiosk("validate", "dialog.yaml", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        lines = result.stderr.splitlines()
        assert lines[0].startswith(
            "dialog.yaml:2:17: languages[1]: warning: ja: the terminal has no texts in this "
            "language; these show in English unless `texts:` gives them: welcome, invitation, "
        )
        assert lines[0].endswith(
            "thanks, promoter_prompt; and 43 words of the terminal's own (Next, Skip, Excellent…)"
        )
        assert lines[1:] == [
            "dialog.yaml:2:17: languages[1]: warning: ja: no keyboard; the text message is "
            "hidden for ja, voice and callback remain"
        ]
        assert result.stdout.startswith("dialog.yaml: valid, 2 warning(s)")

    def test_texts_for_every_screen_text_silence_the_missing_catalog(self, tmp_path):
        from dialog_config.texts import SCREEN_TEXTS

        texts = "".join(f'  {name}: {{en: "x", ja: "ｘ"}}\n' for name in SCREEN_TEXTS)
        dialog = self.write(tmp_path, "en, ja", '{en: "Food", ja: "料理"}')
        dialog.write_text(dialog.read_text(encoding="utf-8") + "texts:\n" + texts, "utf-8")
        result = kiosk("validate", "dialog.yaml", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert [line.split("warning: ")[1] for line in result.stderr.splitlines()] == [
            "ja: no keyboard; the text message is hidden for ja, voice and callback remain"
        ]

    def test_an_unknown_code_is_named(self, tmp_path):
        self.write(tmp_path, "en, qq", '{en: "Food", qq: "Fud"}')
        result = kiosk("validate", "dialog.yaml", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines() == [
            "dialog.yaml:2:17: languages[1]: warning: qq: not a language code CLDR knows; its "
            "button reads “qq” and the terminal's texts stay English: use a code such as de, "
            "pt-BR or zh-Hant",
            "dialog.yaml:2:17: languages[1]: warning: qq: no keyboard; the text message is "
            "hidden for qq, voice and callback remain",
            "dialog.yaml:2:17: languages[1]: warning: qq: espeak-ng has no voice for it; a "
            "visitor in qq who turns speech on hears nothing (`espeak-ng --voices` lists the "
            "voices)",
        ]

    def test_a_language_without_an_espeak_voice_is_named(self, tmp_path):
        self.write(tmp_path, "en, it, yo", '{en: "Food", it: "Cibo", yo: "Oúnjẹ"}')
        result = kiosk("validate", "dialog.yaml", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        spoken = [line for line in result.stderr.splitlines() if "espeak-ng" in line]
        assert spoken == [
            "dialog.yaml:2:21: languages[2]: warning: yo: espeak-ng has no voice for it; a "
            "visitor in yo who turns speech on hears nothing (`espeak-ng --voices` lists the "
            "voices)"
        ]

    def test_a_character_no_font_draws_is_an_error_naming_the_label(self, tmp_path):
        self.write(tmp_path, "en", '"Food 🍕"')
        result = kiosk("validate", "dialog.yaml", cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            "dialog.yaml:5:12: topics[0].label: “Food 🍕” holds 🍕 (U+1F355 SLICE OF PIZZA), "
            "which no font on this terminal draws: the screen would show blank space; use "
            "another character, or an icon (style.icon) for a symbol",
            "dialog.yaml: 1 error(s), 0 warning(s); the terminal will not use this file until "
            "the errors are fixed",
        ]


def test_a_low_contrast_style_is_a_warning_with_its_ratio(tmp_path):
    dialog = tmp_path / "dialog.yaml"
    dialog.write_text(
        "version: 1\nlanguages: [en]\ntopics:\n"
        '  - {id: a, label: Food, style: {color: "#ffffff", text_color: "#ffff00"}}\n',
        encoding="utf-8",
    )
    result = kiosk("validate", "dialog.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "dialog.yaml:4:64: topics[0].style.text_color: warning: text #ffff00 on button "
        "#ffffff: contrast 1.07:1, below 4.5:1 (WCAG 2.2 AA); visitors with low vision "
        "cannot read it: choose a darker or lighter colour",
    ]
    assert result.stdout.startswith("dialog.yaml: valid, 1 warning(s)")
