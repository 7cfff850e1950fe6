"""The reports page through Django's test client: whose sites, which days, the comparisons.

A small hand-made data set (smileys on a scale of 5, 4 and 5 satisfied) whose
figures are counted by hand in the comments below.
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from django.test import Client

from manager.accounts.models import User
from manager.fleet.models import Site
from support.manager_live import USER_PASSWORD
from support.manager_messages import make_terminal, message, store_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database")]
NOVEMBER = "first=2026-11-01&last=2026-11-30"


def at(day: str, time: str = "12:00") -> str:
    return f"{day}T{time}:00.000+01:00"


def rated(terminal, when: str, value: int, **changes) -> None:
    body = message(
        terminal.terminal_id,
        site=terminal.site.name,
        created_at=when,
        rating={"kind": "smileys", "value": value, "scale": 5},
        **{"text": None, **changes},
    )
    assert store_message(terminal, body) == 201


@pytest.fixture
def shops():
    """Rome and Milan (one manager's), Naples (another's)."""
    rome1, _ = make_terminal("rome-01", "Trattoria Roma")
    rome2, _ = make_terminal("rome-02", "Trattoria Roma")
    milan, _ = make_terminal("milano-01", "Trattoria Milano")
    naples, _ = make_terminal("napoli-01", "Pizzeria Napoli")
    Site.objects.update(timezone="Europe/Rome")
    # Rome in November: 6 messages, satisfied (4 or 5): 5, 5, 4 and 4 of 6 = 66.7 %.
    for day, value in (("2026-11-02", 5), ("2026-11-09", 5), ("2026-11-16", 4)):
        rated(rome1, at(day), value)
    rated(rome1, at("2026-11-20"), 1, text="Troppo sale")
    rated(
        rome2,
        at("2026-11-21"),
        2,
        text="Chiamatemi",
        callback={"name": "Mario", "phone": "+393331234567", "consent": True},
    )
    rated(rome2, at("2026-11-30", "23:30"), 4)  # the period's last half hour
    rated(rome2, at("2026-12-01", "00:10"), 1)  # after the period
    # Milan in November: 3 messages, 1 of 3 satisfied = 33.3 %.
    for day, value in (("2026-11-03", 5), ("2026-11-04", 1), ("2026-11-05", 1)):
        rated(milan, at(day), value)
    # The previous 30 days (2 to 31 October): 2 messages, 1 of 2 = 50 %.
    rated(rome1, at("2026-10-15"), 5)
    rated(milan, at("2026-10-31", "23:59"), 1)
    rated(rome1, at("2026-10-01"), 5)  # before that
    # Naples: 4 messages nobody else may count.
    for day in ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"):
        rated(naples, at(day), 5, text="Segreto di Napoli")
    manager = User.objects.create_user("giulia", password=USER_PASSWORD, role=User.MANAGER)
    manager.sites.set(Site.objects.exclude(slug="pizzeria-napoli"))
    other = User.objects.create_user("enzo", password=USER_PASSWORD, role=User.VIEWER)
    other.sites.set(Site.objects.filter(slug="pizzeria-napoli"))
    return {"manager": manager, "other": other, "rome": rome1.site, "naples": naples.site}


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def row(html: str, attribute: str, key: str) -> list[str]:
    found = re.search(rf'<tr data-{attribute}="{key}">(.*?)</tr>', html, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd]>.*?</t[hd]>", found, re.S)
    ]


def test_the_page_compares_sites_and_the_period_before(shops):
    page = signed_in(shops["manager"]).get(f"/reports/?{NOVEMBER}")
    assert page.status_code == 200
    html = page.content.decode()
    assert figure(html, "messages") == "9"
    assert figure(html, "score") == "55.6%"  # 5 satisfied of 9
    assert figure(html, "text") == "2"
    assert figure(html, "callbacks") == "1"
    assert row(html, "site", "trattoria-roma") == ["Trattoria Roma", "6", "66.7%", "2", "1"]
    assert row(html, "site", "trattoria-milano") == ["Trattoria Milano", "3", "33.3%", "0", "0"]
    assert "2026-10-02 – 2026-10-31" in html
    assert row(html, "indicator", "messages") == ["Messages", "9", "2", "+7"]
    assert row(html, "indicator", "score")[1:] == ["55.6%", "50.0%", "+5.6 pp"]
    assert row(html, "indicator", "with_callback")[1:] == ["1", "0", "+1"]
    assert "<svg" in html
    assert "Napoli" not in html


def test_the_period_filter_counts_whole_local_days(shops):
    browser = signed_in(shops["manager"])
    html = browser.get("/reports/?first=2026-11-30&last=2026-11-30").content.decode()
    assert figure(html, "messages") == "1"  # 23:30 on the 30th, not 00:10 on the 1st
    html = browser.get("/reports/?first=2026-12-01&last=2026-12-01").content.decode()
    assert figure(html, "messages") == "1"
    html = browser.get("/reports/?first=2026-11-02&last=2026-11-05").content.decode()
    assert figure(html, "messages") == "4"  # Rome on the 2nd, Milan on the 3rd to 5th
    refused = browser.get("/reports/?first=2026-11-30&last=2026-11-01").content.decode()
    assert "ends before it starts" in refused
    assert 'data-figure="messages"' not in refused


def test_sites_and_terminals_narrow_the_report(shops):
    browser = signed_in(shops["manager"])
    rome = shops["rome"].pk
    html = browser.get(f"/reports/?{NOVEMBER}&sites={rome}").content.decode()
    assert figure(html, "messages") == "6"
    assert 'data-site="trattoria-milano"' not in html
    html = browser.get(f"/reports/?{NOVEMBER}&terminals=rome-02").content.decode()
    assert figure(html, "messages") == "2"
    assert figure(html, "score") == "50.0%"


def test_the_downloads_are_the_pages_report(shops):
    browser = signed_in(shops["manager"])
    response = browser.get(f"/reports/report.xlsx?{NOVEMBER}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = book.worksheets[0]
    values = [cell.value for row in summary.iter_rows() for cell in row]
    assert "Site: Trattoria Milano, Trattoria Roma" in values
    assert not any(str(value).startswith("Terminal:") for value in values)
    counts = {r[0].value: r[1].value for r in summary.iter_rows() if r[0].value}
    assert counts["Messages"] == 9
    archive = browser.get(f"/reports/report-csv.zip?{NOVEMBER}")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert sorted(opened.namelist()) == [
            "callbacks.csv",
            "classifier.csv",
            "comments.csv",
            "summary.csv",
        ]
        assert "Chiamatemi" in opened.read("callbacks.csv").decode("utf-8-sig")


def test_another_sites_user_gets_nothing_of_it(shops):
    browser = signed_in(shops["other"])
    rome = shops["rome"].pk
    html = browser.get(f"/reports/?{NOVEMBER}").content.decode()
    assert figure(html, "messages") == "4"  # Naples' own
    assert "Trattoria" not in html
    asked = browser.get(f"/reports/?{NOVEMBER}&sites={rome}").content.decode()
    assert 'data-figure="messages"' not in asked
    assert "Trattoria" not in asked
    for url in ("/reports/report.xlsx", "/reports/report-csv.zip"):
        assert browser.get(f"{url}?{NOVEMBER}&sites={rome}").status_code == 400
        assert browser.get(f"{url}?{NOVEMBER}&terminals=rome-01").status_code == 400
    response = browser.get(f"/reports/report-csv.zip?{NOVEMBER}")
    with zipfile.ZipFile(io.BytesIO(response.content)) as opened:
        everything = b"".join(opened.read(name) for name in opened.namelist()).decode("utf-8-sig")
    assert "Segreto di Napoli" in everything
    assert "Troppo sale" not in everything and "Roma" not in everything


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in ("/reports/", "/reports/report.xlsx", "/reports/report-csv.zip"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_page_speaks_the_readers_language(shops):
    browser = signed_in(shops["manager"])
    browser.cookies["django_language"] = "ru"
    html = browser.get(f"/reports/?{NOVEMBER}").content.decode()
    assert "<h1>Отчёты</h1>" in html
    assert "Сводка" in html and "По точкам" in html and "Прошлый месяц" in html
    assert "9 сообщений с выбором." in html
    assert "Satisfied" not in html
