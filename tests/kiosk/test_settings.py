"""The settings file: the contract's example, defaults, error quality, secrets."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dialog_config import DEFAULT_DIALOG
from kiosk import settings as settings_module
from kiosk.settings import SettingsError, load_settings
from support.contracts import contract_block, contract_commands

CONTRACT_EXAMPLE = contract_block("terminal-interface.md", "yaml")


def write(tmp_path: Path, text: str, name: str = "settings.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    return [str(p) for p in caught.value.problems]


def test_the_contracts_example_reads_as_documented(tmp_path):
    settings = load_settings(write(tmp_path, CONTRACT_EXAMPLE))
    assert settings.terminal_id == "rome-01"
    assert settings.site == "Trattoria Roma, Via Nazionale"
    assert settings.dialog == Path("/etc/kiosk/dialog.yaml")
    assert settings.data_dir == Path("/var/lib/kiosk")
    assert settings.manager.url == "https://manager.example.com/api"
    assert settings.manager.token_file.path == Path("/etc/kiosk/secrets/manager-token")
    assert settings.mailbox.recipients == ("quality@example.com",)
    assert settings.mailbox.sender == "Feedback terminal <kiosk@example.com>"
    assert settings.mailbox.port == 587 and settings.mailbox.send == "alerts"
    assert settings.targets == ("manager", "mailbox")
    assert settings.phone_region == "IT"
    assert settings.disk_reserve_mb == 50
    assert settings.retention.delivered_media_days == 7
    assert settings.source == tmp_path / "settings.yaml"
    assert settings.display.reach == "full"


def test_relative_paths_are_relative_to_the_settings_file(tmp_path):
    settings = load_settings(
        write(
            tmp_path,
            """\
        dialog: dialog.yaml
        data_dir: data
        operator: {pin_file: secrets/operator-pin}
        """,
        )
    )
    assert settings.dialog == tmp_path / "dialog.yaml"
    assert settings.data_dir == tmp_path / "data"
    assert settings.operator_pin_file.path == tmp_path / "secrets" / "operator-pin"


def test_the_contract_names_every_command_and_no_other():
    from kiosk.cli import COMMAND_MODULES

    assert sorted(contract_commands()) == sorted(m.rsplit(".", 1)[1] for m in COMMAND_MODULES)


def test_empty_file_gives_the_defaults_of_an_installed_terminal(tmp_path):
    settings = load_settings(write(tmp_path, ""))
    assert settings.dialog == DEFAULT_DIALOG
    assert settings.data_dir == Path("/var/lib/kiosk")
    assert settings.display.fullscreen is True
    assert settings.spam_window_s == 20
    assert settings.targets == ()
    assert settings.terminal_id


def test_no_file_anywhere_runs_on_embedded_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("KIOSK_SETTINGS", raising=False)
    monkeypatch.setattr(settings_module, "SYSTEM_SETTINGS", tmp_path / "absent.yaml")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.source is None
    assert settings.data_dir == tmp_path / "var"
    assert settings.display.fullscreen is False
    assert settings.dialog == DEFAULT_DIALOG


def test_command_line_beats_environment_beats_system_file(tmp_path, monkeypatch):
    system = write(tmp_path, "site: system\n", "system.yaml")
    env = write(tmp_path, "site: env\n", "env.yaml")
    explicit = write(tmp_path, "site: explicit\n", "explicit.yaml")
    monkeypatch.setattr(settings_module, "SYSTEM_SETTINGS", system)
    monkeypatch.delenv("KIOSK_SETTINGS", raising=False)
    assert load_settings().site == "system"
    monkeypatch.setenv("KIOSK_SETTINGS", str(env))
    assert load_settings().site == "env"
    assert load_settings(explicit).site == "explicit"


def test_a_named_file_that_is_missing_is_an_error(tmp_path):
    assert errors_of(tmp_path / "nope.yaml") == [
        f"{tmp_path / 'nope.yaml'}:1:1: cannot read the settings file: No such file or "
        "directory; pass --settings PATH or set KIOSK_SETTINGS"
    ]


def test_every_error_at_once_with_line_column_and_path(tmp_path):
    path = write(
        tmp_path,
        """\
        terminal_id: rome-01
        sitte: Roma
        display:
          rotation: 45
        microphone:
          samplerate: 44100
        camera:
          source: -1
        timezone: Europe/Rom
        sync:
          manager:
            url: http://manager.example.com/api
            token_file: token
          mailbox:
            host: smtp.example.com
            security: ssl
            from: not an address
            to: []
        retention:
          delivered_media_days: 30
          delivered_messages_days: 7
        """,
    )
    assert errors_of(path) == [
        f"{path}:2:1: sitte: unknown key; did you mean `site`?",
        f"{path}:4:13: display.rotation: must be one of 0, 90, 180, 270 (found 45)",
        f"{path}:6:15: microphone.samplerate: must be one of 8000, 12000, 16000, 24000, "
        "48000 (found 44100)",
        f"{path}:8:11: camera.source: must be a camera index like 0, a /dev/video path, "
        "a file or URL, or false for none (found -1)",
        f'{path}:9:11: timezone: "Europe/Rom" is not a known timezone; did you mean `Europe/Rome`?',
        f'{path}:12:10: sync.manager.url: "http://manager.example.com/api" must start with '
        "https:// (plain http only to a manager on this machine, 127.0.0.1 or localhost)",
        f'{path}:16:15: sync.mailbox.security: must be one of starttls, tls, none (found "ssl")',
        f'{path}:17:11: sync.mailbox.from: "not an address" is not a mail address like '
        'quality@example.com or "Name <quality@example.com>"',
        f"{path}:18:9: sync.mailbox.to: must hold 1 to 50 mail addresses (found 0)",
        f"{path}:21:28: retention.delivered_messages_days: must be at least "
        "delivered_media_days (30): a message's media cannot outlive its record",
    ]


def test_terminal_id_is_required_once_a_target_is_set(tmp_path):
    path = write(
        tmp_path,
        """\
        sync:
          manager:
            url: https://manager.example.com/api
            token_file: token
        """,
    )
    assert errors_of(path) == [
        f"{path}:1:1: terminal_id: required once a delivery target is set under `sync`: "
        "it tells the manager and the mailbox which terminal a message is from"
    ]


def test_duplicate_key_and_bad_yaml_are_reported_with_position(tmp_path):
    duplicate = write(tmp_path, "site: a\nsite: b\n", "dup.yaml")
    assert errors_of(duplicate) == [
        f"{duplicate}:2:1: site: duplicate key; `site` is already set on line 1"
    ]
    broken = write(tmp_path, "site: [unclosed\n", "broken.yaml")
    assert len(errors_of(broken)) == 1
    assert errors_of(broken)[0].startswith(f"{broken}:2:1: not valid YAML")


def test_false_turns_camera_and_microphone_off(tmp_path):
    settings = load_settings(
        write(tmp_path, "camera: {source: false}\nmicrophone: {device: false}\n")
    )
    assert settings.camera.source is None
    assert settings.microphone.enabled is False


def test_reach_low_keeps_the_controls_low_and_anything_else_is_refused(tmp_path):
    assert load_settings(write(tmp_path, "display: {reach: low}\n")).display.reach == "low"
    assert load_settings(write(tmp_path, "display: {}\n")).display.reach == "full"
    path = write(tmp_path, "display:\n  reach: lower\n")
    assert errors_of(path) == [
        f'{path}:2:10: display.reach: must be one of full, low (found "lower"); did you mean `low`?'
    ]


def test_http_is_allowed_only_to_this_machine(tmp_path):
    settings = load_settings(
        write(
            tmp_path,
            """\
        terminal_id: t1
        sync:
          manager: {url: "http://127.0.0.1:8080/api/", token_file: token}
        """,
        )
    )
    assert settings.manager.url == "http://127.0.0.1:8080/api"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:80@example.com/api",
        "http://localhost@example.com/api",
        "https://user:pass@manager.example.com/api",
        "http://example.com/api#@127.0.0.1",
        "http://127.0.0.1:notaport/api",
        "http:///api",
    ],
)
def test_a_manager_address_that_hides_where_it_goes_is_refused(tmp_path, url):
    (tmp_path / "token").write_text("t")
    errors = errors_of(
        write(
            tmp_path,
            f"""\
        terminal_id: t1
        sync:
          manager: {{url: "{url}", token_file: token}}
        """,
        )
    )
    assert len(errors) == 1 and "sync.manager.url" in errors[0], errors


class TestSecretFiles:
    def settings_with_token(self, tmp_path, mode: int):
        token = tmp_path / "manager-token"
        token.write_text("s3cret-token\n")
        token.chmod(mode)
        return load_settings(
            write(
                tmp_path,
                """\
            terminal_id: t1
            sync:
              manager:
                url: https://manager.example.com/api
                token_file: manager-token
            """,
            )
        ), token

    def test_owner_only_secret_is_read(self, tmp_path):
        settings, _ = self.settings_with_token(tmp_path, 0o600)
        assert settings.manager.token_file.read() == "s3cret-token"

    @pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
    def test_secret_readable_by_others_is_refused_with_the_fix(self, tmp_path, mode):
        settings, token = self.settings_with_token(tmp_path, mode)
        with pytest.raises(SettingsError) as caught:
            settings.manager.token_file.read()
        message = str(caught.value)
        assert message.startswith(f"{tmp_path / 'settings.yaml'}:5:17: sync.manager.token_file: ")
        assert f"{token} is readable by others than its owner" in message
        assert f"run `chmod 600 {token}`" in message

    @pytest.mark.parametrize(
        "content", ["s3cret-token\nlinetwo\n", "s3cret\x00token", "s3cret token", "s3\ttoken"]
    )
    def test_a_secret_with_white_space_or_control_characters_inside_is_refused_unquoted(
        self, tmp_path, content
    ):
        settings, token = self.settings_with_token(tmp_path, 0o600)
        token.write_text(content)
        with pytest.raises(SettingsError) as caught:
            settings.manager.token_file.read()
        message = str(caught.value)
        assert f"{token} has white space or control characters inside" in message
        assert "s3cret" not in message and "token\n" not in message
        assert "linetwo" not in message

    def test_missing_secret_says_how_to_create_it(self, tmp_path):
        settings = load_settings(write(tmp_path, "operator: {pin_file: pin}\n"))
        with pytest.raises(SettingsError, match=r"pin does not exist; create it"):
            settings.operator_pin_file.read()


class TestSecretsAsSystemdCredentials:
    """Under a unit with LoadCredential=NAME:PATH, the secret comes from $CREDENTIALS_DIRECTORY."""

    def settings(self, tmp_path):
        return load_settings(
            write(
                tmp_path,
                """\
            terminal_id: t1
            sync:
              manager:
                url: https://manager.example.com/api
                token_file: secrets/manager-token
            """,
            )
        )

    def test_the_credential_named_like_the_file_is_read_instead_of_the_file(
        self, tmp_path, monkeypatch
    ):
        credentials = tmp_path / "credentials"
        credentials.mkdir()
        (credentials / "manager-token").write_text("from-systemd\n")
        (credentials / "manager-token").chmod(0o400)
        monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
        # The file itself is not there: only systemd (root) could read it.
        assert self.settings(tmp_path).manager.token_file.read() == "from-systemd"

    def test_an_empty_credential_says_the_secret_is_not_set_and_how_to_set_it(
        self, tmp_path, monkeypatch
    ):
        credentials = tmp_path / "credentials"
        credentials.mkdir()
        (credentials / "manager-token").write_text("")
        monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
        token = tmp_path / "secrets" / "manager-token"
        with pytest.raises(SettingsError) as caught:
            self.settings(tmp_path).manager.token_file.read()
        message = str(caught.value)
        assert "sync.manager.token_file: " in message
        assert f"{token} does not exist or is empty" in message
        assert f"`chmod 600 {token}`, then restart the service" in message

    def test_without_that_credential_the_file_is_read(self, tmp_path, monkeypatch):
        credentials = tmp_path / "credentials"
        credentials.mkdir()
        (credentials / "smtp-password").write_text("other\n")
        monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
        token = tmp_path / "secrets" / "manager-token"
        token.parent.mkdir()
        token.write_text("from-file\n")
        token.chmod(0o600)
        assert self.settings(tmp_path).manager.token_file.read() == "from-file"
