"""The inbox in a real Chromium against a live manager fed by a real ``kiosk sync``."""

from __future__ import annotations

import httpx
import pytest

from support.browser import (
    DESKTOP_PX,
    PHONE_PX,
    chromium,
    full_page_screenshot,
    horizontal_overflow_px,
    sign_in,
)
from support.manager_live import SCREENSHOTS_DIR, USER_PASSWORD, LiveManager
from support.media_samples import jpeg, ogg_opus
from support.terminal_cli import kiosk, terminal_settings
from support.waiting import wait_for
from sync.outbox import Outbox

pytestmark = pytest.mark.slow
VOICE_S = 3.0
HTTP_TIMEOUT_S = 60.0


def visitor(text: str, *, created_at: str, label: str = "Cibo", **extra) -> dict:
    return {
        "terminal_id": "rome-01",
        "site": "Trattoria Roma",
        "locale": "it",
        "created_at": created_at,
        "dialog": {"version": 1, "sha256": "b" * 64},
        "rating": {"kind": "smileys", "value": 1, "scale": 5},
        "path": [
            {"level": "topic", "id": label.lower(), "label": label},
            {"level": "category", "id": "taste", "label": "Gusto"},
        ],
        "tone": "complaint",
        "alert": True,
        "text": text,
        "callback": None,
        "photo": None,
        "voice": None,
        **extra,
    }


@pytest.fixture
def manager(tmp_path):
    with LiveManager(tmp_path / "manager") as live:
        yield live
    assert "Traceback" not in live.output()


def user(manager, name, *options):
    password = manager.data_dir.parent / f"{name}.password"
    password.write_text(USER_PASSWORD + "\n")
    manager.run("createuser", name, "--password-file", str(password), *options)


