"""The ``kiosk report`` tests' data: a generated outbox over two dialog versions.

tests/reports/conftest.py builds it once per session (the fixtures ``dataset``
and ``report_files``); the tests import the constants and builders from here.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from dialog_config import DEFAULT_DIALOG, load_dialog
from sync.outbox import Outbox

TZ_NAME = "Europe/Rome"
TZ = ZoneInfo(TZ_NAME)
#: The report's period: eight weeks that cross the change to summer time (2026-03-29).
FIRST = datetime.date(2026, 2, 16)
LAST = datetime.date(2026, 4, 12)
#: Messages from here on are made with the second dialog version.
SWITCH = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=TZ)
MESSAGES = 5000
SITE = "Trattoria Roma, Via Nazionale"
TERMINAL = "rome-01"
PHONES = ("+393331234567", "+393479876543", "+821012345678", "+79161234567", "+447911123456")
NAMES = ("Mario Rossi", "Анна Петрова", "김민수", None, '=HYPERLINK("x")', "@admin")
TEXTS = (
    "The soup was cold.",
    "Очень долго ждали заказ.\nОфициант забыл про нас.",
    "직원이 친절했어요. 다음에 또 올게요!",
    "=1+1",
    "+ more napkins please",
    "-- no comment --",
    "Il conto era sbagliato, ma il personale è stato gentile e ha corretto subito. " * 4,
)


def make_dialog_v2(directory: Path) -> Path:
    """The restaurant example, edited: a renamed label, a removed and an added category,
    and an NPS question instead of smileys."""
    data = yaml.safe_load(DEFAULT_DIALOG.read_text(encoding="utf-8"))
    assortment = next(t for t in data["topics"] if t["id"] == "assortment")
    vegetarian = next(c for c in assortment["categories"] if c["id"] == "few_vegetarian")
    vegetarian["label"]["en"] = "Too few vegetarian dishes"
    assortment["categories"] = [c for c in assortment["categories"] if c["id"] != "no_kids_menu"]
    assortment["categories"].append(
        {
            "id": "no_vegan",
            "label": {
                "en": "No vegan dishes",
                "ru": "Нет веганских блюд",
                "it": "Nessun piatto vegano",
                "ko": "비건 메뉴가 없어요",
            },
        }
    )
    data["rating"] = {"kind": "nps", "prompt": {"en": "Would you recommend us?"}}
    path = directory / "dialog_v2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_message(
    rng: random.Random, dialog, when: datetime.datetime
) -> tuple[dict, bytes | None, bytes | None]:
    """A message as kiosk.flow builds it, with the photo and voice bytes to add."""
    paths = list(dialog.walk())
    nodes = rng.choice(paths) if rng.random() < 0.97 else ()
    rating = None
    if dialog.rating is not None and (rng.random() < 0.8 or not nodes):
        rating = {
            "kind": dialog.rating.kind,
            "value": rng.choice(dialog.rating.values),
            "scale": dialog.rating.scale,
        }
    if rng.random() < 0.05:  # a terminal that once ran on UTC: same instant, other offset
        when = when.astimezone(datetime.timezone.utc)
    callback = None
    if rng.random() < 0.06:
        callback = {"name": rng.choice(NAMES), "phone": rng.choice(PHONES), "consent": True}
    voice = rng.randbytes(40) if rng.random() < 0.1 else None
    photo = b"\xff\xd8\xff\xe0" + rng.randbytes(60) if rng.random() < 0.15 else None
    message = {
        "terminal_id": TERMINAL,
        "site": SITE,
        "created_at": when.isoformat(timespec="milliseconds"),
        "locale": rng.choice(dialog.languages),
        "dialog": {"version": dialog.version, "sha256": dialog.sha256},
        "rating": rating,
        "path": [{"level": n.level, "id": n.id, "label": n.label.default} for n in nodes],
        "tone": nodes[-1].tone if nodes else "none",
        "alert": bool(nodes and nodes[-1].tone == "complaint"),
        "text": rng.choice(TEXTS) if rng.random() < 0.2 else None,
        "callback": callback,
        "voice": {"content_type": "audio/ogg", "duration_s": 3.5} if voice else None,
        "photo": None,
    }
    return message, photo, voice


def message_times(rng: random.Random, count: int) -> list[datetime.datetime]:
    """Times over the period and three days around it, and the period's edges exactly."""
    start = datetime.datetime.combine(
        FIRST - datetime.timedelta(days=3), datetime.time(0), tzinfo=TZ
    )
    end = datetime.datetime.combine(LAST + datetime.timedelta(days=4), datetime.time(0), tzinfo=TZ)
    first_in = datetime.datetime.combine(FIRST, datetime.time(0), tzinfo=TZ)
    after = datetime.datetime.combine(
        LAST + datetime.timedelta(days=1), datetime.time(0), tzinfo=TZ
    )
    edges = [
        first_in - datetime.timedelta(seconds=1),
        first_in,
        after - datetime.timedelta(seconds=1),
        after,
    ]
    span = (end - start).total_seconds()
    times = [
        datetime.datetime.fromtimestamp(start.timestamp() + rng.random() * span, TZ)
        for _ in range(count - len(edges))
    ] + edges
    return sorted(times)


@dataclass(frozen=True)
class Dataset:
    root: Path
    settings: Path
    data_dir: Path
    dialog_v1: object
    dialog_v2: object
    #: Every message as stored (the outbox's own copy), in insertion order.
    messages: list[dict]


def build_dataset(root: Path, count: int = MESSAGES, seed: int = 20261122) -> Dataset:
    root.mkdir(parents=True, exist_ok=True)
    v1 = load_dialog(DEFAULT_DIALOG)
    v2 = load_dialog(make_dialog_v2(root))
    data_dir = root / "data"
    rng = random.Random(seed)
    with Outbox(data_dir, reserve_bytes=0) as box:
        ids = []
        for when in message_times(rng, count):
            message, photo, voice = make_message(rng, v1 if when < SWITCH else v2, when)
            ids.append(box.add(message, photo=photo, voice=voice))
        stored = [box.get_message(i) for i in ids]
    settings = root / "settings.yaml"
    settings.write_text(
        f'terminal_id: {TERMINAL}\nsite: "{SITE}"\ntimezone: {TZ_NAME}\n'
        f"dialog: {root / 'dialog_v2.yaml'}\ndata_dir: {data_dir}\n",
        encoding="utf-8",
    )
    return Dataset(root, settings, data_dir, v1, v2, stored)


def sheet_cells(worksheet) -> dict[tuple[int, int], object]:
    """Every non-empty cell of a sheet by (row, column), 1-based."""
    return {
        (cell.row, cell.column): cell.value
        for row in worksheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
