"""The technician's settings file: which terminal this is, its devices, where messages go.

Found at ``--settings PATH``, else ``$KIOSK_SETTINGS``, else
``/etc/kiosk/settings.yaml``; with no file at all the terminal runs on its
embedded defaults so that a newcomer sees it work at once. Every default
lives in the dataclasses below and nowhere else.

Secrets are never in this file: it names files that hold them, and a secret
is read only by the process that needs it, through :meth:`SecretFile.read`,
which refuses a file others can read. Under systemd the units hand secrets
over as credentials (``LoadCredential=NAME:PATH``, NAME being the file's
name), so that the files themselves stay readable by root alone.

One module of about 680 lines on purpose: each key's default (the
dataclasses), its check and its meaning are one contract with
docs/contracts/terminal-interface.md and read best side by side.
"""

from __future__ import annotations

import os
import socket
import stat
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dialog_config import DEFAULT_DIALOG
from dialog_config.positioned_yaml import Checker, Problem, TreePath, describe, did_you_mean, parse

SYSTEM_SETTINGS = Path("/etc/kiosk/settings.yaml")
SETTINGS_ENV = "KIOSK_SETTINGS"
#: Where systemd puts the unit's credentials (systemd.exec(5), LoadCredential=).
CREDENTIALS_ENV = "CREDENTIALS_DIRECTORY"
ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")

TERMINAL_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
REGION_PATTERN = r"[A-Z]{2}"
#: Sample rates that Opus (the voice format) accepts.
OPUS_SAMPLERATES_HZ = (8000, 12000, 16000, 24000, 48000)
ROTATIONS_DEG = (0, 90, 180, 270)
SECURITY_MODES = ("starttls", "tls", "none")
SMTP_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
MAIL_SELECTIONS = ("alerts", "all")
#: Hosts plain http may go to, as ``urlsplit(...).hostname`` spells them.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