def test_a_synced_message_appears_and_is_worked_to_resolved(tmp_path, manager):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import Select

    token_file = tmp_path / "manager-token"
    manager.add_terminal("rome-01", "Trattoria Roma", token_file)
    token_file.chmod(0o600)
    manager.run("terminal", "add", "milano-01", "--site", "Trattoria Milano")
    user(manager, "anna", "--role", "manager", "--site", "trattoria-roma")
    user(manager, "marco", "--role", "manager", "--site", "trattoria-milano")
    user(manager, "boss", "--admin")
    settings = terminal_settings(tmp_path, manager.url, token_file)
    photo, voice = jpeg(640, 480, seed=3), ogg_opus(VOICE_S, seed=3)
    with Outbox(tmp_path / "data", reserve_bytes=0) as box:
        earlier = box.add(
            visitor(
                "Il risotto era freddo",
                created_at="2026-11-22T12:30:00.000+01:00",
                label="Servizio",
            )
        )
    assert kiosk("sync", "--once", settings=settings).returncode == 0

    driver = chromium(*DESKTOP_PX)
    try:
        sign_in(driver, manager.base, "anna", USER_PASSWORD)
        wait_for(lambda: "/inbox/" in driver.current_url, what="the inbox after sign-in")
        assert "Il risotto era freddo" in driver.page_source
        with Outbox(tmp_path / "data", reserve_bytes=0) as box:
            fresh = box.add(
                visitor(
                    "Troppo sale <script>alert(1)</script>",
                    created_at="2026-11-22T15:04:05.123+01:00",
                    callback={"name": "Anna", "phone": "+393401234567", "consent": True},
                    photo={"width": 640, "height": 480},
                    voice={"duration_s": VOICE_S},
                ),
                photo=photo,
                voice=voice,
            )
        sync = kiosk("sync", "--once", settings=settings)
        assert sync.returncode == 0, sync.stderr
        row = f'li[data-id="{fresh}"]'
        wait_for(
            lambda: driver.find_elements(By.CSS_SELECTOR, row),
            what="the synced message in the open inbox",
            timeout_s=20,
        )
        first = driver.find_elements(By.CSS_SELECTOR, "li.row")[0]
        assert first.get_attribute("data-id") == fresh
        assert "<script>alert(1)</script>" in first.text
        thumb = first.find_element(By.CSS_SELECTOR, "img.thumb")
        wait_for(lambda: driver.execute_script("return arguments[0].naturalWidth", thumb) == 640)

        first.find_element(By.CSS_SELECTOR, "a.open").click()
        wait_for(lambda: f"/inbox/{fresh}/" in driver.current_url)
        photo_element = driver.find_element(By.CSS_SELECTOR, "img.photo")
        wait_for(lambda: driver.execute_script("return arguments[0].complete", photo_element))
        assert driver.execute_script("return arguments[0].naturalHeight", photo_element) == 480
        audio = driver.find_element(By.TAG_NAME, "audio")
        driver.execute_script("arguments[0].play()", audio)
        wait_for(
            lambda: driver.execute_script("return arguments[0].currentTime", audio) > 0.2,
            what="the voice playing",
        )
        duration = driver.execute_script("return arguments[0].duration", audio)
        assert abs(duration - VOICE_S) < 0.15
        assert driver.find_element(By.CSS_SELECTOR, "a[href='tel:+393401234567']")

        def act(button: str, **fields):
            form = driver.find_element(By.NAME, button).find_element(By.XPATH, "./..")
            for name, value in fields.items():
                element = form.find_element(By.NAME, name)
                if element.tag_name == "select":
                    Select(element).select_by_visible_text(value)
                else:
                    element.send_keys(value)
            old_page = driver.find_element(By.TAG_NAME, "html")
            driver.find_element(By.NAME, button).click()
            wait_for(lambda: staleness_of(old_page)(driver), what=f"the page after {button}")
            wait_for(lambda: driver.execute_script("return document.readyState") == "complete")

        act("submit-assign", assignee="anna")
        act("submit-comment", text="Ho chiamato la cucina")
        act("submit-qualify", path="Servizio › Gusto")
        history = driver.find_element(By.CSS_SELECTOR, ".history").text
        assert "assigned to anna" in history and "Ho chiamato la cucina" in history
        assert "qualified as Servizio › Gusto" in history
        assert "Cibo" in driver.find_element(By.CSS_SELECTOR, ".visitor .path").text

        driver.get(f"{manager.base}/inbox/{earlier}/")
        act("submit-merge")
        assert "merged into" in driver.find_element(By.CSS_SELECTOR, ".history").text
        driver.get(f"{manager.base}/inbox/{fresh}/")
        act("submit-status", status="resolved")
        assert "Case: resolved" in driver.find_element(By.CSS_SELECTOR, ".casework h2").text
        assert "Il risotto era freddo" in driver.find_element(By.CSS_SELECTOR, ".repeats").text
        history = driver.find_element(By.CSS_SELECTOR, ".history").text
        assert "status: in progress → resolved" in history

        # Another site's manager: the same page and media do not exist for them.
        driver.delete_all_cookies()
        sign_in(driver, manager.base, "marco", USER_PASSWORD)
        wait_for(lambda: "/inbox/" in driver.current_url)
        assert "Troppo sale" not in driver.page_source
        session = {"sessionid": driver.get_cookie("sessionid")["value"]}
        for path in (f"/inbox/{fresh}/", f"/inbox/{fresh}/photo/", f"/inbox/{fresh}/voice/"):
            # The answer is checked, not its speed: a loaded machine may take seconds.
            answer = httpx.get(manager.base + path, cookies=session, timeout=HTTP_TIMEOUT_S)
            assert answer.status_code == 404
            driver.get(manager.base + path)
            assert "Not Found" in driver.page_source
    finally:
        driver.quit()


