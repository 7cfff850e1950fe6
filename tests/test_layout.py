"""The test suite's own layout: helpers in tests/support, no test importing a test, no sys.path edits.

Read from the sources (every import statement, top-level or inside a
function), so that a shortcut shows up here rather than as a test that
only passes in one order or from one folder.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
#: Folders of tests/ whose modules are imported as packages (tests/ is on the path).
PACKAGES = ("support", "benchmarks")
#: The one module that may set sys.path: run.py is a script, started without pytest's path.
PATH_SETTERS = {TESTS / "benchmarks" / "run.py"}


def python_files() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts)


def modules_of_tests() -> list[Path]:
    return [path for path in python_files() if path.name.startswith("test_")]


def imported_names(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module name) of every absolute import in ``path``; relative ones as ``.``."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.append((node.lineno, "." * node.level + (node.module or "")))
            else:
                names.append((node.lineno, node.module))
                # ``from support import harness`` imports the module support.harness.
                names += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return names


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(TESTS.parent)}:{line}"


def test_no_test_module_imports_another_test_module():
    test_names = {path.stem for path in modules_of_tests()}
    found = [
        f"{where(path, line)}: imports {name}"
        for path in modules_of_tests()
        for line, name in imported_names(path)
        if name.startswith(".") or name.rsplit(".", 1)[-1] in test_names
    ]
    assert found == [], (
        "move what tests share into tests/support (fixtures into a "
        "conftest.py):\n" + "\n".join(found)
    )


def test_what_several_folders_use_lives_in_tests_support():
    """A module beside the tests serves its own folder only; what is shared is in support."""
    beside = {
        path.stem: path.parent
        for path in python_files()
        if path.parent.name not in PACKAGES
        and path.parent != TESTS
        and not path.name.startswith(("test_", "conftest"))
    }
    found = [
        f"{where(path, line)}: imports {name} from {beside[name].relative_to(TESTS.parent)}"
        for path in python_files()
        for line, name in imported_names(path)
        if name in beside and beside[name] != path.parent
    ]
    assert found == [], (
        "move the module into tests/support and import it as support.<name>:\n" + "\n".join(found)
    )


def test_no_module_of_the_tests_edits_sys_path():
    found = []
    for path in python_files():
        if path in PATH_SETTERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "path"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ):
                found.append(where(path, node.lineno))
    assert found == [], (
        "tests/ is on the path by setup.cfg (pythonpath = tests); import "
        "helpers as support.<name> instead of editing sys.path:\n" + "\n".join(found)
    )


def test_the_support_package_is_where_the_path_says():
    import support

    assert Path(support.__file__).resolve().parent == TESTS / "support"