class SettingsError(Exception):
    """Settings that cannot be used; ``problems`` holds every reason."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class SecretFile:
    """A file holding a secret, with where the settings named it (for errors)."""

    path: Path
    named_at: Problem

    def read(self) -> str:
        """The secret, stripped of surrounding white space.

        Refuses a file that its group or others can read: a token that leaks
        to another account on the terminal leaks the whole site's feedback.

        Under a systemd unit that passes credentials (``$CREDENTIALS_DIRECTORY``
        is set), the credential named like the file is read instead of the
        file: systemd read the file as root and made the copy readable by
        this service's user only.
        """
        credential = self._credential()
        if credential is not None:
            return self._read_credential(credential)
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError as exc:
            raise self._error(
                f"{self.path} does not exist; create it with the secret and `chmod 600 {self.path}`"
            ) from exc
        except PermissionError as exc:
            hint = (
                f"; the unit must pass it as a credential: "
                f"LoadCredential={self.path.name}:{self.path}"
                if os.environ.get(CREDENTIALS_ENV)
                else "; check its owner"
            )
            raise self._error(
                f"{self.path} cannot be read by this user (uid {os.getuid()}){hint}"
            ) from exc
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise self._error(
                f"{self.path} is readable by others than its owner "
                f"(mode {stat.filemode(mode)}); run `chmod 600 {self.path}`"
            )
        try:
            secret = self.path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise self._error(f"{self.path} cannot be read: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise self._error(f"{self.path} is not UTF-8 text; write the secret again") from exc
        return self._checked(secret)

    def _credential(self) -> Path | None:
        directory = os.environ.get(CREDENTIALS_ENV)
        if not directory:
            return None
        candidate = Path(directory) / self.path.name
        return candidate if candidate.is_file() else None

    def _read_credential(self, credential: Path) -> str:
        # No mode check: systemd made the copy readable by this user only.
        try:
            secret = credential.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise self._error(
                f"{self.path}: its credential {credential} cannot be read: {exc.strerror}"
            ) from exc
        except UnicodeDecodeError as exc:
            raise self._error(f"{self.path} is not UTF-8 text; write the secret again") from exc
        if not secret:
            # The units give each credential an empty default, so that a
            # secret not set yet does not keep the whole service from starting.
            raise self._error(
                f"{self.path} does not exist or is empty; write the secret to "
                f"it, `chmod 600 {self.path}`, then restart the service "
                "(systemd hands secrets over when it starts)"
            )
        return self._checked(secret)

    def _checked(self, secret: str) -> str:
        # A second line, a tab or a NUL would end up in a request header or an
        # SMTP command, and the library's error about it would quote the value
        # into logs and status reports. The message names the file only.
        if any(char.isspace() or not char.isprintable() for char in secret):
            raise self._error(
                f"{self.path} has white space or control characters inside the secret "
                f"(a second line, a tab, a NUL); write the secret alone on one line, "
                f"`chmod 600 {self.path}`"
            )
        return secret

    def _error(self, message: str) -> SettingsError:
        return SettingsError([replace(self.named_at, message=message)])


#: Where the visitor's controls stand: ``full`` uses the whole screen; ``low`` keeps every
#: control in the lower part (within reach from a wheelchair or of a child), the question
#: above them.
REACHES = ("full", "low")


@dataclass(frozen=True)
class DisplaySettings:
    fullscreen: bool = True
    rotation: int = 0
    show_cursor: bool = False
    reach: str = "full"


@dataclass(frozen=True)
class CameraSettings:
    #: An index, a /dev/video path, a file or URL OpenCV opens; None for no camera.
    source: int | str | None = 0
    width: int = 1280
    height: int = 720


@dataclass(frozen=True)
class MicrophoneSettings:
    #: None: the system default; a name substring or an index.
    device: int | str | None = None
    enabled: bool = True
    samplerate: int = 16000


@dataclass(frozen=True)
class ManagerSettings:
    url: str
    token_file: SecretFile
    ca_file: Path | None = None
    poll_dialog: bool = True


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    security: str = "starttls"
    username: str | None = None
    password_file: SecretFile | None = None
    ca_file: Path | None = None
    send: str = "alerts"
    #: Above this, messages are mailed together in digests (sync/targets/mailbox.py).
    max_mails_per_hour: int = 20


@dataclass(frozen=True)
class RetentionSettings:
    delivered_media_days: int = 7
    delivered_messages_days: int = 400


@dataclass(frozen=True)
class Settings:
    terminal_id: str
    site: str = ""
    timezone: str | None = None
    region: str | None = None
    spam_window_s: int = 20
    dialog: Path = DEFAULT_DIALOG
    data_dir: Path = Path("/var/lib/kiosk")
    #: Free space the outbox keeps in hand; below it a visit is refused, not half-saved.
    disk_reserve_mb: int = 50
    display: DisplaySettings = field(default_factory=DisplaySettings)
    camera: CameraSettings = field(default_factory=CameraSettings)
    microphone: MicrophoneSettings = field(default_factory=MicrophoneSettings)
    operator_pin_file: SecretFile | None = None
    manager: ManagerSettings | None = None
    mailbox: MailboxSettings | None = None
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    #: The file these came from; None for the embedded defaults.
    source: Path | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        """The delivery targets configured, by the names the outbox knows them by."""
        return tuple(
            name
            for name, target in (("manager", self.manager), ("mailbox", self.mailbox))
            if target
        )

    @property
    def phone_region(self) -> str | None:
        """The country for phone numbers typed without +: explicit, else from the timezone."""
        return self.region or region_of_timezone(self.timezone or system_timezone())

    def secret_files(self) -> list[SecretFile]:
        files = [self.operator_pin_file]
        if self.manager:
            files.append(self.manager.token_file)
        if self.mailbox:
            files.append(self.mailbox.password_file)
        return [f for f in files if f is not None]


def embedded_settings() -> Settings:
    """What a terminal runs on with no settings file: a window, data under ./var."""
    return Settings(
        terminal_id=default_terminal_id(),
        data_dir=Path.cwd() / "var",
        display=DisplaySettings(fullscreen=False, show_cursor=True),
    )


def manager_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the manager's address, or None: https, or plain http to here.

    The address is parsed as the HTTP client will parse it, so that what is
    checked is where the messages go.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or not parts.hostname or any(c.isspace() or not c.isprintable() for c in url):
        return f"{describe(url)} is not a web address like https://manager.example/api"
    if "@" in parts.netloc:
        # http://127.0.0.1:80@example.com/ goes to example.com: a user part
        # in the address only hides where the messages really go.
        return (
            f"{describe(url)} has a user name part (before an @); write the manager's "
            "address without it (the token file is how the terminal signs in)"
        )
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_NAMES):
        return None
    return (
        f"{describe(url)} must start with https:// (plain http only "
        "to a manager on this machine, 127.0.0.1 or localhost)"
    )


def default_terminal_id() -> str:
    """The host name, trimmed to what a terminal id allows."""
    name = "".join(c if c.isalnum() or c in "._-" else "-" for c in socket.gethostname())
    return (name.strip("._-") or "kiosk")[:64]


def system_timezone() -> str | None:
    """The system's IANA zone name from /etc/localtime, if it is a link into zoneinfo."""
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return os.environ.get("TZ") or None
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


