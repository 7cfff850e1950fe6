"""The whole contract from outside: Schemathesis against a live ``kiosk-manager serve``.

Schemathesis generates requests from manager-api.yaml, valid and invalid,
and checks every answer: never a server error, only the documented status
codes, content types, headers and response schemas. Terminal operations
carry a real terminal's token, the export operations a real user's.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from support.contracts import load_manager_api
from support.manager_live import LiveManager

#: Generated requests against a live server: tens of seconds.
pytestmark = pytest.mark.slow

#: Examples per operation: enough to reach every branch of the checks, in about a minute.
EXAMPLES = 40


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemathesis")
    with LiveManager(folder / "manager", workers=2) as manager:
        terminal_token = manager.add_terminal("rome-01", "Trattoria Roma", folder / "token")
        user_token = manager.user_token("boss", admin=True)
        yield manager, terminal_token, user_token
    assert "Traceback" not in manager.output(), manager.output()


# Read as the contract stands; the live server's address is given per call.
schema = schemathesis.openapi.from_dict(load_manager_api())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_the_live_manager_keeps_the_contract(case, live):
    manager, terminal_token, user_token = live
    token = user_token if "/export/" in case.path else terminal_token
    excluded = []
    if case.path == "/v1/messages":
        # The key must equal message.id: a generator cannot know that, so it is
        # made so here, and the checks go past it into the message itself.
        message = case.body.get("message") if isinstance(case.body, dict) else None
        if isinstance(message, dict) and isinstance(message.get("id"), str):
            case.headers = {**(case.headers or {}), "Idempotency-Key": message["id"]}
        # A schema-valid message is still refused when its media do not match
        # its sha256 or it names another terminal: cross-field rules no schema
        # states. Acceptance is tested with real messages in test_api_messages.py.
        excluded.append(positive_data_acceptance)
    headers = {"Authorization": f"Bearer {token}"}
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
        if "Authorization" not in (case.headers or {}):
            # The case leaves the credentials out on purpose: the answer must be a refusal,
            # so the token is not added back.
            headers = {}
    case.call_and_validate(headers=headers, base_url=manager.url, excluded_checks=excluded)
    assert manager.alive()
