"""The manager validates with the contract's own schemas, shipped inside the package."""

import json

from manager.api.ingest import SCHEMAS_PATH
from support.contracts import load_manager_api


def test_the_shipped_schemas_are_the_contracts():
    shipped = json.loads(SCHEMAS_PATH.read_text(encoding="utf-8"))["components"]["schemas"]
    assert shipped == load_manager_api()["components"]["schemas"], (
        "manager/api/schemas.json differs from docs/contracts/manager-api.yaml; copy the "
        "contract's components/schemas into it"
    )
