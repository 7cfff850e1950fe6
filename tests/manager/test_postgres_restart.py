"""A PostgreSQL restart under a live manager: no message acknowledged and lost, service back at once.

The manager keeps its connections across requests without a health check
before each one (manager/settings.py): a connection the restarted server
closed fails the one request that meets it, with a 5xx the terminal
retries, and is replaced for the next.
"""

from __future__ import annotations

import httpx
import pytest

from support.manager_live import LiveManager
from support.manager_messages import BOUNDARY, message, message_parts, multipart
from support.postgres import Cluster

#: A cluster of its own (the shared one must not restart under other tests), and a server.
pytestmark = pytest.mark.slow

WORKERS = 2


def post(manager: LiveManager, token: str) -> tuple[str, int]:
    sent = message("rome-01")
    response = httpx.post(
        f"{manager.url}/v1/messages",
        content=multipart(message_parts(sent)),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Idempotency-Key": sent["id"],
        },
        timeout=60,
    )
    return sent["id"], response.status_code


def test_a_restart_fails_at_most_one_request_per_worker_and_loses_nothing(tmp_path):
    cluster = Cluster().start()
    try:
        env = {"DATABASE_URL": cluster.url}
        with LiveManager(tmp_path / "manager", workers=WORKERS, env=env) as manager:
            token = manager.add_terminal("rome-01", "Trattoria Roma", tmp_path / "token")
            reader = manager.user_token("boss", admin=True)
            # Every worker holds an open connection before the restart.
            acknowledged = [post(manager, token) for _ in range(4 * WORKERS)]
            cluster.restart()
            after = [post(manager, token) for _ in range(4 * WORKERS)]
            acknowledged += after
            # And what comes next is stored again.
            acknowledged += [post(manager, token) for _ in range(WORKERS)]
            stored = httpx.get(
                f"{manager.url}/v1/export/messages?limit=1000",
                headers={"Authorization": f"Bearer {reader}"},
                timeout=60,
            ).json()
    finally:
        cluster.stop()
    failed = [status for _, status in after if status != 201]
    # One failure at most per worker, whose next request connects again; a 5xx, which
    # the terminal retries (a 4xx would make it give the message up).
    assert len(failed) <= WORKERS, after
    assert all(status >= 500 for status in failed), after
    assert [status for _, status in acknowledged[-WORKERS:]] == [201] * WORKERS
    stored_ids = {item["message"]["id"] for item in stored["items"]}
    assert {id_ for id_, status in acknowledged if status == 201} == stored_ids