def region_of_timezone(timezone: str | None) -> str | None:
    """The country a timezone belongs to, from the system's zone.tab."""
    if not timezone:
        return None
    try:
        lines = ZONE_TAB.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) >= 3 and columns[2] == timezone:
            return columns[0]
    return None


def find_settings_file(explicit: str | Path | None = None) -> Path | None:
    """The file to read, or None for the embedded defaults.

    A file named on the command line or in the environment must exist; only
    the system-wide default location may be absent.
    """
    for named in (explicit, os.environ.get(SETTINGS_ENV)):
        if named:
            return Path(named)
    return SYSTEM_SETTINGS if SYSTEM_SETTINGS.exists() else None


def load_settings(path: str | Path | None = None) -> Settings:
    """Reads the settings file (see :func:`find_settings_file`) or the embedded defaults."""
    found = find_settings_file(path)
    if found is None:
        return embedded_settings()
    try:
        data = found.read_bytes()
    except OSError as exc:
        raise SettingsError(
            [
                Problem(
                    str(found),
                    1,
                    1,
                    "",
                    f"cannot read the settings file: "
                    f"{exc.strerror}; pass --settings PATH or set "
                    f"{SETTINGS_ENV}",
                )
            ]
        ) from exc
    return check_settings(data, file=str(found), base_dir=found.resolve().parent)


def check_settings(data: bytes, *, file: str, base_dir: Path) -> Settings:
    """Checks the bytes of a settings file; relative paths resolve against ``base_dir``."""
    doc = parse(data, file)
    checker = _SettingsChecker(doc, base_dir)
    settings = checker.check(doc.data) if doc.data is not None or not doc.problems else None
    errors = sorted(checker.errors, key=lambda p: (p.line, p.column))
    if errors or settings is None:
        raise SettingsError(errors)
    return replace(settings, source=Path(file))


