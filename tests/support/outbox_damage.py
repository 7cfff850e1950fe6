"""Damage a real outbox file the way a failing SD card does: one page of a table overwritten."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def table_pages(db_path: Path, table: str) -> tuple[int, int]:
    """The page size and the root page of ``table`` (read before the damage)."""
    with sqlite3.connect(db_path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()[0]
    conn.close()
    return page_size, root


def corrupt_page(db_path: Path, page: int, page_size: int) -> None:
    """Overwrites page ``page`` (1-based) with garbage; the outbox must be closed (no WAL left)."""
    assert not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").stat().st_size == 0
    with db_path.open("r+b") as file:
        file.seek((page - 1) * page_size)
        file.write(b"\xa5" * page_size)


def corrupt_table(db_path: Path, table: str) -> None:
    """Overwrites the root page of ``table``: every read or write of it fails as malformed."""
    page_size, root = table_pages(db_path, table)
    corrupt_page(db_path, root, page_size)