def test_each_page_fits_a_phone_and_is_screenshotted(tmp_path, manager):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import Select

    token_file = tmp_path / "manager-token"
    manager.add_terminal("rome-01", "Trattoria Roma", token_file)
    token_file.chmod(0o600)
    user(manager, "anna", "--role", "manager", "--site", "trattoria-roma")
    user(manager, "boss", "--admin")
    settings = terminal_settings(tmp_path, manager.url, token_file)
    texts = [
        "Il risotto era freddo e il cameriere non è più tornato al tavolo per mezz'ora",
        "Ottimo tiramisù",
        "Il bagno era sporco",
        "Abbiamo aspettato quaranta minuti per il conto, una lunga attesa inaccettabile!!!",
    ]
    with Outbox(tmp_path / "data", reserve_bytes=0) as box:
        ids = [
            box.add(
                visitor(
                    text,
                    created_at=f"2026-11-23T1{index}:05:00.000+01:00",
                    photo={"width": 640, "height": 480} if index == 0 else None,
                    voice={"duration_s": 2.0} if index == 0 else None,
                    callback=(
                        {"name": "Luca", "phone": "+393401234567", "consent": True}
                        if index == 0
                        else None
                    ),
                ),
                photo=jpeg(640, 480, seed=5) if index == 0 else None,
                voice=ogg_opus(2.0, seed=5) if index == 0 else None,
            )
            for index, text in enumerate(texts)
        ]
    assert kiosk("sync", "--once", settings=settings).returncode == 0
    manager.run("tick")  # the alerts get their due times, shown in the rows
    pages = {
        "login": "/accounts/login/",
        "inbox": "/inbox/",
        "message": f"/inbox/{ids[0]}/",
        "trash": "/inbox/trash/",
        "audit": "/inbox/audit/",
        "password": "/accounts/password/",
    }
    for width, height in (DESKTOP_PX, PHONE_PX):
        driver = chromium(width, height)
        try:
            for name, path in pages.items():
                if name == "inbox":
                    sign_in(driver, manager.base, "boss", USER_PASSWORD)
                    wait_for(lambda d=driver: "/inbox/" in d.current_url, what="signed in")
                if name == "trash" and width == DESKTOP_PX[0]:
                    # One case in the trash, put there as a manager does.
                    driver.get(f"{manager.base}/inbox/{ids[3]}/")
                    old_page = driver.find_element(By.TAG_NAME, "html")
                    driver.find_element(By.CSS_SELECTOR, "button.danger").click()
                    wait_for(lambda p=old_page, d=driver: staleness_of(p)(d), what="trashed")
                driver.get(manager.base + path)
                assert "Sign in" not in driver.title or name == "login"
                assert driver.execute_script("return window.innerWidth") == width
                if name == "inbox":
                    rows = driver.find_elements(By.CSS_SELECTOR, ".row")
                    assert rows and len(driver.find_elements(By.CSS_SELECTOR, ".row .due")) == len(
                        rows
                    )
                overflow = horizontal_overflow_px(driver)
                full_page_screenshot(driver, SCREENSHOTS_DIR / f"{name}-{width}.png", width)
                assert overflow == 0, f"{name} scrolls sideways at {width} px"
                driver.set_window_size(width, height)
            # The manager's own language, chosen in the header: Korean is the widest script.
            driver.get(manager.base + "/inbox/")
            old_page = driver.find_element(By.TAG_NAME, "html")
            Select(driver.find_element(By.NAME, "language")).select_by_value("ko")
            wait_for(lambda d=driver, page=old_page: _replaced(d, page), what="the Korean page")
            assert "받은 메시지" in driver.page_source
            assert horizontal_overflow_px(driver) == 0
            full_page_screenshot(driver, SCREENSHOTS_DIR / f"inbox-ko-{width}.png", width)
        finally:
            driver.quit()


def _replaced(driver, page) -> bool:
    from selenium.webdriver.support.expected_conditions import staleness_of

    return staleness_of(page)(driver) and 'lang="ko"' in driver.page_source
