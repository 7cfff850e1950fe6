"""``schema.json`` and the validator agree: what one accepts the other accepts.

The schema serves editors (completion and early red squiggles); the validator
is the final word. Every valid dialog passes both; every file of the invalid
corpus fails both, except the few whose mistake a JSON Schema cannot see,
listed in ``SCHEMA_CANNOT_JUDGE`` with the reason. A file that is not YAML
at all fails the schema step at loading.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from dialog_config import EXAMPLES_DIR, SCHEMA_PATH, check_dialog
from dialog_config.texts import SCREEN_TEXTS

HERE = Path(__file__).resolve().parent
INVALID_DIR = HERE / "invalid"
VALID_DIR = HERE / "valid"

#: Corpus files that break a rule a JSON Schema cannot express, and why.
SCHEMA_CANNOT_JUDGE = {
    "duplicate_key.yaml": "a YAML loader keeps the last of two equal keys; a schema sees one",
    "duplicate_top_key.yaml": "a YAML loader keeps the last of two equal keys; a schema sees one",
    "id_duplicate_siblings.yaml": "uniqueness of one property among array items "
    "(uniqueItems compares whole items)",
    "icon_missing.yaml": "whether a file exists on disk",
    "icon_not_image.yaml": "what a file on disk holds",
    "label_unknown_language.yaml": "label codes must be among `languages`: a value elsewhere "
    "in the document",
    "version_float.yaml": "JSON Schema counts 1.0 as the integer 1",
}

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
VALID = EXAMPLES + sorted(VALID_DIR.glob("*.yaml"))
INVALID = sorted(INVALID_DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(validator, path: Path) -> list[str]:
    """The schema's complaints about a file; YAML that does not load is one."""
    try:
        data = yaml.safe_load(path.read_bytes())
    except (yaml.YAMLError, ValueError) as exc:
        # ValueError: PyYAML's constructors raise it for a tag that does not
        # fit its value (``!!int one``).
        return [f"not YAML: {exc}"]
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]


def validator_errors(path: Path) -> list[str]:
    result = check_dialog(path.read_bytes(), file=path.name, base_dir=path.parent)
    return [str(p) for p in result.errors]


def test_the_examples_exist():
    names = {path.name for path in EXAMPLES}
    assert names, f"no example dialogs in {EXAMPLES_DIR}"
    assert "restaurant.yaml" in names, "DEFAULT_DIALOG is examples/restaurant.yaml"


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_valid_dialog_passes_the_validator_and_the_schema(validator, path):
    assert validator_errors(path) == []
    assert schema_errors(validator, path) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_an_invalid_dialog_fails_the_validator(path):
    assert validator_errors(path)


@pytest.mark.parametrize(
    "path", [p for p in INVALID if p.name not in SCHEMA_CANNOT_JUDGE], ids=lambda p: p.name
)
def test_an_invalid_dialog_fails_the_schema(validator, path):
    assert schema_errors(validator, path)


@pytest.mark.parametrize("name", sorted(SCHEMA_CANNOT_JUDGE))
def test_what_the_schema_cannot_judge_it_passes_and_the_validator_catches(validator, name):
    path = INVALID_DIR / name
    assert path.exists(), f"{name} is listed but not in the corpus"
    assert schema_errors(validator, path) == [], f"{name} need not be listed"
    assert validator_errors(path)


def test_the_schema_is_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_texts_are_the_built_in_screen_texts(schema):
    texts = schema["properties"]["texts"]
    assert list(texts["properties"]) == list(SCREEN_TEXTS)
    assert texts["additionalProperties"] is False
    for name, screen_text in SCREEN_TEXTS.items():
        description = texts["properties"][name]["description"]
        assert description.startswith(screen_text.description), name
        assert screen_text.english in description, name


def _objects(node, where="#"):
    """Every schema object in the tree, with where it is."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{where}/{index}")


def test_every_key_is_described_and_no_mapping_is_open(schema):
    for where, node in _objects(schema):
        if "/if/" in where:
            continue  # a condition, not a place where an operator writes keys
        if where.endswith("/properties"):
            for key, value in node.items():
                assert isinstance(value.get("description"), str) and value["description"], (
                    f"{where}/{key} has no description"
                )
        if node.get("type") == "object" and not where.endswith("/properties"):
            # A label map is open to any language code but constrains each value.
            assert "additionalProperties" in node, f"{where} lets any key through"
            if "propertyNames" not in node:
                assert node["additionalProperties"] is False, where


def test_the_schema_file_is_formatted_with_two_spaces():
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
