"""A hostile or broken manager: endless, huge, dripping or mislabelled answers, leaking errors.

Each answer comes from a real server on 127.0.0.1; the terminal must give up
with a reason a technician can act on, read no more than its caps, and never
quote its token.
"""

from __future__ import annotations

import json
import os
import time
import traceback

import pytest

from dialog_config import DEFAULT_DIALOG
from support.manager_server import DRIPPED_HEAD, DripHead, Reply, SlowRead, Stream
from sync.dialog_update import DialogUpdater
from sync.outbox import Outbox
from sync.state import ServiceState
from sync.targets.base import Retry
from sync.targets.manager import ANSWER_MAX_BYTES, DIALOG_MAX_BYTES, ManagerTarget


@pytest.fixture
def outbox_with_one(data_dir, make_message):
    with Outbox(data_dir, reserve_bytes=0) as outbox:
        outbox.register_targets(["manager"])
        outbox.add(make_message())
        [delivery] = outbox.claim("manager")
        yield delivery


#: What the server may push into socket buffers before the client hangs up.
BUFFERS_BYTES = 8_000_000


def test_an_endless_dialog_is_cut_off_at_the_cap(manager_server, manager_target_factory):
    stream = Stream(count=None)
    manager_server.script = [stream]
    with pytest.raises(Retry, match=f"larger than {DIALOG_MAX_BYTES} bytes"):
        manager_target_factory(manager_server.url).fetch_dialog()
    assert stream.sent_bytes < DIALOG_MAX_BYTES + BUFFERS_BYTES


def test_a_huge_dialog_without_a_length_is_cut_off_at_the_cap(
    manager_server, manager_target_factory
):
    stream = Stream(count=1024)  # 64 MB, chunked
    manager_server.script = [stream]
    with pytest.raises(Retry, match="larger than"):
        manager_target_factory(manager_server.url).fetch_dialog()
    assert stream.sent_bytes < DIALOG_MAX_BYTES + BUFFERS_BYTES


def test_a_declared_length_above_the_cap_is_refused_unread(manager_server, manager_target_factory):
    size = DIALOG_MAX_BYTES + 1
    stream = Stream(chunk=b"y" * size, count=1, headers={"Content-Length": str(size)})
    manager_server.script = [stream]
    with pytest.raises(Retry, match="larger than"):
        manager_target_factory(manager_server.url).fetch_dialog()


def test_a_huge_error_body_is_cut_off_at_a_few_kb(
    outbox_with_one, manager_server, manager_target_factory
):
    stream = Stream(status=503, count=None, content_type="application/problem+json")
    manager_server.script = [stream]
    with pytest.raises(Retry, match=f"larger than {ANSWER_MAX_BYTES} bytes"):
        manager_target_factory(manager_server.url).deliver(outbox_with_one)


def test_a_dripping_answer_is_given_up_at_the_overall_deadline(
    manager_server, manager_target_factory
):
    # Each byte comes well within the read timeout: only a deadline stops it.
    manager_server.script = [Stream(chunk=b"a", count=None, gap_s=0.05)]
    target = manager_target_factory(manager_server.url, read_timeout_s=2.0, deadline_s=1.0)
    started = time.monotonic()
    with pytest.raises(Retry, match="did not finish within its deadline of 1 s"):
        target.fetch_dialog()
    assert time.monotonic() - started < 3.0


#: The deadline the tests set, and how far past it the exchange may end.
DEADLINE_S = 2.0
LATE_S = 1.5


def assert_cut_at_the_deadline(caught, started: float, token: str) -> None:
    elapsed = time.monotonic() - started
    assert DEADLINE_S <= elapsed < DEADLINE_S + LATE_S, elapsed
    reason = caught.value.reason
    assert f"did not finish within its deadline of {DEADLINE_S:g} s" in reason
    assert "check the network and sync.manager.url" in reason
    # Neither the reason nor anything chained to it (the journal logs both) has the token.
    assert token not in "".join(traceback.format_exception(caught.value))


def test_headers_dripped_a_byte_at_a_time_are_given_up_at_the_deadline(
    manager_server, manager_target_factory
):
    # Each byte well within the read timeout, for far longer than the deadline:
    # without a deadline over the whole exchange the status line and the
    # headers would hold the terminal for ever.
    drip = DripHead(gap_s=0.1, for_s=30.0)
    manager_server.script = [drip]
    target = manager_target_factory(manager_server.url, read_timeout_s=1.0, deadline_s=DEADLINE_S)
    started = time.monotonic()
    with pytest.raises(Retry) as caught:
        target.fetch_dialog()
    assert_cut_at_the_deadline(caught, started, manager_server.token)
    # The status line came whole, and headers after it: bytes kept arriving.
    assert drip.sent_bytes > DRIPPED_HEAD.index(b"\r\n")


