"""Debian's Chromium driven through Selenium: headless, offline, with Debian's chromedriver."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
#: Debian's chromium-driver; Selenium must never fetch a driver of its own.
CHROMEDRIVER = "/usr/bin/chromedriver"
DESKTOP_PX = (1280, 900)
PHONE_PX = (360, 740)


def chromium(width: int = DESKTOP_PX[0], height: int = DESKTOP_PX[1]):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        # The test presses play itself; no speaker is needed for the element to play.
        "--autoplay-policy=no-user-gesture-required",
        "--lang=en-US",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(width, height)
    return driver


def sign_in(driver, base: str, name: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/accounts/login/")
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button.primary").click()


def full_page_screenshot(driver, path: Path, width: int) -> None:
    """The whole page at ``width``, however tall.

    Headless Chromium keeps its window within the screen it was started with,
    so growing the window cut tall pages at the screen's height: the viewport
    itself is made as tall as the document (DevTools' device metrics), then
    captured, and the PNG is checked to hold the whole document.
    """
    import base64
    import struct

    def document_height() -> int:
        return int(driver.execute_script("return document.documentElement.scrollHeight"))

    height = document_height()
    for _ in range(3):  # the layout may change once the viewport is taller (no scrollbar)
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        if document_height() == height:
            break
        height = document_height()
    try:
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    png = base64.b64decode(shot["data"])
    # A PNG's IHDR chunk: width and height, big-endian, at bytes 16-24.
    shot_width, shot_height = struct.unpack(">II", png[16:24])
    assert (shot_width, shot_height) == (width, height), (
        f"the screenshot of {path.name} is {shot_width}x{shot_height}, the page {width}x{height}"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)


def horizontal_overflow_px(driver) -> int:
    return int(
        driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )
