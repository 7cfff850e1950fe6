"""The shape of the code: package directions, Kivy in one package, no import cycles.

Read from the sources (every ``import``, at module level or inside a
function), so that a lazy import cannot hide a wrong direction.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kiosk", "sync", "dialog_config", "reports", "manager")
#: What each package may import of the others (README: the folders; the architecture notes).
ALLOWED = {
    "dialog_config": set(),
    "reports": {"dialog_config"},
    "sync": {"dialog_config"},
    "kiosk": {"sync", "reports", "dialog_config"},
    "manager": {"reports", "dialog_config"},
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, *, top_level_only: bool = False) -> set[str]:
    """The absolute names ``name`` imports (``from . import x`` resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            if node.module:  # ``from . import x`` imports x, not the package's own names
                found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


MODULES = modules()


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_what_its_direction_allows(package):
    wrong = []
    for name, path in MODULES.items():
        if name.split(".")[0] != package:
            continue
        for imported in imports_of(name, path):
            top = imported.split(".")[0]
            if top in PACKAGES and top != package and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_only_kiosk_ui_imports_kivy():
    wrong = [
        f"{path.relative_to(ROOT)}"
        for name, path in MODULES.items()
        if not name.startswith("kiosk.ui")
        and any(i.split(".")[0] == "kivy" for i in imports_of(name, path))
    ]
    assert not wrong, f"Kivy is imported outside kiosk/ui: {wrong}"


def cycles_in(graph: dict[str, set[str]]) -> list[str]:
    """Each cycle found by a depth-first walk, as ``a -> b -> a``."""
    found = []
    done: set[str] = set()
    stack: list[str] = []

    def visit(node: str) -> None:
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt in stack:
                found.append(" -> ".join(stack[stack.index(nxt) :] + [nxt]))
            elif nxt not in done:
                visit(nxt)
        stack.pop()
        done.add(node)

    for name in sorted(graph):
        if name not in done:
            visit(name)
    return found


def test_the_cycle_finder_finds_cycles():
    assert cycles_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a -> b -> c -> a"]
    assert cycles_in({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    """Module-level imports only: a cycle there breaks whichever is imported first."""
    graph = {
        name: {i for i in imports_of(name, path, top_level_only=True) if i in MODULES} - {name}
        for name, path in MODULES.items()
    }
    cycles = cycles_in(graph)
    assert not cycles, "\n".join(cycles)


def test_the_checks_see_the_code():
    """Not idle: the packages are found and their imports read."""
    assert "kiosk.ui.app" in MODULES and "sync.outbox.core" in MODULES
    assert "kivy.app" in imports_of("kiosk.ui.app", MODULES["kiosk.ui.app"])
    assert "kiosk.flow" in imports_of("kiosk.ui.app", MODULES["kiosk.ui.app"])


#: What only tests may hold: the UI tests' probe and the file it takes commands from.
TEST_HOOKS = ("KIOSK_TEST_PROBE", "control.json", "probe_from_environment")


def test_the_product_holds_no_test_probe():
    """The probe moves the app's clock and makes the flow fail on command: it lives in
    tests/support/, and nothing installed reads its variable or its control file."""
    found = [
        f"{path.relative_to(ROOT)} mentions {hook}"
        for path in MODULES.values()
        for hook in TEST_HOOKS
        if hook in path.read_text(encoding="utf-8")
    ]
    found += [
        f"{path.relative_to(ROOT)} is a probe"
        for name, path in MODULES.items()
        if name.rpartition(".")[2] == "probe"
    ]
    found += [
        f"{path.relative_to(ROOT)} imports {imported}"
        for name, path in MODULES.items()
        for imported in imports_of(name, path)
        if imported.split(".")[0] == "support"
    ]
    assert not found, "\n".join(found)
    # Not idle: the probe is where the tests start the app with it.
    probe = ROOT / "tests" / "support" / "probe.py"
    assert "control.json" in probe.read_text(encoding="utf-8")