def test_a_server_reading_the_photo_slowly_is_given_up_at_the_deadline(
    data_dir, make_message, manager_server, manager_target_factory
):
    # A photo far larger than the socket buffers between the two (a few MB),
    # taken a little at a time: each send() goes through within the write
    # timeout, so without a deadline the upload would go on for as long as
    # the server cares to read.
    photo = b"\xff\xd8\xff\xe0" + bytes(24_000_000)
    with Outbox(data_dir, reserve_bytes=0) as outbox:
        outbox.register_targets(["manager"])
        outbox.add(make_message(), photo=photo)
        [delivery] = outbox.claim("manager")
    slow = SlowRead(gap_s=0.2, for_s=30.0)
    manager_server.script = [slow]
    target = manager_target_factory(
        manager_server.url, write_timeout_s=10.0, read_timeout_s=1.0, deadline_s=DEADLINE_S
    )
    started = time.monotonic()
    with pytest.raises(Retry) as caught:
        target.deliver(delivery)
    assert_cut_at_the_deadline(caught, started, manager_server.token)
    # The server was taking the upload, and far from all of it, when the terminal gave up.
    assert 0 < slow.received_bytes < len(photo)


def test_a_dialog_with_the_wrong_content_type_is_not_taken(manager_server, manager_target_factory):
    manager_server.script = [Stream(count=1, chunk=b"<html>login</html>", content_type="text/html")]
    with pytest.raises(Retry, match="as 'text/html', not application/yaml"):
        manager_target_factory(manager_server.url).fetch_dialog()


def test_a_compressed_answer_is_refused(manager_server, manager_target_factory):
    manager_server.script = [Reply(200, {"Content-Encoding": "gzip"}, b"\x1f\x8b")]
    with pytest.raises(Retry, match="compressed"):
        manager_target_factory(manager_server.url).fetch_dialog()


@pytest.mark.parametrize("token", ["good\nX-Evil: 1", "good\x00tail", "good token"])
def test_a_token_with_control_characters_is_refused_without_quoting_it(manager_server, token):
    with pytest.raises(ValueError) as caught:
        ManagerTarget(manager_server.url, token, "rome-01")
    assert "good" not in str(caught.value)
    assert "token_file" in str(caught.value)


def test_a_protocol_error_never_quotes_the_request_headers(manager_server, manager_target_factory):
    target = manager_target_factory(manager_server.url)
    # An ETag (the manager's own text, sent back) that cannot be a header value:
    # the HTTP library's error about it quotes the header.
    with pytest.raises(Retry) as caught:
        target.fetch_dialog(etag="v1\nsecret-part")
    assert "secret-part" not in str(caught.value)
    assert "protocol" in str(caught.value)


PATH_TRICKS = (
    "/etc/passwd",
    "../../../../etc/hostname",
    "icons/../../secret.png",
    "local.png",  # exists beside the dialog: the manager cannot know or use it
    "fifo.png",  # would block an ordinary open() for good
    "folder",
    "link.png",  # a link to a file outside
    "icons/favorite.png",  # bundled: the one kind allowed
)


def test_a_dialog_with_every_path_trick_is_refused_and_reveals_no_file(
    manager_server, manager_target_factory, tmp_path, data_dir
):
    etc = tmp_path / "etc"
    etc.mkdir()
    dialog_path = etc / "dialog.yaml"
    dialog_path.write_bytes(DEFAULT_DIALOG.read_bytes())
    (etc / "local.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 8)
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 8)
    os.mkfifo(etc / "fifo.png")
    (etc / "folder").mkdir()
    (etc / "link.png").symlink_to(tmp_path / "secret.png")
    topics = "".join(
        f"  - id: t{n}\n    label: T{n}\n    style: {{icon: {json.dumps(icon)}}}\n"
        for n, icon in enumerate(PATH_TRICKS)
    )
    hostile = f"version: 1\nlanguages: [en]\ntopics:\n{topics}".encode()
    manager_server.dialog = (hostile, '"tricks"')
    data_dir.mkdir()
    target = manager_target_factory(manager_server.url)
    updater = DialogUpdater(target.fetch_dialog, dialog_path, ServiceState(data_dir))

    updater.poll()  # returns: the FIFO did not block it

    assert dialog_path.read_bytes() == DEFAULT_DIALOG.read_bytes()
    errors = updater.errors
    assert len(errors) == len(PATH_TRICKS) - 1, errors
    generic = (
        "no such bundled icon on this terminal",
        "an icon must be a file in the dialog's folder (a relative path without ../ out of it) "
        "or a bundled icon (icons/<name>.png)",
    )
    for error in errors:
        # Past the dialog file's own name, nothing tells the manager which
        # files exist on the terminal or what they are.
        said = error.split(f"{dialog_path}:", 1)[1]
        assert str(tmp_path) not in said and "favorite" not in said, error
        assert said.endswith(generic), error


@pytest.mark.parametrize("content_type", ["text/plain", "application/problem+json"])
def test_an_error_body_cannot_put_escape_sequences_into_the_reason(
    outbox_with_one, manager_server, manager_target_factory, content_type
):
    evil = "\x1b[2J\x1b]0;owned\x07fake line\nkiosk: all delivered"
    body = (
        json.dumps({"title": evil, "detail": evil}) if content_type.endswith("json") else evil
    ).encode()
    manager_server.script = [Stream(status=503, count=1, chunk=body, content_type=content_type)]
    with pytest.raises(Retry) as caught:
        manager_target_factory(manager_server.url).deliver(outbox_with_one)
    reason = caught.value.reason
    assert "fake line kiosk: all delivered" in reason
    assert not any(not c.isprintable() for c in reason), repr(reason)
