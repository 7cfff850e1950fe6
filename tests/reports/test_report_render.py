"""The workbook opens in LibreOffice: converted to PDF headless and rendered to PNG pages,
in the four languages of the examples (English, Russian, Korean, Italian).

Set KIOSK_REPORT_PAGES=DIR to keep the rendered pages for a look.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from dialog_config import EXAMPLES_DIR, load_dialog
from kiosk.cli import main
from support.report_data import FIRST, LAST, SITE, TERMINAL, TZ_NAME, make_message, message_times
from sync.outbox import Outbox

#: LibreOffice converts the workbooks: about 15 s.
pytestmark = pytest.mark.slow

PACKAGES = "libreoffice-calc poppler-utils fonts-noto-cjk"
INSTALL = f"apt-get install -y --no-install-recommends {PACKAGES}"
#: Words that must come out of each PDF as text: the title, a sheet's header, the charts' titles.
EXPECTED_TEXT = {
    "restaurant": (
        "Visitor feedback report",
        "Messages and score by week",
        "Most frequent choices",
        "Callback requested",
    ),
    "fitness_club": (
        "Отчёт по отзывам посетителей",
        "Сообщения и оценка по неделям",
        "Самые частые причины обращений",
        "Телефон",
    ),
    "clinic": ("방문객 의견 보고서", "주별 메시지 수와 점수", "가장 많이 선택된 항목", "전화번호"),
    "retail_store": (
        "Report sui feedback dei clienti",
        "Messaggi e punteggio per settimana",
        "Scelte più frequenti",
        "Telefono",
    ),
}


def tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        f"{names[0]} is missing: the report's rendering test needs it; install "
        f"with `{INSTALL}` (make test does)"
    )


def small_report(example: str, directory: Path) -> Path:
    """A report of 400 messages over an example dialog, in that dialog's language."""
    dialog = load_dialog(EXAMPLES_DIR / f"{example}.yaml")
    rng = random.Random(example)
    with Outbox(directory / "data", reserve_bytes=0) as box:
        for when in message_times(rng, 400):
            message, photo, voice = make_message(rng, dialog, when)
            box.add(message, photo=photo, voice=voice)
    settings = directory / "settings.yaml"
    settings.write_text(
        f'terminal_id: {TERMINAL}\nsite: "{SITE}"\ntimezone: {TZ_NAME}\n'
        f"dialog: {dialog.source or EXAMPLES_DIR / f'{example}.yaml'}\n"
        f"data_dir: {directory / 'data'}\n",
        encoding="utf-8",
    )
    xlsx = directory / f"{example}.xlsx"
    assert (
        main(
            [
                "report",
                "--settings",
                str(settings),
                "--from",
                FIRST.isoformat(),
                "--to",
                LAST.isoformat(),
                "--xlsx",
                str(xlsx),
            ]
        )
        == 0
    )
    return xlsx


def test_libreoffice_renders_every_sheet_chart_and_script(report_files, tmp_path):
    soffice = tool("libreoffice", "soffice")
    pdftoppm, pdftotext, pdffonts = tool("pdftoppm"), tool("pdftotext"), tool("pdffonts")
    fc_list = tool("fc-list")
    if not subprocess.run([fc_list, ":lang=ko"], capture_output=True, text=True).stdout.strip():
        pytest.fail(f"no font for Hangul: install fonts-noto-cjk (`{INSTALL}`)")

    books = {"restaurant": tmp_path / "restaurant.xlsx"}
    shutil.copy(report_files[0], books["restaurant"])
    for example in ("fitness_club", "clinic", "retail_store"):
        (tmp_path / example).mkdir()
        books[example] = small_report(example, tmp_path / example)
    pdf_dir = tmp_path / "pdf"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo_profile",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdf_dir),
            *map(str, books.values()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr

    keep = os.environ.get("KIOSK_REPORT_PAGES")
    for example, book in books.items():
        pdf = pdf_dir / f"{book.stem}.pdf"
        assert pdf.is_file() and pdf.stat().st_size > 10_000, (
            example,
            result.stdout,
            result.stderr,
        )
        text = subprocess.run(
            [pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for words in EXPECTED_TEXT[example]:
            assert words in text, f"{example}: {words!r} not rendered"
        fonts = subprocess.run(
            [pdffonts, str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        if example == "clinic":
            assert "CJK" in fonts, f"Hangul drawn without a CJK font:\n{fonts}"
        pages_dir = tmp_path / "pages" / example
        pages_dir.mkdir(parents=True)
        subprocess.run(
            [pdftoppm, "-png", "-r", "70", str(pdf), str(pages_dir / "page")],
            check=True,
            timeout=120,
        )
        pages = sorted(pages_dir.glob("page-*.png"))
        assert len(pages) >= 4, f"{example}: one page at least per sheet, got {len(pages)}"
        assert all(page.stat().st_size > 2_000 for page in pages)
        if keep:
            shutil.copytree(pages_dir, Path(keep) / example, dirs_exist_ok=True)
