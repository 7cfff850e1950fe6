"""The reports package stands on dialog_config alone: the manager, which has neither
the terminal (kiosk) nor its outbox (sync), makes its reports with it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import reports

PACKAGE_DIR = Path(reports.__file__).resolve().parent
FORBIDDEN = ("kiosk", "sync")

#: Imports every module of the package, then makes a whole report (workbook and CSV),
#: so that imports done inside functions count too; prints what got imported.
MAKE_A_REPORT = """
import datetime, json, pkgutil, sys, tempfile, importlib
from pathlib import Path
import reports
for module in pkgutil.walk_packages(reports.__path__, "reports."):
    importlib.import_module(module.name)
from dialog_config import DEFAULT_DIALOG, load_dialog
tz, name = reports.resolve_timezone("Europe/Rome")
period = reports.Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), tz, name)
message = {"created_at": "2026-03-10T12:00:00.000+01:00", "site": "s", "terminal_id": "t",
           "locale": "ru", "rating": {"kind": "smileys", "value": 4, "scale": 4},
           "text": "Cold soup", "voice": None, "photo": None,
           "callback": {"name": "Anna", "phone": "+393331234567"},
           "path": [{"level": "topic", "id": "food", "label": "Food"}]}
sheets = reports.layout(reports.collect([message], period, dialog=load_dialog(DEFAULT_DIALOG)))
folder = Path(tempfile.mkdtemp())
reports.write_xlsx(sheets, folder / "r.xlsx")
written = reports.write_csv(sheets, folder / "csv")
print(json.dumps({"modules": sorted(sys.modules), "csv": len(written)}))
"""


def top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_of_the_package_names_kiosk_or_sync():
    sources = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(sources) > 5
    offending = {
        str(path.relative_to(PACKAGE_DIR)): sorted(top_level_imports(path) & set(FORBIDDEN))
        for path in sources
    }
    assert not {path: names for path, names in offending.items() if names}


def test_making_a_report_loads_neither_kiosk_nor_sync():
    result = subprocess.run(
        [sys.executable, "-c", MAKE_A_REPORT],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome["csv"] == 4
    assert "reports.xlsx" in outcome["modules"] and "openpyxl" in outcome["modules"]
    loaded = [name for name in outcome["modules"] if name.split(".")[0] in FORBIDDEN]
    assert not loaded, f"reports pulled in {loaded}"
