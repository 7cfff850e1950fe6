"""``kiosk doctor``: is this terminal ready to collect feedback and deliver it?

Each check uses the real thing once, the way the app or the delivery
service will: the settings and their secret files, the dialog and what this
terminal lacks for its languages (as `kiosk validate` says it), the camera
(one photo), the microphone (a second of level), the display ``kiosk run``
would use, the disk under ``data_dir``, the clock, and each delivery target
with its credentials, by a request that changes nothing on the other side.
Every check returns a :class:`~kiosk.devices.check.CheckResult` (the same
type the operator screen's device tests return) rather than raising; a
failure carries a hint of the fix.

``send_test_message`` queues a message clearly marked as a test through the
outbox; the running ``kiosk sync`` delivers it to every target like any other.

One module of about 620 lines on purpose: one short function per check, in
the order the report prints them, so that a technician's question ("what
does the doctor check?") has one place to read.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime
import os
import pwd
import shutil
import smtplib
import ssl
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .devices.check import FAILED, PASSED, SKIPPED, CheckResult

if TYPE_CHECKING:
    from dialog_config import Dialog

    from .settings import Settings

BYTES_PER_MB = 1024 * 1024
#: Where the kernel's DRM devices are; ``kiosk run`` without X draws through one.
DRI_DIR = Path("/dev/dri")
DRM_SYSFS_DIR = Path("/sys/class/drm")
#: adjtimex(2) answers this while the kernel's clock is not synchronised
#: (what ``timedatectl`` shows as "System clock synchronized: no").
TIME_ERROR = 5
#: struct timex is 208 bytes on 64-bit Linux; the buffer leaves room to spare.
TIMEX_BUFFER_BYTES = 512
#: Files of a release may carry the clock of the machine that packed them;
#: only a clock more than this before them is certainly wrong.
CLOCK_TOLERANCE_S = 24 * 3600.0
#: Beside the settings file on the SD card image: what kiosk-firstboot could not apply.
FIRST_BOOT_REPORT = "first-boot.txt"
TEST_TEXT = "Test message from kiosk doctor ({terminal}, {time}): no visitor wrote this."

NTP_HINT = (
    "turn NTP on with `sudo timedatectl set-ntp true`, and let the network pass "
    "NTP (UDP port 123) out; `timedatectl timesync-status` shows the server"
)


def run_checks(
    settings_path: str | os.PathLike[str] | None,
) -> tuple[list[CheckResult], Settings | None]:
    """Every check, in the order ``kiosk doctor`` prints them, and the settings if they load."""
    result, settings = check_settings(settings_path)
    boot_folder = check_boot_folder(settings_path)
    if settings is None:
        return [result, *boot_folder], None
    from .devices.check import check_camera, check_microphone

    results = [
        result,
        *boot_folder,
        check_dialog(settings.dialog, settings.data_dir),
        *check_languages(settings.dialog),
        check_camera(settings.camera),
        check_microphone(settings.microphone),
        check_speech(settings.dialog, settings.data_dir),
        check_display(),
        check_disk(settings),
        check_outbox(settings),
        check_clock(),
    ]
    results.extend(check_targets(settings))
    return results, settings


def failed(results: Iterable[CheckResult]) -> bool:
    return not all(result.ok for result in results)


# ------------------------------------------------------------------ settings and dialog


def check_settings(path: str | os.PathLike[str] | None) -> tuple[CheckResult, Settings | None]:
    """The settings load, and each secret file they name is readable here and by its owner only."""
    from .settings import SettingsError, find_settings_file, load_settings

    try:
        settings = load_settings(path)
    except SettingsError as exc:
        first = exc.problems[0] if exc.problems else "no settings"
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        where = find_settings_file(path)
        return CheckResult(
            "settings",
            FAILED,
            f"{first}{more}",
            f"fix the settings file; `kiosk --settings {where} validate` lists every problem",
        ), None
    source = f"{settings.source}" if settings.source else "no settings file: the embedded defaults"
    user = _user_name()
    problems = []
    for secret in settings.secret_files():
        try:
            secret.read()
        except SettingsError as exc:
            problems.extend(exc.problems)
    if problems:
        return CheckResult(
            "settings",
            FAILED,
            "; ".join(str(p) for p in problems),
            f"a secret file is its owner's alone (`chmod 600 FILE`); on an "
            f"installed terminal root owns them and systemd hands each "
            f"service its own, so run the doctor with sudo (it ran as "
            f"{user})",
        ), settings
    count = len(settings.secret_files())
    secrets = (
        f"{count} secret file(s) readable by {user}, by their owner only"
        if count
        else "no secret files"
    )
    return CheckResult(
        "settings", PASSED, f"{source}; terminal {settings.terminal_id}; {secrets}"
    ), settings


def check_boot_folder(settings_path: str | os.PathLike[str] | None) -> list[CheckResult]:
    """On the SD card image: what the last boot could not apply from the card's kiosk/ folder.

    kiosk-firstboot writes ``first-boot.txt`` beside the settings file at every
    boot, one problem a line (empty when all went in); elsewhere there is no
    such file and no check.
    """
    from .settings import find_settings_file

    found = find_settings_file(None if settings_path is None else Path(settings_path))
    if found is None:
        return []
    try:
        report = (found.parent / FIRST_BOOT_REPORT).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    problems = [line for line in report.splitlines() if line.strip()]
    if not problems:
        return [CheckResult("boot folder", PASSED, "the card's kiosk/ folder had nothing wrong")]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return [
        CheckResult(
            "boot folder",
            FAILED,
            f"{problems[0]}{more}",
            "fix the file in the kiosk/ folder of the card's boot partition (KIOSKBOOT) "
            "and boot again; kiosk/RESULT.txt there lists every problem",
        )
    ]


def check_dialog(path: Path, data_dir: Path) -> CheckResult:
    """The dialog loads; its warnings are counted (a warning does not stop the app).

    For a file with errors it says what ``kiosk run`` would start on instead:
    the last good copy in ``data_dir``, or the bundled default.
    """
    from dialog_config import DialogError

    from .dialog_copies import DialogCopies, choose_start_dialog

    try:
        start = choose_start_dialog(path, DialogCopies(data_dir))
    except DialogError as exc:
        return CheckResult(
            "dialog",
            FAILED,
            f"{exc.problems[0]}: not even the bundled default dialog loads",
            "the installation is damaged; install the software again",
        )
    if start.errors:
        more = f" (and {len(start.errors) - 1} more)" if len(start.errors) > 1 else ""
        return CheckResult(
            "dialog",
            FAILED,
            f"{start.errors[0]}{more}; the terminal runs {start.describe()} instead",
            f"fix the file and check it with `kiosk validate {path}`; the app "
            "takes it at its next start screen",
        )
    dialog = start.dialog
    count = len(dialog.warnings)
    return CheckResult(
        "dialog",
        PASSED,
        f"{path}: valid, languages {', '.join(dialog.languages)}, {count} warning(s), "
        f"sha256 {dialog.sha256[:12]}",
        f"`kiosk validate {path}` lists the warnings" if count else None,
    )


def check_languages(path: Path) -> list[CheckResult]:
    """What ``kiosk validate`` says this terminal lacks for the dialog's languages, one
    line each: a character no installed font draws (a blank button: failed, with the
    font package to install) and a language served in part, such as one without a
    keyboard (ok with a hint, as the app runs with it). Nothing for a dialog that does
    not load: the dialog check says why, and the app runs another one.
    """
    from dialog_config import check_dialog as check_format

    from .languages import terminal_problems

    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    result = check_format(data, file=str(path), base_dir=Path(path).resolve().parent)
    if result.dialog is None or result.errors:
        return []
    problems = terminal_problems(data, str(path), result.dialog)
    if not problems:
        return [
            CheckResult(
                "languages",
                PASSED,
                f"{', '.join(result.dialog.languages)}: interface texts, a keyboard and "
                "fonts for each",
            )
        ]
    return [
        CheckResult(
            "languages",
            FAILED if problem.is_error else PASSED,
            f"{problem.path}: {problem.message}" if problem.is_error else problem.message,
            f"`kiosk validate {path}` shows it at line {problem.line}"
            if problem.is_error
            else "a visitor in this language lacks it; "
            f"`kiosk validate {path}` lists the same warnings",
        )
        for problem in problems
    ]


def check_speech(path: Path, data_dir: Path) -> CheckResult:
    """espeak-ng is there for the speaker button, with a voice for each of the dialog's languages.

    A language without a voice is no failure (the terminal works; its
    visitors hear nothing), but the detail names it.
    """
    from dialog_config import DialogError

    from .dialog_copies import DialogCopies, choose_start_dialog
    from .voices import ESPEAK_PACKAGE, installed_voices, voice_for

    voices = installed_voices()
    if voices is None:
        return CheckResult(
            "speech",
            FAILED,
            "espeak-ng is not installed: the speaker button is hidden and no visitor can "
            "hear the screens",
            f"install the Debian package {ESPEAK_PACKAGE} (`sudo apt-get install {ESPEAK_PACKAGE}`)",
        )
    try:
        languages = choose_start_dialog(path, DialogCopies(data_dir)).dialog.languages
    except DialogError:
        languages = ()
    mute = [code for code in languages if voice_for(code, voices) is None]
    if mute:
        return CheckResult(
            "speech",
            PASSED,
            f"espeak-ng has no voice for {', '.join(mute)}: a visitor in it who turns speech "
            "on hears nothing",
            "`espeak-ng --voices` lists the voices; a language without one stays silent",
        )
    return CheckResult("speech", PASSED, f"espeak-ng, a voice for {', '.join(languages)}")


# ------------------------------------------------------------------ display, disk, clock


def check_display(
    environ: Mapping[str, str] = os.environ, *, dri_dir: Path = DRI_DIR
) -> CheckResult:
    """What ``kiosk run`` draws on: the X display in ``$DISPLAY``, else the screen through DRM."""
    display = environ.get("DISPLAY")
    if display:
        return _check_x_display(display)
    cards = sorted(dri_dir.glob("card[0-9]*"))
    if not cards:
        return CheckResult(
            "display",
            FAILED,
            f"no X display ($DISPLAY is not set) and no DRM device {dri_dir}/card*",
            "on Raspberry Pi OS turn the KMS driver on (`dtoverlay=vc4-kms-v3d` "
            "in /boot/firmware/config.txt) and reboot; in a desktop session, "
            "set DISPLAY (e.g. DISPLAY=:0)",
        )
    opened, refused = [], []
    for card in cards:
        try:
            os.close(os.open(card, os.O_RDWR | os.O_CLOEXEC))
        except OSError as exc:
            refused.append(f"{card.name}: {exc.strerror}")
        else:
            opened.append(card)
    user = _user_name()
    if not opened:
        return CheckResult(
            "display",
            FAILED,
            f"DRM (no $DISPLAY): {user} cannot open {', '.join(refused)}",
            f"add the user that runs `kiosk run` to the video and render "
            f"groups: `sudo usermod -aG video,render,input {user}`, then log in "
            "again or restart the service",
        )
    screens = [
        path.name.split("-", 1)[1]
        for card in opened
        for path in sorted(DRM_SYSFS_DIR.glob(f"{card.name}-*"))
        if _read_text(path / "status") == "connected"
    ]
    where = f", screen on {', '.join(screens)}" if screens else ""
    return CheckResult(
        "display",
        PASSED,
        f"DRM (no $DISPLAY): {', '.join(c.name for c in opened)} opens for {user}{where}",
    )


def _check_x_display(display: str) -> CheckResult:
    name = ctypes.util.find_library("X11")
    if name is None:
        return CheckResult(
            "display",
            FAILED,
            f"X display {display}: libX11 is missing",
            "install it: `sudo apt-get install libx11-6`",
        )
    xlib = ctypes.CDLL(name)
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    for function in (xlib.XDefaultScreen, xlib.XCloseDisplay):
        function.argtypes = [ctypes.c_void_p]
    for function in (xlib.XDisplayWidth, xlib.XDisplayHeight):
        function.argtypes = [ctypes.c_void_p, ctypes.c_int]
    connection = xlib.XOpenDisplay(display.encode())
    if not connection:
        return CheckResult(
            "display",
            FAILED,
            f"X display {display} cannot be opened",
            "start the X server, or check DISPLAY and, for another user's "
            "session, XAUTHORITY; on the appliance unset DISPLAY so that the "
            "app draws on the screen itself (KMS/DRM)",
        )
    try:
        screen = xlib.XDefaultScreen(connection)
        width = xlib.XDisplayWidth(connection, screen)
        height = xlib.XDisplayHeight(connection, screen)
    finally:
        xlib.XCloseDisplay(connection)
    return CheckResult("display", PASSED, f"X display {display}, screen {width}×{height}")


def check_disk(
    settings: Settings, *, disk_usage: Callable[[Path], Any] = shutil.disk_usage
) -> CheckResult:
    """Free space in ``data_dir`` above ``disk_reserve_mb``, and a file can be written there."""
    data_dir = settings.data_dir
    existing = data_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    note = "" if existing == data_dir else f" (not made yet; {existing} is its nearest folder)"
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".kiosk-doctor-") as probe:
            probe.write(b"x")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return CheckResult(
            "disk",
            FAILED,
            f"{data_dir}{note}: cannot write: {exc.strerror}",
            "make data_dir writable for the users that run the app and the "
            "delivery service, or point data_dir in the settings elsewhere",
        )
    free_mb = disk_usage(existing).free / BYTES_PER_MB
    detail = (
        f"{data_dir}{note}: writable, {free_mb:,.0f} MB free, reserve {settings.disk_reserve_mb} MB"
    )
    if free_mb < settings.disk_reserve_mb:
        return CheckResult(
            "disk",
            FAILED,
            f"{detail}: new messages are refused",
            "free space on that disk (e.g. `sudo journalctl --vacuum-size=100M`,"
            " remove old reports), or lower disk_reserve_mb in the settings",
        )
    return CheckResult("disk", PASSED, detail)


def check_outbox(settings: Settings) -> CheckResult:
    """The outbox opens, ``PRAGMA quick_check`` passes, this user may write it; the quarantine."""
    from sync import quarantine
    from sync.errors import OutboxError
    from sync.outbox import DB_NAME, Outbox

    data_dir = settings.data_dir
    waiting = quarantine.count(data_dir)
    note = (
        f"; {waiting} message(s) in the quarantine ({data_dir / quarantine.QUARANTINE_DIR_NAME})"
        if waiting
        else ""
    )
    requeue_hint = "`kiosk outbox requeue` puts them back into the outbox"
    if not (data_dir / DB_NAME).exists():
        return CheckResult(
            "outbox",
            PASSED,
            f"{data_dir}: no outbox yet (the app makes it at its first start){note}",
            requeue_hint if waiting else None,
        )
    try:
        with Outbox(
            data_dir, reserve_bytes=settings.disk_reserve_mb * BYTES_PER_MB, recover=False
        ) as outbox:
            problem = outbox.health_problem()
    except OutboxError as exc:
        problem = str(exc)
    if problem:
        return CheckResult(
            "outbox",
            FAILED,
            f"{problem}{note}",
            "the app is out of order until this is fixed; for a damaged file "
            "stop the services and run `kiosk outbox repair`, then restart "
            "them; for permissions make data_dir and its files the kiosk "
            "group's (`sudo chgrp -R kiosk DIR; sudo chmod -R g+rwX DIR`)",
        )
    if waiting:
        return CheckResult(
            "outbox",
            FAILED,
            f"{data_dir / DB_NAME}: in order{note}",
            requeue_hint + " (the app also does at its next start)",
        )
    return CheckResult(
        "outbox", PASSED, f"{data_dir / DB_NAME}: in order (quick_check ok, writable)"
    )


def check_clock(
    *, now: float | None = None, synchronised: Callable[[], bool | None] | None = None
) -> CheckResult:
    """The clock is not before this software existed, and NTP keeps it right.

    A clock that is merely unsynchronised still gives usable times, so that is
    a hint; a clock before the software's own files is certainly wrong (a Pi
    has no battery-backed clock) and every message would carry a wrong time.
    """
    now = time.time() if now is None else now
    synced = (synchronised or ntp_synchronised)()
    shown = datetime.datetime.fromtimestamp(now).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    floor = Path(__file__).stat().st_mtime - CLOCK_TOLERANCE_S
    if now < floor:
        built = datetime.datetime.fromtimestamp(floor).astimezone().strftime("%Y-%m-%d")
        return CheckResult(
            "clock",
            FAILED,
            f"{shown} is before this software was installed ({built}); "
            f"messages would carry wrong times",
            f"connect the network so that the clock is set; {NTP_HINT}",
        )
    if synced is None:
        return CheckResult("clock", PASSED, f"{shown}; NTP state unknown (no adjtimex)")
    if not synced:
        return CheckResult("clock", PASSED, f"{shown}; NOT synchronised with NTP", NTP_HINT)
    return CheckResult("clock", PASSED, f"{shown}, synchronised with NTP")


def ntp_synchronised() -> bool | None:
    """The kernel's own flag, which timesyncd, chrony and ntpd set: None where it cannot be read."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    libc = ctypes.CDLL(name, use_errno=True)
    # modes = 0 (the buffer's first field): read only, change nothing.
    state = libc.adjtimex(ctypes.create_string_buffer(TIMEX_BUFFER_BYTES))
    if state < 0:
        return None
    return state != TIME_ERROR


