"""Fixtures every test package shares: the contracts the project implements."""

from __future__ import annotations

import copy

import pytest

from contracts import load_manager_api
# The real audio path (PulseAudio null sink, espeak-ng) for device and UI tests.
from signal_paths import pulse, speech_wav  # noqa: F401


@pytest.fixture(scope="session")
def manager_api() -> dict:
    return load_manager_api()


@pytest.fixture(scope="session")
def message_validator(manager_api):
    """A JSON Schema validator for the manager API's ``Message``, refs resolved in place."""
    from jsonschema import Draft202012Validator

    schema = copy.deepcopy(manager_api)
    schema["$ref"] = "#/components/schemas/Message"
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
