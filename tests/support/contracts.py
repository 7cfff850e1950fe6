"""The contracts the project implements (docs/contracts/), read as the tests need them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = PROJECT_ROOT / "docs" / "contracts"


def load_manager_api() -> dict:
    """manager-api.yaml as a JSON Schema validator needs it."""
    return yaml.safe_load((CONTRACTS / "manager-api.yaml").read_text(encoding="utf-8"))


def contract_block(name: str, language: str) -> str:
    """The first fenced ``language`` block of a contract document, as written there."""
    text = (CONTRACTS / name).read_text(encoding="utf-8")
    found = re.search(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert found, f"{CONTRACTS / name} has no ```{language} block"
    return found.group(1)


def contract_commands() -> list[str]:
    """The subcommands the terminal-interface contract's command table names."""
    text = (CONTRACTS / "terminal-interface.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `kiosk (\w+)[^`]*` \|", text, re.MULTILINE)
