"""Inbox pages over 1,000,000 messages from 500 terminals in PostgreSQL, against the bare query.

Run from the project's folder as ``PYTHONPATH=tests python -m benchmarks.bench_inbox
[--messages N]`` or through ``make bench`` (#9). A private cluster (fsync on,
as a server runs) gets the manager's schema by its migrations, 50 sites of
10 terminals each, a manager granted 10 of the sites, and N messages made
inside PostgreSQL by one ``INSERT … SELECT … FROM generate_series`` (a
message every 30 s back from now, 1 in 25 open). The pages are then asked
in one process through Django's test client, logged in as that manager, in
turn with the bare query (psycopg, the same rows, the columns the page
shows): the inbox's first page, a filtered page (site + period + status)
and a message page. The figure is the server time of each (from the
request to the rendered answer), p95 over ``--requests`` of each.

The pages run in a child process (``--child``) whose Django settings name
the cluster: the bench's own process never configures Django.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

SITES = 50
TERMINALS_PER_SITE = 10
#: The sites the measured manager is granted (of SITES).
GRANTED_SITES = 10
#: One message every this many seconds, going back from now.
SPACING_S = 30
#: 1 in OPEN_EVERY messages is new or in progress; the rest resolved or dismissed.
OPEN_EVERY = 25
GOAL_RATIO = 1.5
GOAL_MS = 200
PAGES = ("first page", "filtered page", "message page")


# ------------------------------------------------------------------ the data


def make_data(messages: int) -> dict:
    """Sites, terminals, the manager and ``messages`` messages; what the pages will ask for."""
    from django.db import connection

    from manager.accounts.models import User
    from manager.fleet.models import Site, Terminal
    from manager.inbox.models import Message

    sites = Site.objects.bulk_create(
        Site(slug=f"site-{n:02d}", name=f"Site {n:02d}", timezone="Europe/Rome")
        for n in range(SITES)
    )
    Terminal.objects.bulk_create(
        Terminal(terminal_id=f"{site.slug}-t{n}", site=site)
        for site in sites
        for n in range(TERMINALS_PER_SITE)
    )
    manager = User.objects.create_user("quality", password="a long bench password 42")
    manager.role = User.MANAGER
    manager.save()
    manager.sites.set(sites[:GRANTED_SITES])
    expressions = {
        "id": "md5('bench-' || g)::uuid",
        "terminal_id": "t.id",
        "site_id": "t.site_id",
        "site_label": "t.terminal_id",
        "created_at": f"now() - g * interval '{SPACING_S} seconds'",
        "utc_offset_min": "60",
        "received_at": f"now() - g * interval '{SPACING_S} seconds' + interval '2 seconds'",
        "locale": "'it'",
        "dialog_version": "1",
        "dialog_sha256": "repeat('a', 64)",
        "rating_kind": "'smileys'",
        "rating_value": "1 + g % 5",
        "rating_scale": "5",
        "path": """jsonb_build_array(jsonb_build_object('level', 'topic', 'id',
                   (ARRAY['food', 'service', 'cleanliness'])[1 + g % 3], 'label',
                   (ARRAY['Cibo', 'Servizio', 'Pulizia'])[1 + g % 3]))""",
        "topic": "(ARRAY['food', 'service', 'cleanliness'])[1 + g % 3]",
        "category": "''",
        "detail": "''",
        "tone": "CASE WHEN g % 5 < 2 THEN 'complaint' ELSE 'praise' END",
        "alert": "g % 40 = 0",
        "text": "'Message number ' || g || ', the soup was cold and the waiter slow'",
        "callback_phone": "CASE WHEN g % 7 = 0 THEN '+39061234567' ELSE '' END",
        "photo": "CASE WHEN g % 3 = 0 THEN 'bench/' || g || '/photo.jpg' ELSE '' END",
        "voice": "''",
        "lost_attachments": "'[]'::jsonb",
        "status": f"""CASE g % {OPEN_EVERY} WHEN 0 THEN 'new' WHEN 1 THEN 'in_progress'
                      ELSE CASE WHEN g % 50 = 2 THEN 'dismissed' ELSE 'resolved' END END""",
    }
    columns, values = [], []
    for field in Message._meta.concrete_fields:
        if field.column in expressions:
            columns.append(field.column)
            values.append(expressions[field.column])
        elif not field.null:
            raise RuntimeError(f"bench_inbox makes no value for Message.{field.name}")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH t AS (SELECT id, site_id, terminal_id,
                                  row_number() OVER (ORDER BY id) - 1 AS n
                             FROM {Terminal._meta.db_table})
                INSERT INTO {Message._meta.db_table} ({", ".join(columns)})
                SELECT {", ".join(value.replace("%", "%%") for value in values)}
                  FROM generate_series(0, %s - 1) AS g
                  JOIN t ON t.n = g %% {SITES * TERMINALS_PER_SITE}""",
            [messages],
        )
        cursor.execute(f"ANALYZE {Message._meta.db_table}")
    made_s = time.perf_counter() - began
    site = sites[GRANTED_SITES // 2]
    today = datetime.date.today()
    # The newest open message of the filtered site: the message page opened.
    opened = (
        Message.objects.filter(site=site, status=Message.NEW).order_by("-created_at", "-id").first()
    )
    return {
        "manager_pk": manager.pk,
        "granted": [s.pk for s in sites[:GRANTED_SITES]],
        "site_pk": site.pk,
        "site_slug": site.slug,
        "since": (today - datetime.timedelta(days=30)).isoformat(),
        "until": today.isoformat(),
        "opened": str(opened.pk),
        "made_s": made_s,
    }


# ------------------------------------------------------------------ the bare queries

#: What a list row shows: the message's columns, its site, terminal and assignee.
ROW_SQL = """
SELECT m.id, m.created_at, m.utc_offset_min, m.rating_kind, m.rating_value, m.rating_scale,
       m.path, m.qualified_path, m.text, m.callback_phone, m.photo, m.voice, m.tone, m.alert,
       m.status, m.due_at, s.name, s.timezone, t.terminal_id, u.username
  FROM inbox_message m
  JOIN fleet_site s ON s.id = m.site_id
  JOIN fleet_terminal t ON t.id = m.terminal_id
  LEFT JOIN accounts_user u ON u.id = m.assignee_id
"""
OPEN = "m.status IN ('new', 'in_progress')"
LIST_TAIL = """
   AND m.deleted_at IS NULL AND m.merged_into_id IS NULL
 ORDER BY m.created_at DESC, m.id DESC
 LIMIT 51
"""


def bare_queries(data: dict) -> dict:
    """Per page, the SQL and parameters that fetch the same rows bare."""
    since = datetime.datetime.fromisoformat(data["since"]).replace(tzinfo=datetime.timezone.utc)
    until = datetime.datetime.fromisoformat(data["until"]).replace(
        tzinfo=datetime.timezone.utc
    ) + datetime.timedelta(days=1)
    return {
        "first page": (
            ROW_SQL + f" WHERE m.site_id = ANY(%s) AND {OPEN}" + LIST_TAIL,
            [data["granted"]],
        ),
        "filtered page": (
            ROW_SQL + " WHERE m.site_id = %s AND m.status = 'new'"
            " AND m.created_at >= %s AND m.created_at < %s" + LIST_TAIL,
            [data["site_pk"], since, until],
        ),
        "message page": (
            ROW_SQL + " WHERE m.id = %s AND m.site_id = ANY(%s)",
            [data["opened"], data["granted"]],
        ),
    }


def page_urls(data: dict) -> dict:
    return {
        "first page": "/inbox/",
        "filtered page": (
            f"/inbox/?site={data['site_slug']}&since={data['since']}"
            f"&until={data['until']}&status=new"
        ),
        "message page": f"/inbox/{data['opened']}/",
    }


def check_answers(result: dict) -> None:
    """Each page shows the rows its bare query finds, in the same order: the two measure
    the same work. Raises with what differs."""
    import re

    for page in ("first page", "filtered page"):
        answer = result["answers"][page]
        shown = list(
            dict.fromkeys(
                re.findall(r'class="open" href="/inbox/([0-9a-f-]{36})/"', answer["html"])
            )
        )
        expected = answer["ids"][:50]
        if not expected or shown != expected:
            raise RuntimeError(
                f"the {page} shows {len(shown)} cases, not the {len(expected)} of its bare "
                f"query (first shown {shown[:1]}, expected {expected[:1]})"
            )
    opened = result["answers"]["message page"]
    if opened["ids"] != [result["data"]["opened"]] or opened["ids"][0] not in opened["html"]:
        raise RuntimeError("the message page does not show the message its bare query finds")


# ------------------------------------------------------------------ the child


def child(messages: int, requests: int) -> dict:
    """Runs in a process whose Django settings name the cluster: data, then the measures."""
    import django

    django.setup()
    import psycopg
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from manager.accounts.models import User

    call_command("migrate", interactive=False, verbosity=0)
    data = make_data(messages)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=data["manager_pk"]))
    urls, bare = page_urls(data), bare_queries(data)
    db = settings.DATABASES["default"]
    raw = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    )
    plans = {}
    times: dict[str, dict[str, list[float]]] = {
        page: {"page": [], "sql": [], "bare": [], "queries": []} for page in PAGES
    }
    answers = {}
    for page in PAGES:
        sql, params = bare[page]
        plans[page] = [row[0] for row in raw.execute("EXPLAIN ANALYZE " + sql, params).fetchall()]
    # One untimed round first: each page's templates, the bare query's first plan.
    spent: dict = {"sql_s": 0.0, "queries": 0, "page": PAGES[0]}

    statements: dict[str, list[str]] = {page: [] for page in PAGES}

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took_ms = (time.perf_counter() - began) * 1000
            spent["sql_s"] += took_ms / 1000
            spent["queries"] += 1
            statements[spent["page"]].append(f"{took_ms:.2f} ms {sql[:300]}")

    for round_ in range(requests + 1):
        for page in PAGES:
            spent.update(sql_s=0.0, queries=0, page=page)
            statements[page] = []
            began = time.perf_counter()
            with connection.execute_wrapper(timed):
                response = client.get(urls[page])
            took = time.perf_counter() - began
            if response.status_code != 200:
                raise RuntimeError(f"{urls[page]} answered {response.status_code}")
            sql, params = bare[page]
            began_bare = time.perf_counter()
            rows = raw.execute(sql, params).fetchall()
            took_bare = time.perf_counter() - began_bare
            if round_:
                times[page]["page"].append(took)
                times[page]["sql"].append(spent["sql_s"])
                times[page]["bare"].append(took_bare)
                times[page]["queries"] = [spent["queries"]]
            answers[page] = {
                "html": response.content.decode(),
                "ids": [str(row[0]) for row in rows],
            }
    raw.close()
    return {
        "data": data,
        "times": times,
        "plans": plans,
        "answers": answers,
        "statements": statements,
    }