# ------------------------------------------------------------------ delivery targets


def check_targets(settings: Settings) -> list[CheckResult]:
    """Each configured target, with its credentials, by a request without side effects."""
    if not settings.targets:
        return [
            CheckResult(
                "targets",
                SKIPPED,
                "no delivery target under `sync:` in the settings: messages stay on the terminal",
            )
        ]
    from .cli import Failure
    from .commands.sync import build_targets

    try:
        targets = build_targets(settings)
    except Failure as exc:
        return [
            CheckResult(
                name, FAILED, f"cannot be set up: {exc}", f"fix sync.{name} in the settings"
            )
            for name in settings.targets
        ]
    checks = {"manager": check_manager, "mailbox": check_mailbox}
    try:
        return [checks[target.name](target, settings) for target in targets]
    finally:
        for target in targets:
            target.close()


def check_manager(target, settings: Settings) -> CheckResult:
    """``GET /v1/terminals/{id}/dialog``: reachable and the token accepted, nothing changed."""
    from sync.targets.base import Paused, Retry

    where = f"{target.url} as {settings.terminal_id}"
    try:
        fetched = target.fetch_dialog()
    except Paused as exc:
        return CheckResult(
            "manager",
            FAILED,
            f"{where}: {exc.reason}",
            f"the manager refused the token: put this terminal's token in "
            f"{settings.manager.token_file.path} (`chmod 600`), and check that "
            f"terminal_id {settings.terminal_id} is the one the manager knows",
        )
    except Retry as exc:
        if exc.__cause__ is None:  # an answer, but not one the API names
            hint = (
                "check sync.manager.url: it is the API's base address, like "
                "https://manager.example.com/api"
            )
        else:
            hint = (
                "check the network (`curl -sS URL`), sync.manager.url and, for a TLS "
                "error, sync.manager.ca_file"
            )
        return CheckResult("manager", FAILED, f"{where}: {exc.reason}", hint)
    answer = {
        200: "a dialog is assigned",
        304: "the dialog is unchanged",
        404: "no dialog assigned",
    }[fetched.status]
    return CheckResult(
        "manager",
        PASSED,
        f"{where}: reachable, token accepted (dialog: {fetched.status}, {answer})",
    )


