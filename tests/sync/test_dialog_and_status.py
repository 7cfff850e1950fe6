"""The manager's dialog poll (200 valid / invalid, 304, 404) and the Status PUT."""

from __future__ import annotations

import hashlib
import os

import pytest

from dialog_config import DEFAULT_DIALOG
from support.manager_server import Reply
from sync.dialog_update import DialogUpdater
from sync.health import read_device_status, write_device_status
from sync.outbox import Outbox
from sync.state import ServiceState, read_service_state
from sync.status import terminal_status
from sync.targets.base import Paused

VALID = DEFAULT_DIALOG.read_bytes()
INVALID = b"version: 1\nlanguages: [en]\ntopics:\n  - id: Food\n    lable: Food\n"


@pytest.fixture
def dialog_path(tmp_path):
    path = tmp_path / "etc" / "dialog.yaml"
    path.parent.mkdir()
    path.write_bytes(b"version: 1\nlanguages: [en]\ntopics:\n  - {id: a, label: {en: A}}\n")
    return path


@pytest.fixture
def updater(manager_server, manager_target_factory, dialog_path, data_dir):
    data_dir.mkdir()
    target = manager_target_factory(manager_server.url)
    return DialogUpdater(target.fetch_dialog, dialog_path, ServiceState(data_dir))


def test_a_valid_dialog_is_written_atomically(updater, manager_server, dialog_path, monkeypatch):
    manager_server.dialog = (VALID, '"v1"')
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (replaced.append((a, b)), real_replace(a, b)))

    updater.poll()

    assert dialog_path.read_bytes() == VALID
    # A temp file beside it, renamed over it.
    [(temp, _)] = [(a, b) for a, b in replaced if str(b) == str(dialog_path)]
    assert os.path.dirname(temp) == str(dialog_path.parent)
    assert updater.errors == []
    assert list(dialog_path.parent.iterdir()) == [dialog_path]  # no temp file left


def test_an_unchanged_dialog_is_asked_with_its_etag_and_gets_304(
    updater, manager_server, dialog_path
):
    manager_server.dialog = (VALID, '"v1"')
    updater.poll()
    dialog_path.write_bytes(b"local edit")  # proves 304 does not rewrite
    updater.poll()
    assert manager_server.requests[-1][2]["if-none-match"] == '"v1"'
    assert dialog_path.read_bytes() == b"local edit"


def test_an_invalid_dialog_is_not_written_and_its_errors_are_kept(
    updater, manager_server, dialog_path, data_dir
):
    before = dialog_path.read_bytes()
    manager_server.dialog = (INVALID, '"bad"')
    updater.poll()
    assert dialog_path.read_bytes() == before
    assert any("topics[0].lable: unknown key" in error for error in updater.errors)
    assert read_service_state(data_dir)["dialog"]["errors"] == updater.errors
    # The next good dialog clears them.
    manager_server.dialog = (VALID, '"v2"')
    updater.poll()
    assert updater.errors == [] and dialog_path.read_bytes() == VALID


def test_no_dialog_assigned_keeps_the_local_one(updater, manager_server, dialog_path):
    before = dialog_path.read_bytes()
    manager_server.dialog = None
    updater.poll()
    assert dialog_path.read_bytes() == before and updater.errors == []


def test_wrong_credentials_on_the_poll_pause(updater, manager_server):
    manager_server.script = [Reply(401)]
    with pytest.raises(Paused):
        updater.poll()


def test_the_status_put_matches_the_contract(
    data_dir, make_message, manager_server, manager_target_factory, dialog_path
):
    with Outbox(data_dir, reserve_bytes=0) as box:
        box.register_targets(["manager"])
        delivered = box.add(make_message())
        box.add(make_message(created_at="2026-11-22T16:00:00+01:00"))
        box.mark_delivered(delivered, "manager")
        write_device_status(data_dir, camera="ok")
        write_device_status(data_dir, microphone="missing")
        assert read_device_status(data_dir) == {"camera": "ok", "microphone": "missing"}
        status = terminal_status(
            box, dialog_path=dialog_path, dialog_errors=["x:1:1: y: z"], version="0.1.0"
        )
        manager_target_factory(manager_server.url).put_status(status)

    [received] = manager_server.statuses  # validated by the server against Status
    assert received["dialog_sha256"] == hashlib.sha256(dialog_path.read_bytes()).hexdigest()
    assert received["queue"] == {
        "pending": 1,
        "rejected": 0,
        "oldest_pending_at": "2026-11-22T16:00:00+01:00",
        "targets": {"manager": {"pending": 1, "rejected": 0}},
    }
    assert received["last_delivery_at"] is not None
    assert (received["camera"], received["microphone"]) == ("ok", "missing")
    assert received["dialog_errors"] == ["x:1:1: y: z"]
    assert received["disk_free_bytes"] > 0 and received["uptime_s"] > 0


def test_a_device_that_is_off_is_reported_as_off(
    data_dir, manager_server, manager_target_factory, dialog_path
):
    # The contract's enum reads [ok, missing, error, off]; the string "off" is meant.
    with Outbox(data_dir, reserve_bytes=0) as box:
        write_device_status(data_dir, camera="off", microphone="off")
        status = terminal_status(box, dialog_path=dialog_path, dialog_errors=[], version="0.1.0")
        manager_target_factory(manager_server.url).put_status(status)
    [received] = manager_server.statuses
    assert (received["camera"], received["microphone"]) == ("off", "off")


def test_a_locked_pin_pad_is_in_the_health_report(
    data_dir, manager_server, manager_target_factory, dialog_path
):
    from kiosk.operator import MAX_WRONG_TRIES, PinGuard

    with Outbox(data_dir, reserve_bytes=0) as box:
        guard = PinGuard(data_dir)  # what the app keeps
        for _ in range(MAX_WRONG_TRIES):
            guard.record(False)
        status = terminal_status(box, dialog_path=dialog_path, dialog_errors=[], version="0.1.0")
        manager_target_factory(manager_server.url).put_status(status)
    [received] = manager_server.statuses
    pin = received["operator_pin"]
    assert (pin["lockouts"], pin["wrong_tries"]) == (1, 0)
    assert pin["locked_until"] is not None


def test_device_states_outside_the_contract_are_refused(data_dir):
    data_dir.mkdir()
    with pytest.raises(ValueError, match="ok, missing, error, off"):
        write_device_status(data_dir, camera="broken")
