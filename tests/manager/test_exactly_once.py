"""Exactly once under concurrency: 8 processes post the same 2,000 messages, each 3 times."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx
import pytest

from support.manager_live import PROJECT_ROOT, LiveManager

#: 8 processes post 2,000 messages 3 times each, on two databases: minutes.
pytestmark = pytest.mark.slow

PROCESSES = 8
MESSAGES = 2000
COPIES = 3
HERE = Path(__file__).resolve().parent


def stored_ids(manager, reader) -> list[str]:
    ids, url = [], f"{manager.url}/v1/export/messages?limit=1000"
    while url:
        page = httpx.get(url, headers={"Authorization": f"Bearer {reader}"}, timeout=60).json()
        ids += [item["message"]["id"] for item in page["items"]]
        url = page["next"]
    return ids


def post_concurrently(manager, token_file: Path, folder: Path) -> Counter:
    go = folder / "go"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), str(HERE.parent)]))
    posters = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "support.manager_poster",
                manager.url,
                str(token_file),
                str(index),
                str(PROCESSES),
                str(MESSAGES),
                str(COPIES),
                str(go),
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for index in range(PROCESSES)
    ]
    go.touch()
    totals: Counter = Counter()
    for poster in posters:
        out, _ = poster.communicate(timeout=900)
        assert poster.returncode == 0
        totals.update({int(k): v for k, v in json.loads(out).items()})
    return totals


@pytest.fixture(params=["sqlite", "postgresql"])
def database_env(request):
    if request.param == "sqlite":
        return {}
    return {
        "DATABASE_URL": request.getfixturevalue("postgres_cluster").create_database("exactly_once")
    }


def test_every_message_is_stored_exactly_once(tmp_path, database_env):
    with LiveManager(tmp_path / "manager", workers=4, env=database_env) as manager:
        assert f"{'postgresql' if database_env else 'sqlite'} " in manager.run("check").stdout
        token_file = tmp_path / "token"
        manager.add_terminal("rome-01", "Trattoria Roma", token_file)
        reader = manager.user_token("boss", admin=True)
        totals = post_concurrently(manager, token_file, tmp_path)
        ids = stored_ids(manager, reader)
    assert totals == Counter({201: MESSAGES, 200: MESSAGES * (COPIES - 1)})
    assert len(ids) == len(set(ids)) == MESSAGES
    assert "Traceback" not in manager.output()