def check_mailbox(target, settings: Settings) -> CheckResult:
    """Connect, TLS as configured, EHLO, AUTH when a username is set, QUIT: no mail is sent."""
    mailbox = settings.mailbox
    where = f"{target.host}:{target.port} ({target.security})"
    port_hint = (
        "check sync.mailbox.security and port: starttls is usually port 587, "
        "tls 465, none (a local relay) 25"
    )
    try:
        # The target's own connection (same TLS context, timeouts, deadline and
        # host name): the doctor tries exactly what a delivery does, up to the mail.
        with target.deadline() as watchdog, target.connect() as smtp:
            smtp.ehlo_or_helo_if_needed()
            if target.username:
                smtp.login(target.username, target.password or "")
    except smtplib.SMTPAuthenticationError as exc:
        return CheckResult(
            "mailbox",
            FAILED,
            f"{where}: the login of {target.username} was refused: "
            f"{exc.smtp_code} {_text(exc.smtp_error)}",
            f"check sync.mailbox.username and the password in {mailbox.password_file.path}",
        )
    except smtplib.SMTPNotSupportedError as exc:
        return CheckResult(
            "mailbox",
            FAILED,
            f"{where}: the server lacks what the settings need: {exc}",
            port_hint + "; leave out username where the relay takes mail without a login",
        )
    except ssl.SSLCertVerificationError as exc:
        return CheckResult(
            "mailbox",
            FAILED,
            f"{where}: its certificate cannot be verified: {exc.verify_message}",
            "check sync.mailbox.host (the name in the certificate) and, for a "
            "private CA, sync.mailbox.ca_file",
        )
    except ssl.SSLError as exc:
        return CheckResult(
            "mailbox", FAILED, f"{where}: TLS failed: {exc.reason or exc}", port_hint
        )
    except smtplib.SMTPResponseException as exc:
        return CheckResult(
            "mailbox",
            FAILED,
            f"{where}: the server answered {exc.smtp_code} {_text(exc.smtp_error)}",
            "ask the mail server's administrator whether this terminal may send",
        )
    except (smtplib.SMTPException, OSError) as exc:
        if watchdog.fired:
            return CheckResult(
                "mailbox",
                FAILED,
                f"{where}: the exchange did not finish within its deadline of "
                f"{target.deadline_s:g} s (the server answers a few bytes at a time, "
                "or the link is very slow)",
                "check the network and sync.mailbox.host and port",
            )
        return CheckResult(
            "mailbox",
            FAILED,
            f"{where}: cannot connect: {exc or type(exc).__name__}",
            f"check the network, sync.mailbox.host and port (is a firewall "
            f"blocking port {target.port}?); {port_hint}",
        )
    login = f"login as {target.username} accepted" if target.username else "no login set"
    return CheckResult(
        "mailbox",
        PASSED,
        f"{where}: reachable, {login}; mail goes to "
        f"{', '.join(target.recipients)} (send: {target.send})",
    )


