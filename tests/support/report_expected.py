"""What ``kiosk report`` must show, computed here on its own from the messages.

Only the report's words (``STRINGS``) come from reports; every figure,
order and position is worked out from the issue's rules. No tests here: the
figures test imports :func:`expected_sheets`.
"""

from __future__ import annotations

import datetime
from collections import Counter

import phonenumbers
from babel import Locale

from reports import STRINGS

SEP = " › "


def ts(message) -> float:
    return datetime.datetime.fromisoformat(message["created_at"]).timestamp()


def share(count, total):
    return count / total if total else None


def nps(counts) -> int | None:
    rated = sum(counts.values())
    if not rated:
        return None
    promoters = sum(n for v, n in counts.items() if v >= 9)
    detractors = sum(n for v, n in counts.items() if v <= 6)
    exact = 100 * (promoters - detractors) / rated
    whole = int(abs(exact) + 0.5)  # halves away from zero
    return whole if exact >= 0 else -whole


def language(code: str) -> str:
    name = Locale.parse(code).get_display_name(Locale.parse("en"))
    return name[0].upper() + name[1:]


def expected_sheets(messages, dialog, first, last, tz, tz_name):
    """{sheet key: (title, notes, blocks)}; a block is (anchor row, anchor column, caption,
    header, rows) and a row a tuple of (value, csv text)."""
    s = STRINGS["en"]
    start = datetime.datetime.combine(first, datetime.time(0), tzinfo=tz).timestamp()
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz
    ).timestamp()
    chosen = sorted(
        ((ts(m), i, m) for i, m in enumerate(messages) if start <= ts(m) < end), key=lambda x: x[:2]
    )
    period = [m for *_, m in chosen]

    current = {tuple(n.id for n in nodes): nodes[-1].label.default for nodes in dialog.walk()}
    from_messages = {}
    for m in sorted(messages, key=ts):  # the most recent message wins
        for n in range(1, len(m["path"]) + 1):
            from_messages[tuple(p["id"] for p in m["path"][:n])] = m["path"][n - 1]["label"]

    def label(ids):
        return current.get(ids) or from_messages[ids]

    def path_label(m):
        ids = tuple(p["id"] for p in m["path"])
        return SEP.join(label(ids[:n]) for n in range(1, len(ids) + 1))

    def local(m):
        return datetime.datetime.fromtimestamp(ts(m), tz).replace(tzinfo=None, microsecond=0)

    def text(v):
        return "'" + v if v[:1] in ("=", "+", "-", "@") else v

    def num(v):
        return (v, "" if v is None else str(v))

    def pct(v):
        return (v, "" if v is None else f"{v:.4f}")

    def txt(v):
        return (v, text(v))

    total = len(period)
    rated = [m for m in period if m["rating"]]
    notes = [
        s["title"],
        f"Site: {period[-1]['site']}",
        f"Terminal: {period[-1]['terminal_id']}",
        f"Period: {first} – {last}",
        f"Time zone: {tz_name}",
        None,
    ]
    blocks = []
    figures = [(s["messages"], total, None)] + [
        (s[key], n, share(n, total))
        for key, n in (
            ("with_rating", len(rated)),
            ("with_text", sum(1 for m in period if m["text"])),
            ("with_voice", sum(1 for m in period if m["voice"])),
            ("with_callback", sum(1 for m in period if m["callback"])),
        )
    ]
    row = len(notes) + 2
    blocks.append(
        (
            row,
            1,
            None,
            (s["indicator"], s["count"], s["share"]),
            [(txt(a), num(b), pct(c)) for a, b, c in figures],
        )
    )
    row += len(figures) + 2
    schemes = {}
    for m in rated:  # oldest first, so the last assignment is the most recent
        schemes.pop((m["rating"]["kind"], m["rating"]["scale"]), None)
        schemes[(m["rating"]["kind"], m["rating"]["scale"])] = True
    schemes = list(reversed(schemes))
    for kind, scale in schemes:
        counts = Counter(
            m["rating"]["value"]
            for m in rated
            if (m["rating"]["kind"], m["rating"]["scale"]) == (kind, scale)
        )
        n = sum(counts.values())
        values = range(0, 11) if kind == "nps" else range(1, scale + 1)
        rows = [(num(v), num(counts[v]), pct(share(counts[v], n))) for v in values]
        if kind == "nps":
            for key, vs in (
                ("promoters", (9, 10)),
                ("passives", (7, 8)),
                ("detractors", range(0, 7)),
            ):
                c = sum(counts[v] for v in vs)
                rows.append((txt(s[key]), num(c), pct(share(c, n))))
            rows.append((txt("NPS"), num(nps(counts)), pct(None)))
            caption = "Ratings: NPS question, 0–10"
        else:
            top = list(values)[-(scale // 2) :]  # the happier half of the faces
            c = sum(counts[v] for v in top)
            rows.append((txt(f"Satisfied ({top[0]}–{top[-1]})"), num(c), pct(share(c, n))))
            caption = f"Ratings: smileys, 1–{scale}"
        blocks.append((row, 1, caption, (s["rating"], s["count"], s["share"]), rows))
        row += len(rows) + 3
    main_kind, main_scale = schemes[0]
    weeks, day = [], first
    while day <= last:
        week_end = day + datetime.timedelta(days=7 - day.weekday())
        inside = [m for m in period if day <= local(m).date() < week_end]
        scores = Counter(
            m["rating"]["value"]
            for m in inside
            if m["rating"]
            and (m["rating"]["kind"], m["rating"]["scale"]) == (main_kind, main_scale)
        )
        score = (
            nps(scores)
            if main_kind == "nps"
            else share(
                sum(n for v, n in scores.items() if v > main_scale - main_scale // 2),
                sum(scores.values()),
            )
        )
        weeks.append(
            (
                (datetime.datetime.combine(day, datetime.time(0)), day.isoformat()),
                num(len(inside)),
                num(score) if main_kind == "nps" else pct(score),
            )
        )
        day = week_end
    score_title = "NPS" if main_kind == "nps" else s["satisfied_share"]
    blocks.append((row, 1, s["by_week"], (s["week"], s["messages"], score_title), weeks))
    summary = (s["sheet_summary"], notes, blocks)

    # The classifier: every prefix of every path, the tree most chosen first.
    with_path = [m for m in period if m["path"]]
    counts = Counter(
        tuple(p["id"] for p in m["path"][:n])
        for m in with_path
        for n in range(1, len(m["path"]) + 1)
    )

    def children(parent):
        kids = [ids for ids in counts if ids[:-1] == parent and len(ids) == len(parent) + 1]
        return sorted(kids, key=lambda ids: (-counts[ids], label(ids).casefold(), ids))

    tree, stack = [], list(reversed(children(())))
    while stack:
        ids = stack.pop()
        tree.append(
            (
                txt(label(ids)),
                txt(("Topic", "Category", "Detail")[len(ids) - 1]),
                num(counts[ids]),
                pct(counts[ids] / len(with_path)),
                txt("/".join(ids)),
            )
        )
        stack.extend(reversed(children(ids)))
    finals = Counter(tuple(p["id"] for p in m["path"]) for m in with_path)
    names = {tuple(p["id"] for p in m["path"]): path_label(m) for m in with_path}
    top = sorted(finals, key=lambda ids: (-finals[ids], names[ids].casefold(), ids))[:15]
    top_rows = [
        (num(rank), txt(names[ids]), num(finals[ids]), pct(finals[ids] / len(with_path)))
        for rank, ids in enumerate(top, start=1)
    ]
    classifier = (
        s["sheet_classifier"],
        [],
        [
            (1, 1, None, (s["tree"], s["level"], s["count"], s["share"], s["id"]), tree),
            (1, 7, None, (s["rank"], s["choice"], s["count"], s["share"]), top_rows),
        ],
    )

    rating_title = (
        "Rating"
        if len(schemes) > 1
        else s["rating_scale"].format("0–10" if main_kind == "nps" else f"1–{main_scale}")
    )

    def when(m):
        return (local(m), local(m).strftime("%Y-%m-%d %H:%M"))

    def value(m):
        return num(m["rating"]["value"]) if m["rating"] else (None, "")

    comments = (
        s["sheet_comments"],
        [],
        [
            (
                1,
                1,
                None,
                (s["time"], s["choice"], rating_title, s["language"], s["comment"], s["callback"]),
                [
                    (
                        when(m),
                        txt(path_label(m)),
                        value(m),
                        txt(language(m["locale"])),
                        txt(m["text"]),
                        txt("Yes" if m["callback"] else "No"),
                    )
                    for m in period
                    if m["text"]
                ],
            )
        ],
    )
    callbacks = (
        s["sheet_callbacks"],
        [],
        [
            (
                1,
                1,
                None,
                (s["time"], s["name"], s["phone"], s["choice"], rating_title, s["comment"]),
                [
                    (
                        when(m),
                        txt(m["callback"]["name"] or ""),
                        txt(
                            phonenumbers.format_number(
                                phonenumbers.parse(m["callback"]["phone"]),
                                phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                            )
                        ),
                        txt(path_label(m)),
                        value(m),
                        txt(m["text"] or ""),
                    )
                    for m in period
                    if m["callback"]
                ],
            )
        ],
    )
    return {
        "summary": summary,
        "classifier": classifier,
        "comments": comments,
        "callbacks": callbacks,
    }


def as_cells(sheet) -> dict[tuple[int, int], object]:
    """The sheet as the workbook must hold it: {(row, column): value}, empty cells left out."""
    _, notes, blocks = sheet
    cells = {(row, 1): text for row, text in enumerate(notes, start=1) if text is not None}
    for row, column, caption, header, rows in blocks:
        if caption:
            cells[(row, column)] = caption
            row += 1
        for offset, title in enumerate(header):
            cells[(row, column + offset)] = title
        for r, values in enumerate(rows, start=row + 1):
            for offset, (value, _) in enumerate(values):
                if value not in (None, ""):
                    cells[(r, column + offset)] = value
    return cells


def as_csv(sheet) -> list[list[str]]:
    """The sheet as its CSV file must hold it: notes, then each block after a blank row."""
    _, notes, blocks = sheet
    rows = [[text] for text in notes]
    for _, _, caption, header, values in blocks:
        if rows:
            rows.append([])
        if caption:
            rows.append([caption])
        rows.append(list(header))
        rows.extend([csv_text for _, csv_text in row] for row in values)
    return rows
