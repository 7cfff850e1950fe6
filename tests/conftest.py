"""What every test package shares: the contracts, the real audio path, and the tiers.

Tests under ``tests/ui`` are marked ``ui`` (the real app under Xvfb) and those
under ``tests/system`` ``system`` (a Debian root, systemd tools), here rather
than in each file; ``slow`` is marked where a test is, for what takes seconds.
``make test`` runs every tier, ``make test-fast`` all but these three.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.contracts import load_manager_api
from support.signal_paths import Pulse, pulse_server, write_speech


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


# The real audio path (PulseAudio null sink, espeak-ng) for device and UI tests.


@pytest.fixture(scope="module")
def pulse(tmp_path_factory) -> Iterator[Pulse]:
    """Per test module, so no sound server idles on while other packages' tests run."""
    with pulse_server(tmp_path_factory.mktemp("pulse")) as server:
        yield server


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory) -> Path:
    """espeak-ng speech as a WAV file (22 050 Hz mono)."""
    return write_speech(tmp_path_factory.mktemp("speech") / "speech.wav")


#: Folders whose every test carries a tier marker.
FOLDER_MARKERS = {"ui": "ui", "system": "system", "image": "image"}
TESTS_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        folder = Path(item.fspath).resolve().relative_to(TESTS_DIR).parts[0]
        if folder in FOLDER_MARKERS:
            item.add_marker(FOLDER_MARKERS[folder])
