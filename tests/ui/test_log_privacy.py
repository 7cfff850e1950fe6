"""The logs never hold what a visitor said or who they are, at any level.

A visitor's whole journey through the real app (X input on the on-screen
keyboards: a rating, a topic, a text, a name and a phone number, a photo
from the camera), with debug logging; then the delivery to the test manager
and a mailbox, then ``kiosk status`` and ``kiosk report``, all with ``-v``.
Everything those processes print must be free of the visitor's words, name,
phone number (in any format) and media, and be journald-shaped: one line per
event, no timestamp of its own.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

from dialog_config import EXAMPLES_DIR
from support.device_media import write_video
from support.harness import PROJECT_ROOT, Kiosk
from support.manager_server import ManagerServer
from support.smtp_server import SMTPServer
from sync.outbox import Outbox

TOKEN = "privacy-test-token"
#: Words no log has any reason to contain.
TEXT_WORDS = ("quokka", "marzipan")
NAME = "zebulon"
PHONE_DIGITS = "3479081726"  # typed as a national Italian number; stored as +39…
#: What a log line is: ``LEVEL logger: event`` (kiosk/cli.py LOG_FORMAT), nothing before it.
LOG_LINE = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: \S")
#: A time stamped in front of an event, by us or by a library's own log format.
STAMPED = re.compile(r"^(\S+ ){0,2}\[?(\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2})")
#: A run of base64 this long is media or a mail body, not a log event.
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{64,}={0,2}")
STORE_TIMEOUT_S = 20.0
COMMAND_TIMEOUT_S = 60


def write_settings(directory: Path, manager: ManagerServer, smtp: SMTPServer, video: Path) -> Path:
    token = directory / "token"
    token.write_text(TOKEN + "\n", encoding="utf-8")
    token.chmod(0o600)
    settings = directory / "settings.yaml"
    settings.write_text(
        f"terminal_id: privacy-01\nsite: Trattoria Roma\nregion: IT\n"
        f"dialog: {EXAMPLES_DIR / 'restaurant.yaml'}\ndata_dir: {directory / 'data'}\n"
        f"display: {{fullscreen: false}}\ncamera: {{source: {video}}}\n"
        # A microphone that is there: the status report's enum in the contract
        # reads an unquoted `off` as YAML's false, so "off" would not validate.
        "microphone: {device: pulse}\n"
        f"sync:\n  manager:\n    url: {manager.url}\n    token_file: {token}\n"
        "    poll_dialog: false\n"
        f"  mailbox:\n    host: 127.0.0.1\n    port: {smtp.port}\n    security: none\n"
        "    from: kiosk@example.com\n    to: [quality@example.com]\n    send: all\n",
        encoding="utf-8",
    )
    return settings


def type_on_keyboard(kiosk: Kiosk, text: str) -> None:
    for char in text:
        kiosk.tap(f"kb:{char}")  # the space bar's key is "kb: "


def visit(kiosk: Kiosk) -> None:
    """A low rating, a topic and a category (a final one), a text, a callback, send."""
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    kiosk.tap("rating:1", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    kiosk.tap("topic:assortment")
    kiosk.tap("category:few_vegetarian", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("text", then=lambda s: s["step"] == "text")
    kiosk.wait_step("text")
    type_on_keyboard(kiosk, " ".join(TEXT_WORDS))
    kiosk.tap("done", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("callback", then=lambda s: s["step"] == "callback")
    kiosk.wait_step("callback")
    type_on_keyboard(kiosk, PHONE_DIGITS)
    kiosk.tap("field:name")
    type_on_keyboard(kiosk, NAME)
    kiosk.click("consent")  # a tick only: nothing the probe reports changes
    kiosk.tap("done", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("send", then=lambda s: s["step"] == "thanks")
    kiosk.wait_step("thanks")


def run(*args: str) -> str:
    """A ``kiosk`` command's stdout and stderr; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def wait_for_message(data_dir: Path, kiosk: Kiosk) -> dict:
    def stored():
        if not (data_dir / "outbox.sqlite3").exists():
            return []
        with Outbox(data_dir, reserve_bytes=0, recover=False) as box:
            return list(box.messages())

    kiosk.wait(
        lambda _state: bool(stored()), timeout_s=STORE_TIMEOUT_S, what="the message in the outbox"
    )
    [message] = stored()
    return message


def photo_fragments(photo: bytes) -> list[str]:
    """Pieces of the photo's base64 as any encoder would write them, at each byte alignment."""
    fragments = []
    for start in (0, 1, 2, len(photo) // 2, len(photo) // 2 + 1, len(photo) // 2 + 2):
        encoded = base64.b64encode(photo[start : start + 300]).decode()
        fragments.append(encoded[4:36])  # clear of the padding at either end
    return fragments


def test_no_log_holds_a_visitors_text_name_phone_or_media(tmp_path, xvfb, pulse):
    # 10 s of video: the camera does not run out of frames during the visit.
    video = write_video(tmp_path / "camera.avi", frames=300)
    with ManagerServer(TOKEN, terminal_id="privacy-01") as manager, SMTPServer("none") as smtp:
        settings = write_settings(tmp_path, manager, smtp, video)
        kiosk = Kiosk(
            xvfb, settings, tmp_path / "probe", log_path=tmp_path / "kiosk.log", args=("-v",)
        )
        try:
            visit(kiosk)
            message = wait_for_message(tmp_path / "data", kiosk)
        finally:
            assert kiosk.stop() == 0
        outputs = {"kiosk run -v": (tmp_path / "kiosk.log").read_text(encoding="utf-8")}
        outputs["kiosk sync --once -v"] = run("--settings", str(settings), "sync", "--once", "-v")
        assert manager.errors == []
    outputs["kiosk status -v"] = run("--settings", str(settings), "status", "-v")
    outputs["kiosk status --json -v"] = run("--settings", str(settings), "status", "--json", "-v")
    outputs["kiosk report -v"] = run(
        "--settings",
        str(settings),
        "report",
        "-v",
        "--xlsx",
        str(tmp_path / "report.xlsx"),
        "--csv",
        str(tmp_path / "csv"),
    )

    # The visitor's data did travel: it is in the outbox, at the manager and in the mail.
    assert message["text"].lower() == " ".join(TEXT_WORDS)
    assert message["callback"]["name"].lower() == NAME
    assert message["callback"]["phone"] == "+39" + PHONE_DIGITS
    assert message["photo"] is not None
    [stored] = manager.messages.values()
    assert stored.message["callback"]["phone"] == "+39" + PHONE_DIGITS
    [mail] = smtp.received
    photo = (tmp_path / "data" / "media" / f"{message['id']}.photo.jpg").read_bytes()
    fragments = photo_fragments(photo)
    assert any(
        fragment in mail.data.decode("utf-8", "replace").replace("\r\n", "")
        for fragment in fragments
    ), "the check would not see the photo's base64"

    for command, output in outputs.items():
        lowered = output.lower()
        for word in (*TEXT_WORDS, NAME):
            assert word not in lowered, f"{command} logged the visitor's {word!r}:\n{output}"
        digits = re.sub(r"[\s\-.()/+]", "", output)
        assert PHONE_DIGITS not in digits, f"{command} logged the phone number:\n{output}"
        for fragment in fragments:
            assert fragment not in output, f"{command} logged the photo:\n{output}"
        assert not BASE64_RUN.search(output), f"{command} logged base64:\n{output}"
        assert "/9j/" not in output, f"{command} logged a JPEG's base64:\n{output}"

    # Logs as journald wants them: every line of stderr one event, no time of its own.
    log_lines = outputs["kiosk run -v"].splitlines()
    assert any(line.startswith("DEBUG ") for line in log_lines), "-v gave no debug lines"
    for command in ("kiosk sync --once -v", "kiosk status -v", "kiosk report -v"):
        log_lines += [
            line
            for line in outputs[command].splitlines()
            if LOG_LINE.match(line) or line.startswith(("Traceback", "  File "))
        ]
    for line in log_lines:
        assert LOG_LINE.match(line), f"not one event per line: {line!r}"
        assert not STAMPED.match(line), f"a log line with its own timestamp: {line!r}"
