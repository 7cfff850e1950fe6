"""The terminals page in a real Chromium, fed by a real ``kiosk sync``; its QR code enrols."""

from __future__ import annotations

import pytest
import yaml

from support.browser import (
    DESKTOP_PX,
    PHONE_PX,
    chromium,
    full_page_screenshot,
    horizontal_overflow_px,
    sign_in,
)
from support.manager_live import SCREENSHOTS_DIR, USER_PASSWORD, LiveManager
from support.terminal_cli import kiosk, terminal_settings
from support.waiting import wait_for
from sync.health import write_device_status

pytestmark = pytest.mark.slow


@pytest.fixture
def manager(tmp_path):
    with LiveManager(tmp_path / "manager") as live:
        yield live
    assert "Traceback" not in live.output()


def read_qr_code(png: bytes) -> str:
    import cv2
    import numpy

    image = cv2.imdecode(numpy.frombuffer(png, numpy.uint8), cv2.IMREAD_GRAYSCALE)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return text


def test_a_dead_camera_is_flagged_and_a_new_terminal_enrols_by_its_qr_code(tmp_path, manager):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    token_file = tmp_path / "manager-token"
    manager.add_terminal("rome-01", "Trattoria Roma", token_file)
    token_file.chmod(0o600)
    manager.run("terminal", "add", "milano-01", "--site", "Trattoria Milano")
    password = tmp_path / "boss.password"
    password.write_text(USER_PASSWORD + "\n")
    manager.run("createuser", "boss", "--password-file", str(password), "--admin")
    settings = terminal_settings(tmp_path, manager.url, token_file)
    # The touchscreen app found the camera dead; the delivery service reports it.
    (tmp_path / "data").mkdir()
    write_device_status(tmp_path / "data", camera="error", microphone="ok")
    synced = kiosk("sync", "--once", settings=settings)
    assert synced.returncode == 0, synced.stderr

    driver = chromium(*DESKTOP_PX)
    try:
        sign_in(driver, manager.base, "boss", USER_PASSWORD)
        wait_for(lambda: "/inbox/" in driver.current_url, what="signed in")
        driver.find_element(By.LINK_TEXT, "Terminals").click()
        wait_for(lambda: "/terminals/" in driver.current_url, what="the terminals page")
        rome = driver.find_element(By.CSS_SELECTOR, 'li[data-terminal="rome-01"]')
        assert "flagged" in rome.get_attribute("class")
        assert "camera: error" in rome.text
        milan = driver.find_element(By.CSS_SELECTOR, 'li[data-terminal="milano-01"]')
        assert "flagged" not in milan.get_attribute("class")
        assert horizontal_overflow_px(driver) == 0
        full_page_screenshot(driver, SCREENSHOTS_DIR / "terminals-1280.png", DESKTOP_PX[0])
        driver.set_window_size(*DESKTOP_PX)

        driver.find_element(By.NAME, "terminal_id").send_keys("rome-07")
        Select(driver.find_element(By.NAME, "site")).select_by_visible_text("Trattoria Roma")
        driver.find_element(By.NAME, "submit-add").click()
        wait_for(lambda: driver.find_elements(By.ID, "enrolment-code"), what="the enrolment code")
        code = driver.find_element(By.ID, "enrolment-code").text
        link = read_qr_code(driver.find_element(By.CSS_SELECTOR, ".qr svg").screenshot_as_png)
        assert link == f"{manager.base}/api#code={code}"
        full_page_screenshot(driver, SCREENSHOTS_DIR / "terminal-enrolment-1280.png", DESKTOP_PX[0])
    finally:
        driver.quit()

    new_settings = tmp_path / "rome-07.yaml"
    new_settings.write_text(f"data_dir: {tmp_path / 'rome-07'}\n", encoding="utf-8")
    enrolled = kiosk("enroll", link, settings=new_settings)
    assert enrolled.returncode == 0, enrolled.stderr
    assert yaml.safe_load(new_settings.read_text())["terminal_id"] == "rome-07"

    driver = chromium(*PHONE_PX)
    try:
        sign_in(driver, manager.base, "boss", USER_PASSWORD)
        wait_for(lambda: "/inbox/" in driver.current_url, what="signed in")
        for name, path in (("terminals", "/terminals/"), ("terminal", "/terminals/rome-01/")):
            driver.get(manager.base + path)
            assert horizontal_overflow_px(driver) == 0, f"{path} scrolls sideways"
            if name == "terminals":
                enrolled_row = driver.find_element(By.CSS_SELECTOR, 'li[data-terminal="rome-07"]')
                assert "awaiting enrolment" not in enrolled_row.text
            full_page_screenshot(driver, SCREENSHOTS_DIR / f"{name}-{PHONE_PX[0]}.png", PHONE_PX[0])
            driver.set_window_size(*PHONE_PX)
    finally:
        driver.quit()
