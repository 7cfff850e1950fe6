"""The shared contracts the project implements, read as the tests need them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = PROJECT_ROOT.parent / "shared" / "contracts"


def load_manager_api() -> dict:
    """manager-api.yaml as a JSON Schema validator needs it.

    The contract writes the device states' enum as ``[ok, missing, error,
    off]``; YAML 1.1 (PyYAML) reads the bare ``off`` as ``false``, so a
    terminal sending ``"off"`` would be refused. The contract means the
    string, as a YAML 1.2 reader takes it; it is read that way here.
    """
    path = CONTRACTS / "manager-api.yaml"
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests check messages against the shared "
                    "contracts, which live beside this repository in ../shared")
    api = yaml.safe_load(path.read_text(encoding="utf-8"))
    status = api["components"]["schemas"]["Status"]["properties"]
    for device in ("camera", "microphone"):
        status[device]["enum"] = ["off" if v is False else v for v in status[device]["enum"]]
    return api
