"""Fixtures every test package shares: the contracts the project implements."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

# The real audio path (PulseAudio null sink, espeak-ng) for device and UI tests.
from signal_paths import pulse, speech_wav  # noqa: F401

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = PROJECT_ROOT.parent / "shared" / "contracts"


def load_manager_api() -> dict:
    path = CONTRACTS / "manager-api.yaml"
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests check messages against the shared "
                    "contracts, which live beside this repository in ../shared")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


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
