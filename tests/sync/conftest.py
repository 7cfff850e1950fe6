"""Shared fixtures for the outbox tests: a real outbox in a temporary directory."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support.visits import salty_food
from sync.outbox import Outbox

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HELPERS = Path(__file__).resolve().parent


def sample_message(**overrides: Any) -> dict[str, Any]:
    """A valid Message body, less what the outbox fills in."""
    return salty_food(
        **{
            "site": "Trattoria Roma, Via Nazionale",
            "dialog": {"version": 3, "sha256": "a" * 64},
            "alert": False,
            **overrides,
        }
    )


@pytest.fixture
def make_message() -> Callable[..., dict[str, Any]]:
    return sample_message


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "kiosk"


@pytest.fixture
def box(data_dir: Path) -> Iterator[Outbox]:
    with Outbox(data_dir, reserve_bytes=0) as outbox:
        yield outbox


@pytest.fixture
def helper_command() -> Callable[..., list[str]]:
    """The command line running a helper script of this directory in a fresh interpreter."""

    def command(script: str, *args: str) -> list[str]:
        return [sys.executable, str(HELPERS / script), *args]

    return command


@pytest.fixture
def helper_env() -> dict[str, str]:
    """The environment for helper processes: the project importable, nothing else changed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


# ---------------------------------------------------------------- delivery fixtures

TOKEN = "test-token-3f9a"


@pytest.fixture(scope="session")
def test_ca():
    """A CA made for this test run, and a certificate from it for 127.0.0.1 and localhost."""
    import trustme

    return trustme.CA()


@pytest.fixture(scope="session")
def server_cert(test_ca):
    return test_ca.issue_cert("127.0.0.1", "localhost")


@pytest.fixture
def ca_file(test_ca, tmp_path: Path) -> Path:
    path = tmp_path / "test-ca.pem"
    test_ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def manager_server():
    from support.manager_server import ManagerServer

    with ManagerServer(TOKEN) as server:
        yield server
    assert server.errors == [], "requests broke the manager API contract"


@pytest.fixture
def manager_target_factory():
    """ManagerTargets with short timeouts, closed after the test."""
    from sync.targets.manager import ManagerTarget

    made = []

    def make(url: str, token: str = TOKEN, **kwargs: Any) -> ManagerTarget:
        kwargs.setdefault("connect_timeout_s", 2.0)
        kwargs.setdefault("read_timeout_s", 2.0)
        target = ManagerTarget(url, token, "rome-01", **kwargs)
        made.append(target)
        return target

    yield make
    for target in made:
        target.close()