class _SettingsChecker(Checker):
    def __init__(self, doc, base_dir: Path):
        super().__init__(doc)
        self.base_dir = base_dir

    def check(self, data: Any) -> Settings | None:
        if data is None:
            data = {}
        top = self.mapping(
            (),
            data,
            optional=(
                "terminal_id",
                "site",
                "timezone",
                "region",
                "spam_window_s",
                "dialog",
                "data_dir",
                "disk_reserve_mb",
                "display",
                "camera",
                "microphone",
                "operator",
                "sync",
                "retention",
            ),
        )
        if top is None:
            return None
        defaults = Settings(terminal_id="")
        values: dict[str, Any] = {}
        if "terminal_id" in top:
            values["terminal_id"] = self.matches(
                ("terminal_id",), top["terminal_id"], TERMINAL_ID_PATTERN, what="a terminal id"
            )
        if "site" in top:
            site = self.string(("site",), top["site"], what="the site's name")
            if site is not None and len(site) > 200:
                self.error(("site",), f"must be at most 200 characters (found {len(site)})")
            values["site"] = site
        if "timezone" in top:
            values["timezone"] = self.timezone(top["timezone"])
        if "region" in top:
            values["region"] = self.matches(
                ("region",), top["region"], REGION_PATTERN, what="a two-letter country code like IT"
            )
        if "spam_window_s" in top:
            values["spam_window_s"] = self.integer(
                ("spam_window_s",), top["spam_window_s"], minimum=0, maximum=3600
            )
        if "dialog" in top:
            values["dialog"] = self.path(("dialog",), top["dialog"])
        if "data_dir" in top:
            values["data_dir"] = self.path(("data_dir",), top["data_dir"])
        if "disk_reserve_mb" in top:
            values["disk_reserve_mb"] = self.integer(
                ("disk_reserve_mb",), top["disk_reserve_mb"], minimum=0, maximum=100_000
            )
        if "display" in top:
            values["display"] = self.display(top["display"], defaults.display)
        if "camera" in top:
            values["camera"] = self.camera(top["camera"], defaults.camera)
        if "microphone" in top:
            values["microphone"] = self.microphone(top["microphone"], defaults.microphone)
        if "operator" in top:
            operator = self.mapping(("operator",), top["operator"], optional=("pin_file",))
            if operator and "pin_file" in operator:
                values["operator_pin_file"] = self.secret(
                    ("operator", "pin_file"), operator["pin_file"]
                )
        if "sync" in top:
            sync = self.mapping(("sync",), top["sync"], optional=("manager", "mailbox"))
            if sync and sync.get("manager") is not None:
                values["manager"] = self.manager(sync["manager"])
            if sync and sync.get("mailbox") is not None:
                values["mailbox"] = self.mailbox(sync["mailbox"])
        if "retention" in top:
            values["retention"] = self.retention(top["retention"])

        if (values.get("manager") or values.get("mailbox")) and "terminal_id" not in top:
            self.error(
                ("terminal_id",),
                "required once a delivery target is set under `sync`: "
                "it tells the manager and the mailbox which terminal a message is from",
            )
        if self.errors:
            return None
        values.setdefault("terminal_id", default_terminal_id())
        return Settings(**values)

    def path(self, path: TreePath, value: Any) -> Path | None:
        text = self.string(path, value, what="a file or folder path")
        if text is None:
            return None
        return (self.base_dir / Path(text).expanduser()).resolve()

    def secret(self, path: TreePath, value: Any) -> SecretFile | None:
        resolved = self.path(path, value)
        if resolved is None:
            return None
        return SecretFile(resolved, self.doc.problem(path, ""))

    def timezone(self, value: Any) -> str | None:
        name = self.string(("timezone",), value, what="a timezone name like Europe/Rome")
        if name is None:
            return None
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.error(
                ("timezone",),
                f"{describe(name)} is not a known timezone"
                + did_you_mean(name, available_timezones()),
            )
            return None
        return name

    def display(self, value: Any, default: DisplaySettings) -> DisplaySettings:
        mapping = self.mapping(
            ("display",), value, optional=("fullscreen", "rotation", "show_cursor", "reach")
        )
        if mapping is None:
            return default
        values: dict[str, Any] = {}
        for key in ("fullscreen", "show_cursor"):
            if key in mapping:
                values[key] = self.boolean(("display", key), mapping[key])
        if "rotation" in mapping:
            values["rotation"] = self.choice(
                ("display", "rotation"), mapping["rotation"], ROTATIONS_DEG
            )
        if "reach" in mapping:
            values["reach"] = self.choice(("display", "reach"), mapping["reach"], REACHES)
        return replace(default, **values)

    def camera(self, value: Any, default: CameraSettings) -> CameraSettings:
        mapping = self.mapping(("camera",), value, optional=("source", "width", "height"))
        if mapping is None:
            return default
        values: dict[str, Any] = {}
        if "source" in mapping:
            source = mapping["source"]
            if source is False:
                values["source"] = None
            elif isinstance(source, int) and not isinstance(source, bool) and source >= 0:
                values["source"] = source
            elif isinstance(source, str) and source.strip():
                values["source"] = source
            else:
                self.error(
                    ("camera", "source"),
                    "must be a camera index like 0, a /dev/video "
                    f"path, a file or URL, or false for none (found {describe(source)})",
                )
        for key in ("width", "height"):
            if key in mapping:
                values[key] = self.integer(("camera", key), mapping[key], minimum=160, maximum=4096)
        return replace(default, **values)

    def microphone(self, value: Any, default: MicrophoneSettings) -> MicrophoneSettings:
        mapping = self.mapping(("microphone",), value, optional=("device", "samplerate"))
        if mapping is None:
            return default
        values: dict[str, Any] = {}
        if "device" in mapping:
            device = mapping["device"]
            if device is False:
                values["enabled"] = False
                values["device"] = None
            elif (
                device is None
                or (isinstance(device, int) and not isinstance(device, bool) and device >= 0)
                or (isinstance(device, str) and device)
            ):
                values["device"] = device
            else:
                self.error(
                    ("microphone", "device"),
                    "must be null for the system default, "
                    "a device name or index, or false for none "
                    f"(found {describe(device)})",
                )
        if "samplerate" in mapping:
            values["samplerate"] = self.choice(
                ("microphone", "samplerate"), mapping["samplerate"], OPUS_SAMPLERATES_HZ
            )
        return replace(default, **values)

    def manager(self, value: Any) -> ManagerSettings | None:
        base: TreePath = ("sync", "manager")
        mapping = self.mapping(
            base, value, required=("url", "token_file"), optional=("ca_file", "poll_dialog")
        )
        if mapping is None:
            return None
        url = self.url(base + ("url",), mapping.get("url")) if "url" in mapping else None
        token = (
            self.secret(base + ("token_file",), mapping["token_file"])
            if "token_file" in mapping
            else None
        )
        ca_file = (
            self.path(base + ("ca_file",), mapping["ca_file"])
            if mapping.get("ca_file") is not None
            else None
        )
        poll = (
            self.boolean(base + ("poll_dialog",), mapping["poll_dialog"])
            if "poll_dialog" in mapping
            else True
        )
        if url is None or token is None:
            return None
        return ManagerSettings(url=url, token_file=token, ca_file=ca_file, poll_dialog=bool(poll))

    def url(self, path: TreePath, value: Any) -> str | None:
        """An https address; plain http only to this machine, where nothing can listen in."""
        url = self.string(path, value, what="a web address")
        if url is None:
            return None
        problem = manager_url_problem(url)
        if problem is None:
            return url.rstrip("/")
        self.error(path, problem)
        return None

    def mailbox(self, value: Any) -> MailboxSettings | None:
        base: TreePath = ("sync", "mailbox")
        mapping = self.mapping(
            base,
            value,
            required=("host", "from", "to"),
            optional=(
                "port",
                "security",
                "username",
                "password_file",
                "ca_file",
                "send",
                "max_mails_per_hour",
            ),
        )
        if mapping is None:
            return None
        host = (
            self.string(base + ("host",), mapping["host"], what="a host name")
            if "host" in mapping
            else None
        )
        security = (
            self.choice(base + ("security",), mapping["security"], SECURITY_MODES)
            if "security" in mapping
            else "starttls"
        )
        port = (
            self.integer(base + ("port",), mapping["port"], minimum=1, maximum=65535)
            if "port" in mapping
            else SMTP_DEFAULT_PORTS.get(security or "starttls")
        )
        username = (
            self.string(base + ("username",), mapping["username"], what="a user name")
            if mapping.get("username") is not None
            else None
        )
        password = (
            self.secret(base + ("password_file",), mapping["password_file"])
            if mapping.get("password_file") is not None
            else None
        )
        if username and password is None:
            self.error(
                base + ("password_file",),
                "required with `username`: the file that holds the mailbox password",
            )
        ca_file = (
            self.path(base + ("ca_file",), mapping["ca_file"])
            if mapping.get("ca_file") is not None
            else None
        )
        sender = self.address(base + ("from",), mapping["from"]) if "from" in mapping else None
        recipients = self.recipients(base + ("to",), mapping["to"]) if "to" in mapping else None
        send = (
            self.choice(base + ("send",), mapping["send"], MAIL_SELECTIONS)
            if "send" in mapping
            else "alerts"
        )
        rate = (
            self.integer(
                base + ("max_mails_per_hour",),
                mapping["max_mails_per_hour"],
                minimum=1,
                maximum=3600,
            )
            if "max_mails_per_hour" in mapping
            else MailboxSettings.max_mails_per_hour
        )
        if (
            rate is None
            or host is None
            or port is None
            or sender is None
            or recipients is None
            or security is None
            or send is None
        ):
            return None
        return MailboxSettings(
            host=host,
            port=port,
            sender=sender,
            recipients=recipients,
            security=security,
            username=username,
            password_file=password,
            ca_file=ca_file,
            send=send,
            max_mails_per_hour=rate,
        )

    def address(self, path: TreePath, value: Any) -> str | None:
        text = self.string(path, value, what="a mail address")
        if text is None:
            return None
        name, addr = parseaddr(text)
        local, _, domain = addr.partition("@")
        if not local or not domain or "\n" in text or "\r" in text:
            self.error(
                path,
                f"{describe(text)} is not a mail address like "
                'quality@example.com or "Name <quality@example.com>"',
            )
            return None
        try:
            Address(display_name=name, addr_spec=addr)
        except (ValueError, IndexError):
            self.error(path, f"{describe(text)} is not a valid mail address")
            return None
        return text

    def recipients(self, path: TreePath, value: Any) -> tuple[str, ...] | None:
        if isinstance(value, str):
            value = [value]
            single = True
        else:
            single = False
        items = self.sequence(path, value, minimum=1, maximum=50, what="mail addresses")
        if items is None:
            return None
        checked = [
            self.address(path if single else path + (i,), item) for i, item in enumerate(items)
        ]
        addresses = [address for address in checked if address is not None]
        return tuple(addresses) if len(addresses) == len(checked) else None

    def retention(self, value: Any) -> RetentionSettings:
        default = RetentionSettings()
        mapping = self.mapping(
            ("retention",), value, optional=("delivered_media_days", "delivered_messages_days")
        )
        if mapping is None:
            return default
        values = {
            key: self.integer(("retention", key), mapping[key], minimum=0, maximum=36_500)
            for key in ("delivered_media_days", "delivered_messages_days")
            if key in mapping
        }
        merged = replace(default, **{k: v for k, v in values.items() if v is not None})
        if merged.delivered_messages_days < merged.delivered_media_days:
            self.error(
                ("retention", "delivered_messages_days"),
                f"must be at least delivered_media_days ({merged.delivered_media_days}):"
                " a message's media cannot outlive its record",
            )
        return merged
