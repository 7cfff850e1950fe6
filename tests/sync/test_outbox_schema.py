"""Schema versions: upgrades at open, refusal of a database from a newer release."""

from __future__ import annotations

import sqlite3

import pytest

from sync.errors import OutboxError, SchemaTooNewError
from sync.outbox import Outbox
from sync.outbox import schema as outbox_module


def user_version(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def table_names(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    finally:
        conn.close()


def test_an_empty_database_at_version_0_is_brought_to_the_newest(data_dir, make_message):
    data_dir.mkdir()
    db_path = data_dir / "outbox.sqlite3"
    sqlite3.connect(db_path).close()  # an empty file: version 0
    assert user_version(db_path) == 0

    with Outbox(data_dir) as box:
        box.register_targets(["manager"])
        box.add(make_message())

    assert user_version(db_path) == len(outbox_module._MIGRATIONS)
    assert {"messages", "deliveries", "targets"} <= table_names(db_path)


def test_a_database_from_a_newer_release_is_refused_and_left_alone(data_dir):
    data_dir.mkdir()
    db_path = data_dir / "outbox.sqlite3"
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()

    with pytest.raises(SchemaTooNewError) as caught:
        Outbox(data_dir)

    text = str(caught.value)
    assert str(db_path) in text and "99" in text and "newer release" in text
    assert user_version(db_path) == 99
    assert table_names(db_path) == {"future"}


def test_new_steps_are_applied_in_order_and_keep_the_data(data_dir, make_message, monkeypatch):
    with Outbox(data_dir) as box:
        box.register_targets(["manager"])
        message_id = box.add(make_message())
    released = len(outbox_module._MIGRATIONS)

    monkeypatch.setattr(
        outbox_module,
        "_MIGRATIONS",
        [
            *outbox_module._MIGRATIONS,
            ("CREATE TABLE step_a (n INTEGER)", "INSERT INTO step_a VALUES (1)"),
            ("INSERT INTO step_a SELECT n + 1 FROM step_a",),  # needs step_a first
        ],
    )
    with Outbox(data_dir) as box:
        assert [d.message_id for d in box.claim("manager")] == [message_id]

    db_path = data_dir / "outbox.sqlite3"
    assert user_version(db_path) == released + 2
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT n FROM step_a ORDER BY n").fetchall() == [(1,), (2,)]
    finally:
        conn.close()


def test_a_failing_step_leaves_the_database_as_it_was(data_dir, monkeypatch):
    Outbox(data_dir).close()
    released = len(outbox_module._MIGRATIONS)
    monkeypatch.setattr(
        outbox_module,
        "_MIGRATIONS",
        [
            *outbox_module._MIGRATIONS,
            ("CREATE TABLE half_done (n)",),
            ("SELECT * FROM no_such_table",),
        ],
    )

    with pytest.raises(OutboxError, match="no_such_table"):
        Outbox(data_dir)

    db_path = data_dir / "outbox.sqlite3"
    assert user_version(db_path) == released
    assert "half_done" not in table_names(db_path)


def test_a_version_1_outbox_upgrades_keeping_its_messages(data_dir, make_message, monkeypatch):
    monkeypatch.setattr(outbox_module, "_MIGRATIONS", outbox_module._MIGRATIONS[:1])
    with Outbox(data_dir) as box:
        box.register_targets(["manager"])
        message_id = box.add(make_message())
    monkeypatch.undo()

    with Outbox(data_dir) as box:
        assert [d.message_id for d in box.claim("manager")] == [message_id]
        box.record_suppressed()
        assert box.suppressed_count() == 1
    assert user_version(data_dir / "outbox.sqlite3") == len(outbox_module._MIGRATIONS)
