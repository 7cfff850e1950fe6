"""The manager's configuration: environment, optional TOML file, defaults, in one place.

Every option has a name in the file (``[section] key``) and an environment
variable (``KIOSK_MANAGER_SECTION_KEY``, and the usual ``DATABASE_URL``);
the environment wins. The file is ``$KIOSK_MANAGER_SETTINGS``, else
``/etc/kiosk-manager/settings.toml`` when it exists. With neither, the
manager runs on its embedded defaults: SQLite and media files under
``./var/manager``, for one machine.

Errors name the file, the key and what to write instead.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path("/etc/kiosk-manager/settings.toml")
DEFAULT_DATA_DIR = Path("var/manager")
ENV_FILE = "KIOSK_MANAGER_SETTINGS"
ENV_PREFIX = "KIOSK_MANAGER_"


class ConfigError(Exception):
    """The configuration cannot be used; the text says where and what to do."""


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    return int(value)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true or false")


def _words(value: Any) -> list[str]:
    """A TOML list, or a comma-separated environment variable."""
    if isinstance(value, list):
        return [_text(item) for item in value]
    return [word.strip() for word in _text(value).split(",") if word.strip()]


@dataclasses.dataclass(frozen=True)
class Option:
    section: str
    key: str
    parse: Callable[[Any], Any]
    default: Any
    help: str
    env: str | None = None

    @property
    def env_name(self) -> str:
        if self.env:
            return self.env
        prefix = "" if self.section == "main" else f"{self.section.upper()}_"
        return f"{ENV_PREFIX}{prefix}{self.key.upper()}"


#: Every option, with its default: the one place defaults live.
OPTIONS = (
    Option(
        "main",
        "data_dir",
        _text,
        str(DEFAULT_DATA_DIR),
        "the SQLite database, media files and the generated secret key live here",
    ),
    Option(
        "main",
        "database_url",
        _text,
        "",
        "postgresql://USER:PASSWORD@HOST/NAME (or ?host=/run/postgresql); "
        "empty: SQLite in data_dir",
        env="DATABASE_URL",
    ),
    Option(
        "main",
        "secret_key_file",
        _text,
        "",
        "Django's secret key, shared by every serve process; empty: generated in data_dir",
    ),
    Option(
        "main",
        "public_url",
        _text,
        "",
        "how browsers and terminals reach the manager, e.g. https://feedback.example.com",
    ),
    Option(
        "main",
        "allowed_hosts",
        _words,
        ["127.0.0.1", "localhost", "[::1]"],
        "host names the manager answers to; public_url's host is added",
    ),
    Option(
        "main",
        "behind_proxy",
        _boolean,
        False,
        "trust X-Forwarded-Proto from the reverse proxy (only when one is in front)",
    ),
    Option("main", "debug", _boolean, False, "Django's debug pages; never in production"),
    Option("main", "time_zone", _text, "UTC", "the default time zone for new sites"),
    Option("main", "language", _text, "en", "the default language of the pages"),
    Option(
        "api", "max_message_mb", _integer, 20, "a message POST larger than this is refused with 413"
    ),
    Option(
        "terminals",
        "silent_after_s",
        _integer,
        15 * 60,
        "a terminal not heard from for this many seconds is flagged on the terminals "
        "page and its site's admins are mailed once",
    ),
    Option("api", "enrolment_code_hours", _integer, 24, "how long a one-time enrolment code works"),
    Option(
        "retention",
        "media_days",
        _integer,
        365,
        "photos and voice messages are deleted this many days after they were "
        "received (the message stays); 0 keeps them",
    ),
    Option(
        "retention", "status_days", _integer, 90, "terminal health reports are kept this many days"
    ),
    Option(
        "storage",
        "s3_bucket",
        _text,
        "",
        "S3-compatible bucket for media; empty: files under data_dir/media",
    ),
    Option("storage", "s3_endpoint_url", _text, "", "for S3-compatible services other than AWS"),
    Option("storage", "s3_region", _text, "", "the bucket's region"),
    Option("storage", "s3_access_key_id", _text, "", "empty: boto3's usual credential chain"),
    Option(
        "storage",
        "s3_secret_access_key_file",
        _text,
        "",
        "a file holding the secret access key (not the key itself)",
    ),
    Option(
        "storage",
        "signed_url_s",
        _integer,
        300,
        "how long a signed link to a photo or voice message works",
    ),
    Option("mail", "host", _text, "", "SMTP server for notices; empty: mail is off"),
    Option("mail", "port", _integer, 587, "SMTP port"),
    Option("mail", "security", _text, "starttls", "starttls, tls or none"),
    Option("mail", "username", _text, "", "SMTP user"),
    Option("mail", "password_file", _text, "", "a file holding the SMTP password"),
    Option("mail", "sender", _text, "kiosk-manager@localhost", "the From address"),
    Option("serve", "workers", _integer, 0, "gunicorn worker processes; 0: 2 per CPU, plus 1"),
)

SECTIONS = sorted({option.section for option in OPTIONS})


@dataclasses.dataclass(frozen=True)
class Config:
    values: Mapping[str, Any]
    source: Path | None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def data_dir(self) -> Path:
        return Path(self.values["data_dir"]).resolve()


def _name(option: Option) -> str:
    return option.key if option.section == "main" else f"{option.section}_{option.key}"


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read the settings file: {exc.strerror}; "
            f"check the path in ${ENV_FILE} and its permissions"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    known = {(o.section, o.key): o for o in OPTIONS}
    values: dict[str, Any] = {}
    for key, value in document.items():
        if isinstance(value, dict):
            if key not in SECTIONS or key == "main":
                raise ConfigError(
                    f"{path}: unknown section [{key}]; the sections are "
                    f"{', '.join(s for s in SECTIONS if s != 'main')}"
                )
            entries = [(key, inner, inner_value) for inner, inner_value in value.items()]
        else:
            entries = [("main", key, value)]
        for section, inner, inner_value in entries:
            option = known.get((section, inner))
            where = inner if section == "main" else f"[{section}] {inner}"
            if option is None:
                choices = ", ".join(o.key for o in OPTIONS if o.section == section)
                raise ConfigError(f"{path}: unknown setting {where}; known here: {choices}")
            try:
                values[_name(option)] = option.parse(inner_value)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{path}: {where}: {exc}: {inner_value!r}") from exc
    return values


def load(environ: Mapping[str, str] | None = None) -> Config:
    """The configuration from ``environ`` (default: os.environ) and the settings file."""
    environ = os.environ if environ is None else environ
    named = environ.get(ENV_FILE)
    source = Path(named) if named else (DEFAULT_FILE if DEFAULT_FILE.exists() else None)
    values = {_name(o): o.default for o in OPTIONS}
    if source is not None:
        values.update(_read_file(source))
    for option in OPTIONS:
        raw = environ.get(option.env_name)
        if raw is None:
            continue
        try:
            values[_name(option)] = option.parse(raw)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"${option.env_name}: {exc}: {raw!r}") from exc
    if values["mail_security"] not in ("starttls", "tls", "none"):
        raise ConfigError(
            f"[mail] security must be starttls, tls or none, not {values['mail_security']!r}"
        )
    return Config(values, source)


def read_secret_file(path: str, what: str) -> str:
    """The stripped content of a secret file, refused when others may read it."""
    file = Path(path)
    try:
        mode = file.stat().st_mode
        text = file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} from {file}: {exc.strerror}") from exc
    if mode & 0o077:
        raise ConfigError(f"{file} ({what}) may be read by others; run `chmod 600 {file}`")
    return text


def secret_key(config: Config) -> str:
    """The configured secret key, or one generated once into data_dir (0600)."""
    if config["secret_key_file"]:
        return read_secret_file(config["secret_key_file"], "the secret key")
    path = config.data_dir / "secret_key"
    try:
        return read_secret_file(str(path), "the secret key")
    except ConfigError:
        if path.exists():
            raise
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return read_secret_file(str(path), "the secret key")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")
    return read_secret_file(str(path), "the secret key")


def s3_options(
    *,
    bucket: str,
    endpoint_url: str,
    region: str,
    access_key_id: str,
    secret_access_key: str,
    signed_url_s: int,
) -> dict[str, Any]:
    """django-storages' S3Storage options for the media bucket; empty strings mean unset."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key_id or None,
        "secret_key": secret_access_key or None,
        # Media are private: no ACL is sent, so an object is never public-read
        # (the bucket's own default, private, applies), and every link is signed.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": signed_url_s,
        # Signature version 4: the only one every AWS region and S3-compatible
        # service accepts, and the one whose links carry their expiry.
        "signature_version": "s3v4",
        # Media names are unique per request (manager.inbox.models.media_path),
        # so no existence check (a HEAD per file, and racy) is made before a PUT.
        "file_overwrite": True,
    }
