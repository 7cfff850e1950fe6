"""``kiosk enroll`` against a real server on 127.0.0.1: a hostile one cannot hold it."""

from __future__ import annotations

import time

import pytest

from kiosk.cli import Failure
from kiosk.commands.enroll import exchange_code
from support.manager_server import DripHead, ManagerServer, Reply, Stream

DEADLINE_S = 2.0
LATE_S = 1.5
CODE = "K7QM-3WZP-HX9D"


@pytest.fixture
def server():
    with ManagerServer() as running:
        yield running


def test_the_answer_of_a_manager_gives_the_terminal_its_token(server):
    answer = b'{"terminal_id": "rome-01", "site": "Roma", "timezone": "Europe/Rome", "token": "t"}'
    server.script = [Reply(200, {"Content-Type": "application/json"}, answer)]
    assert exchange_code(server.url, CODE, None) == {
        "terminal_id": "rome-01",
        "site": "Roma",
        "timezone": "Europe/Rome",
        "token": "t",
    }


def test_a_manager_dripping_its_headers_is_given_up_at_the_deadline(server):
    # Each byte well within the read timeout, for far longer than the deadline.
    drip = DripHead(gap_s=0.1, for_s=30.0)
    server.script = [drip]
    started = time.monotonic()
    with pytest.raises(Failure) as caught:
        exchange_code(server.url, CODE, None, deadline_s=DEADLINE_S)
    elapsed = time.monotonic() - started
    assert DEADLINE_S <= elapsed < DEADLINE_S + LATE_S, elapsed
    text = str(caught.value)
    assert f"did not finish the enrolment within {DEADLINE_S:g} s" in text
    assert "check the address" in text and CODE not in text
    assert drip.sent_bytes > 0


def test_an_endless_answer_is_cut_off(server):
    server.script = [Stream(count=None, chunk=b" " * 4096, content_type="application/json")]
    with pytest.raises(Failure, match="more than 65536 bytes"):
        exchange_code(server.url, CODE, None)
