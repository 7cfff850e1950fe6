"""The reports page in a real Chromium, over messages two terminals delivered with ``kiosk sync``."""

from __future__ import annotations

import datetime
import random

import pytest

from dialog_config import DEFAULT_DIALOG, load_dialog
from support.browser import (
    DESKTOP_PX,
    PHONE_PX,
    chromium,
    full_page_screenshot,
    horizontal_overflow_px,
    sign_in,
)
from support.manager_live import SCREENSHOTS_DIR, USER_PASSWORD, LiveManager
from support.report_data import TZ, make_message
from support.terminal_cli import kiosk, terminal_settings
from support.waiting import wait_for
from sync.outbox import Outbox

pytestmark = pytest.mark.slow
#: Messages each terminal made over the three months before the tests' today.
MESSAGES = 120


@pytest.fixture
def manager(tmp_path):
    with LiveManager(tmp_path / "manager") as live:
        yield live
    assert "Traceback" not in live.output()


def terminal_with_messages(tmp_path, manager, terminal_id: str, site: str, seed: int) -> None:
    """A terminal whose outbox holds visits of the last three months, delivered by kiosk sync."""
    folder = tmp_path / terminal_id
    folder.mkdir()
    token_file = folder / "token"
    manager.add_terminal(terminal_id, site, token_file)
    token_file.chmod(0o600)
    settings = terminal_settings(folder, manager.url, token_file)
    settings.write_text(
        settings.read_text()
        .replace("terminal_id: rome-01", f"terminal_id: {terminal_id}")
        .replace("site: Trattoria Roma", f"site: {site}")
    )
    dialog = load_dialog(DEFAULT_DIALOG)
    rng = random.Random(seed)
    today = datetime.datetime.now(TZ)
    with Outbox(folder / "data", reserve_bytes=0) as box:
        for _ in range(MESSAGES):
            when = today - datetime.timedelta(days=rng.uniform(0.1, 90))
            message, _, _ = make_message(rng, dialog, when)
            message.update(terminal_id=terminal_id, site=site, voice=None, photo=None)
            box.add(message)
    synced = kiosk("sync", "--once", settings=settings)
    assert synced.returncode == 0, synced.stderr


def test_the_reports_page_shows_figures_charts_and_comparisons(tmp_path, manager):
    terminal_with_messages(tmp_path, manager, "rome-01", "Trattoria Roma", seed=1)
    terminal_with_messages(tmp_path, manager, "milano-01", "Trattoria Milano", seed=2)
    password = tmp_path / "boss.password"
    password.write_text(USER_PASSWORD + "\n")
    manager.run("createuser", "boss", "--password-file", str(password), "--admin")

    for width, height in (DESKTOP_PX, PHONE_PX):
        look_at_last_month(manager, width, height)


def look_at_last_month(manager, width: int, height: int) -> None:
    from selenium.webdriver.common.by import By

    driver = chromium(width, height)
    try:
        sign_in(driver, manager.base, "boss", USER_PASSWORD)
        wait_for(lambda: "/inbox/" in driver.current_url, what="signed in")
        driver.find_element(By.LINK_TEXT, "Reports").click()
        wait_for(lambda: "/reports/" in driver.current_url, what="the reports page")
        driver.find_element(By.LINK_TEXT, "Last month").click()
        wait_for(lambda: "first=" in driver.current_url, what="last month's report")
        shown = int(driver.find_element(By.CSS_SELECTOR, '[data-figure="messages"]').text)
        assert 0 < shown < 2 * MESSAGES
        sites = driver.find_elements(By.CSS_SELECTOR, "table.sites tbody tr")
        assert [row.find_element(By.TAG_NAME, "th").text for row in sites] == [
            "Trattoria Milano",
            "Trattoria Roma",
        ]
        assert sum(int(row.find_elements(By.TAG_NAME, "td")[0].text) for row in sites) == shown
        assert driver.find_element(By.CSS_SELECTOR, "svg.chart.weekly").size["width"] > 200
        assert horizontal_overflow_px(driver) == 0
        full_page_screenshot(driver, SCREENSHOTS_DIR / f"reports-{width}.png", width)
    finally:
        driver.quit()
