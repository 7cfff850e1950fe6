"""Every action a screen names exists: a misspelt one fails here, not under a visitor's finger.

The screens (``kiosk/ui/screens/*.kv`` and ``*.py``) call the flow through the
app, ``app.act(app.flow.send)``, and the app and the screen itself by
method. Python finds a wrong name only when the button is tapped, so this
reads the kv rules and the screens' source (without Kivy, which would open
a window) and checks each name against the classes that must have it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dialog_config import DEFAULT_DIALOG, load_dialog
from kiosk.flow import Flow

UI = Path(__file__).resolve().parents[2] / "kiosk" / "ui"
SCREENS = UI / "screens"
KV_FILES = sorted(SCREENS.glob("*.kv")) + sorted((UI / "widgets").glob("*.kv"))
SCREEN_MODULES = sorted(SCREENS.glob("*.py"))
#: Modules whose classes are kv rules' roots.
CLASS_MODULES = [*SCREEN_MODULES, *sorted((UI / "widgets").glob("*.py"))]

RULE = re.compile(r"<(?P<name>\w+)(?:@(?P<base>[\w+]+))?>:\s*$")
DECLARATION = re.compile(r"\s+[A-Z]\w*:\s*$")
PROPERTY = re.compile(r"\s+(?P<key>[\w.]+):\s*(?P<value>.*)$")
#: What every Kivy screen has from Kivy itself, as kv rules read it from ``root``.
KIVY_SCREEN_NAMES = {
    "width",
    "height",
    "size",
    "pos",
    "x",
    "y",
    "center_x",
    "center_y",
    "right",
    "top",
    "ids",
    "name",
    "manager",
    "parent",
    "opacity",
    "disabled",
}


def class_names(modules: list[Path]) -> dict[str, tuple[set[str], list[str]]]:
    """Per class: the names it defines (methods, class attributes, ``self.x =``) and its bases."""
    classes = {}
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            names: set[str] = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(item.name)
                elif isinstance(item, ast.Assign):
                    names.update(t.id for t in item.targets if isinstance(t, ast.Name))
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
            for inner in ast.walk(node):
                targets = (
                    inner.targets
                    if isinstance(inner, ast.Assign)
                    else [inner.target]
                    if isinstance(inner, ast.AnnAssign)
                    else []
                )
                names.update(
                    t.attr
                    for t in targets
                    if isinstance(t, ast.Attribute)
                    and isinstance(t.value, ast.Name)
                    and t.value.id == "self"
                )
            bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
            classes[node.name] = (names, bases)
    return classes


def defined_on(classes, name: str) -> set[str]:
    """What ``name`` and its bases among ``classes`` define (Kivy's own bases add nothing)."""
    if name not in classes:
        return set()
    names, bases = classes[name]
    return names.union(*(defined_on(classes, base) for base in bases))


@pytest.fixture(scope="module")
def flow() -> Flow:
    return Flow(load_dialog(DEFAULT_DIALOG), terminal_id="t", site="", submit=lambda _s: None)


@pytest.fixture(scope="module")
def app_names() -> set[str]:
    return defined_on(class_names([UI / "app.py"]), "KioskApp")


@pytest.fixture(scope="module")
def screen_classes():
    return class_names(CLASS_MODULES)


def attribute_chain(node: ast.AST) -> list[str]:
    """``app.flow.send`` → ``["app", "flow", "send"]``; [] for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) else []


def flow_action_problem(flow: Flow, action: ast.AST, flow_path: list[str]) -> str | None:
    """Why ``action`` (the first argument of ``act``) is not one of the flow's methods."""
    chain = attribute_chain(action)
    if chain[:-1] != flow_path or len(chain) != len(flow_path) + 1:
        return (
            f"act() takes the flow's method itself, like "
            f"{'.'.join([*flow_path, 'send'])}, not {ast.unparse(action)}"
        )
    name = chain[-1]
    if name.startswith("_") or not callable(getattr(flow, name, None)):
        return f"{ast.unparse(action)}: the flow has no action {name!r}"
    return None


def kv_problems(text: str, *, flow: Flow, app_names: set[str], screen_classes) -> list[str]:
    """Every name in kv ``text`` that its object does not have, as ``line: problem``."""
    problems = []
    root = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        rule = RULE.match(line)
        if rule:
            root = rule["name"] if rule["base"] is None else None  # dynamic classes: Kivy's
            continue
        if DECLARATION.match(line):
            continue
        match = PROPERTY.match(line)
        if match is None:
            problems.append(f"{number}: not a line this test understands: {stripped!r}")
            continue
        if not match["value"]:
            continue  # canvas.before: and the like
        try:
            tree = ast.parse(match["value"], mode="eval")
        except SyntaxError:
            problems.append(f"{number}: not a Python expression: {match['value']!r}")
            continue
        problems.extend(
            f"{number}: {p}"
            for p in expression_problems(
                tree,
                flow=flow,
                app_names=app_names,
                root_names=(
                    defined_on(screen_classes, root) | KIVY_SCREEN_NAMES
                    if root in screen_classes
                    else None
                ),
            )
        )
    return problems


def expression_problems(tree, *, flow, app_names, root_names) -> list[str]:
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and attribute_chain(node.func) == ["app", "act"]:
            problem = (
                flow_action_problem(flow, node.args[0], ["app", "flow"])
                if node.args
                else "app.act() without an action"
            )
            if problem:
                problems.append(problem)
        chain = attribute_chain(node) if isinstance(node, ast.Attribute) else []
        if chain[:2] == ["app", "flow"] and len(chain) > 2 and not hasattr(flow, chain[2]):
            problems.append(f"{'.'.join(chain[:3])}: the flow has no {chain[2]!r}")
        elif len(chain) == 2 and chain[0] == "app" and chain[1] not in app_names:
            problems.append(f"app.{chain[1]}: the app has no {chain[1]!r}")
        elif (
            len(chain) == 2
            and chain[0] == "root"
            and root_names is not None
            and chain[1] not in root_names
        ):
            problems.append(f"root.{chain[1]}: the screen has no {chain[1]!r}")
    return problems


def screen_py_problems(source: str, *, flow: Flow, app_names: set[str]) -> list[str]:
    """The same for a screen module: ``self.kiosk`` (or ``kiosk``) is the app, ``flow`` the flow."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and attribute_chain(node.func)[-1:] == ["act"]:
            owner = attribute_chain(node.func)[:-1]
            problem = (
                flow_action_problem(flow, node.args[0], [*owner, "flow"])
                if node.args
                else "act() without an action"
            )
            if problem:
                problems.append(f"{node.lineno}: {problem}")
        if not isinstance(node, ast.Attribute):
            continue
        chain = attribute_chain(node)
        for app_path in (["self", "kiosk"], ["kiosk"]):
            size = len(app_path)
            if chain[:size] == app_path and len(chain) > size:
                name = chain[size]
                if name not in app_names:
                    problems.append(
                        f"{node.lineno}: {'.'.join(chain[: size + 1])}: the app has no {name!r}"
                    )
                elif (
                    name == "flow" and len(chain) > size + 1 and not hasattr(flow, chain[size + 1])
                ):
                    problems.append(
                        f"{node.lineno}: {'.'.join(chain[: size + 2])}: the flow "
                        f"has no {chain[size + 1]!r}"
                    )
        if chain[:1] == ["flow"] and len(chain) == 2 and not hasattr(flow, chain[1]):
            problems.append(f"{node.lineno}: flow.{chain[1]}: the flow has no {chain[1]!r}")
    return sorted(set(problems))


@pytest.mark.parametrize("kv", KV_FILES, ids=lambda p: p.name)
def test_every_name_in_a_kv_file_exists(kv, flow, app_names, screen_classes):
    assert (
        kv_problems(
            kv.read_text(encoding="utf-8"),
            flow=flow,
            app_names=app_names,
            screen_classes=screen_classes,
        )
        == []
    )


@pytest.mark.parametrize("module", SCREEN_MODULES, ids=lambda p: p.name)
def test_every_action_in_a_screen_module_exists(module, flow, app_names):
    assert (
        screen_py_problems(module.read_text(encoding="utf-8"), flow=flow, app_names=app_names) == []
    )


def test_the_screens_call_the_flow_through_the_app():
    """The checks above are not idle: the kv files and screens do call the flow this way."""
    kv_calls = sum(kv.read_text(encoding="utf-8").count("app.act(app.flow.") for kv in KV_FILES)
    py_calls = [
        ast.unparse(node.args[0])
        for module in SCREEN_MODULES
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and attribute_chain(node.func)[-1:] == ["act"]
    ]
    assert kv_calls >= 20
    assert len(py_calls) >= 9 and all(call.startswith("self.kiosk.flow.") for call in py_calls)


KV_WITH_MISTAKES = """\
<ChoiceScreen>:
    BoxLayout:
        KioskButton:
            on_release: app.act(app.flow.finsh_choice)
        KioskButton:
            on_release: app.act("cancel")
        KioskButton:
            on_release: app.close_operatr()
        KioskButton:
            on_release: root.refreshh()
            on_press:
                app.act(app.flow.back)
"""

PY_WITH_MISTAKES = """\
class S:
    def tap(self):
        self.kiosk.act(self.kiosk.flow.chose, 1, "food")
        kiosk = self.kiosk
        kiosk.act("send")
        kiosk.flow.visit.pth
        self.kiosk.flow.lenguage
        self.kiosk.opn_operator()
"""


def test_a_misspelt_name_is_caught(flow, app_names, screen_classes):
    assert kv_problems(
        KV_WITH_MISTAKES, flow=flow, app_names=app_names, screen_classes=screen_classes
    ) == [
        "4: app.flow.finsh_choice: the flow has no action 'finsh_choice'",
        "4: app.flow.finsh_choice: the flow has no 'finsh_choice'",
        "6: act() takes the flow's method itself, like app.flow.send, not 'cancel'",
        "8: app.close_operatr: the app has no 'close_operatr'",
        "10: root.refreshh: the screen has no 'refreshh'",
        "12: not a line this test understands: 'app.act(app.flow.back)'",
    ]
    assert screen_py_problems(PY_WITH_MISTAKES, flow=flow, app_names=app_names) == sorted(
        [
            "3: self.kiosk.flow.chose: the flow has no action 'chose'",
            "3: self.kiosk.flow.chose: the flow has no 'chose'",
            "5: act() takes the flow's method itself, like kiosk.flow.send, not 'send'",
            "7: self.kiosk.flow.lenguage: the flow has no 'lenguage'",
            "8: self.kiosk.opn_operator: the app has no 'opn_operator'",
        ]
    )
