"""Crash safety: a writer killed with SIGKILL at random moments leaves only whole messages."""

from __future__ import annotations

import hashlib
import json
import random
import re
import signal
import sqlite3
import subprocess
import time

import pytest

from sync.outbox import Outbox

KILLS = 200
MAX_DELAY_S = 0.060
# Every so often kill without waiting for "ready", so that some children die
# while opening: migrating, setting WAL, recovering the previous child's mess.
KILL_DURING_OPEN_EVERY = 10
TARGETS = ["manager", "mailbox"]


def run_and_kill(command, env, rng, *, wait_ready):
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        if wait_ready:
            first = child.stdout.readline()
            assert first == b"ready\n", f"child did not start: {first!r} {child.stderr.read()!r}"
        time.sleep(rng.uniform(0, MAX_DELAY_S))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    # A child killed before SIGKILL landed would have exited on its own: that is a bug.
    assert child.returncode == -signal.SIGKILL, err.decode(errors="replace")
    reported = {}
    for line in out.decode().splitlines(keepends=True):
        if line.endswith("\n") and line != "ready\n":
            message_id, photo_sha, voice_sha = line.split()
            reported[message_id] = (photo_sha, voice_sha)
    return reported


@pytest.mark.slow
def test_killed_writers_leave_whole_messages_or_nothing(data_dir, helper_command, helper_env):
    with Outbox(data_dir) as box:
        box.register_targets(TARGETS)
    rng = random.Random(20261122)
    command = helper_command("outbox_crash_child.py", str(data_dir))
    reported = {}
    for n in range(KILLS):
        reported |= run_and_kill(
            command, helper_env, rng, wait_ready=n % KILL_DURING_OPEN_EVERY != 0
        )
    assert reported, "no child ever finished an add; the kills came too early to test anything"

    media = data_dir / "media"
    conn = sqlite3.connect(f"file:{data_dir / 'outbox.sqlite3'}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        messages = {
            message_id: (json.loads(body), photo_file, voice_file)
            for message_id, body, photo_file, voice_file in conn.execute(
                "SELECT id, body, photo_file, voice_file FROM messages"
            )
        }
        orphan_deliveries = conn.execute(
            "SELECT COUNT(*) FROM deliveries WHERE message_id NOT IN (SELECT id FROM messages)"
        ).fetchone()[0]
        deliveries = conn.execute(
            "SELECT target, COUNT(*) FROM deliveries GROUP BY target"
        ).fetchall()
    finally:
        conn.close()

    assert orphan_deliveries == 0
    assert dict(deliveries) == {target: len(messages) for target in TARGETS}
    # Every message the child saw stored is there, whole, with the bytes it wrote.
    assert set(reported) <= set(messages)
    for message_id, (body, photo_file, voice_file) in messages.items():
        for kind, name in (("photo", photo_file), ("voice", voice_file)):
            data = (media / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == body[kind]["sha256"], (message_id, kind)
            assert len(data) == body[kind]["bytes"] == 100 * 1024
        if message_id in reported:
            assert reported[message_id] == (body["photo"]["sha256"], body["voice"]["sha256"])

    with Outbox(data_dir, recover=False) as box:
        report = box.recover()
    assert not report.skipped
    assert report.missing_media == ()
    referenced = {
        name for _, photo_file, voice_file in messages.values() for name in (photo_file, voice_file)
    }
    on_disk = {path.name for path in media.iterdir()}
    assert on_disk == referenced
    assert not [name for name in on_disk if re.search(r"\.tmp$", name)]