# ------------------------------------------------------------------ the test message


def doctor_message(settings: Settings, dialog: Dialog, now: datetime.datetime) -> dict[str, Any]:
    """A message marked as a test in its text, an alert so that every target takes it.

    The contract wants a path or a rating, so it names the dialog's first
    topic; its tone is ``none``, so that it counts as no one's complaint.
    ``alert: true`` makes a mailbox with ``send: alerts`` mail it too.
    """
    from .flow import local_timestamp

    topic = dialog.topics[0]
    stamp = local_timestamp(now)
    return {
        "terminal_id": settings.terminal_id,
        "site": settings.site,
        "created_at": stamp,
        "locale": dialog.default_language,
        "dialog": {"version": dialog.version, "sha256": dialog.sha256},
        "rating": None,
        "path": [{"level": topic.level, "id": topic.id, "label": topic.label.default}],
        "tone": "none",
        "alert": True,
        "text": TEST_TEXT.format(terminal=settings.terminal_id, time=stamp),
        "callback": None,
        "voice": None,
        "photo": None,
    }


def send_test_message(settings: Settings) -> CheckResult:
    """Queues :func:`doctor_message` in the outbox; ``kiosk sync`` delivers it."""
    from dialog_config import DialogError, load_dialog
    from sync.errors import OutboxError
    from sync.outbox import Outbox

    if not settings.targets:
        return CheckResult(
            "test message",
            FAILED,
            "not queued: no delivery target is set",
            "add `sync: manager:` and/or `sync: mailbox:` to the settings",
        )
    try:
        dialog = load_dialog(settings.dialog)
    except DialogError:
        return CheckResult(
            "test message",
            FAILED,
            "not queued: the dialog has errors",
            f"fix them first: `kiosk validate {settings.dialog}`",
        )
    # The terminal's local time, as the app stamps a visitor's message.
    message = doctor_message(settings, dialog, datetime.datetime.now().astimezone())
    try:
        with Outbox(
            settings.data_dir, reserve_bytes=settings.disk_reserve_mb * BYTES_PER_MB, recover=False
        ) as outbox:
            message_id = outbox.add(message)
    except OutboxError as exc:
        return CheckResult(
            "test message",
            FAILED,
            f"not queued: {exc}",
            "run the doctor as the user that runs `kiosk run`, so that it may write to data_dir",
        )
    return CheckResult(
        "test message",
        PASSED,
        f"queued {message_id} for {', '.join(settings.targets)}: the running "
        f"`kiosk sync` delivers it; `kiosk status` shows when",
    )


# ------------------------------------------------------------------ helpers


def _user_name() -> str:
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid {os.getuid()}"


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError:
        return None


def _text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return " ".join(reply.split())
