"""The few statements every terminal request runs, as server-side prepared statements on PostgreSQL.

Django's psycopg cursors bind parameters on the client side (so that
connection poolers keep working), which never prepares: PostgreSQL parses
and plans the token's SELECT and the message's INSERT again for every
request. Here they go through a server-binding psycopg cursor on the same
connection with ``prepare=True``: parsed and planned once per connection,
then only executed. Behind PgBouncer in transaction mode this needs
PgBouncer 1.21 or later with ``max_prepared_statements`` set (its default
since 1.22). On SQLite, a plain Django cursor.
"""

from __future__ import annotations

from typing import Any

import psycopg


def run(connection, sql: str, params: list[Any]) -> tuple[list[tuple], int]:
    """Runs one statement (``%s`` placeholders); its rows (if it returns any) and rowcount."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            return rows, cursor.rowcount
    connection.ensure_connection()
    # Django's error wrapper: its exceptions, and a broken connection marked so that
    # it is closed at the end of the request instead of being reused.
    with connection.wrap_database_errors:
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            rows = cursor.fetchall() if cursor.description else []
            return rows, cursor.rowcount