# ------------------------------------------------------------------ the parent


def measure(messages: int, requests: int, log=print) -> dict:
    """Starts a cluster, runs the child against it; what the child found."""
    from benchmarks.bench_durable import _disk_dir
    from support.postgres import Cluster

    cluster = Cluster(fsync=True).start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-inbox-", dir=_disk_dir()) as temp:
            (Path(temp) / "static").mkdir()
            env = dict(
                os.environ,
                DJANGO_SETTINGS_MODULE="manager.settings",
                KIOSK_MANAGER_DATA_DIR=temp,
                KIOSK_MANAGER_SETTINGS="/dev/null",
                DATABASE_URL=cluster.url,
                PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE.parent)]),
            )
            out = Path(temp) / "result.json"
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.bench_inbox",
                    "--child",
                    str(out),
                    "--messages",
                    str(messages),
                    "--requests",
                    str(requests),
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=3600,
            )
            if done.returncode != 0:
                raise RuntimeError(f"the inbox bench failed:\n{done.stderr[-3000:]}")
            result = json.loads(out.read_text())
    finally:
        cluster.stop()
    log(f"  inbox: {messages:,} messages made in {result['data']['made_s']:.1f} s")
    return result


def bench_inbox(
    *, messages: int = 1_000_000, requests: int = 50, log=print, on_result=None
) -> list:
    """Rows for #9: p95 server time of each page against the bare query for its rows."""
    from benchmarks.benchlib import Row, p95

    result = measure(messages, requests, log=log)
    if on_result is not None:
        on_result(result)
    check_answers(result)
    rows = []
    for page in PAGES:
        page_ms = p95(result["times"][page]["page"]) * 1000
        bare_ms = p95(result["times"][page]["bare"]) * 1000
        sql_ms = p95(result["times"][page]["sql"]) * 1000
        log(
            f"  inbox {page}: p95 {page_ms:.1f} ms, of which its "
            f"{result['times'][page]['queries'][0]} queries {sql_ms:.1f} ms; "
            f"bare query {bare_ms:.1f} ms"
        )
        rows.append(
            Row(
                "9",
                f"inbox {page}, {messages:,} messages, 500 terminals, p95 server time "
                f"(n={requests})",
                page_ms,
                "ms",
                bare_ms,
                "the same rows by one bare psycopg query, same run",
                f"≤ {GOAL_RATIO}× and < {GOAL_MS} ms",
                lambda r, ms=page_ms: r <= GOAL_RATIO and ms < GOAL_MS,
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plans", action="store_true", help="print the bare queries' plans")
    args = parser.parse_args()
    if args.child:
        args.child.write_text(json.dumps(child(args.messages, args.requests)))
        return 0
    from benchmarks.benchlib import table

    def show_plans(result: dict) -> None:
        for page, plan in result["plans"].items():
            print(f"{page}, the bare query:\n  " + "\n  ".join(plan))
            print(f"{page}, the page's queries:\n  " + "\n  ".join(result["statements"][page]))

    rows = bench_inbox(
        messages=args.messages,
        requests=args.requests,
        on_result=show_plans if args.plans else None,
    )
    print(table(rows))
    return 0 if all(row.met is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
