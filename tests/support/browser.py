"""Debian's Chromium driven through Selenium: headless, offline, with Debian's chromedriver."""

from __future__ import annotations

from pathlib import Path

from support.waiting import wait_for

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
    """The whole page at ``width``: the window is grown to the page's height first."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    wanted = max(400, min(int(height), 4000))
    driver.set_window_size(width, wanted)
    wait_for(
        lambda: driver.execute_script("return window.innerHeight") >= wanted - 150,
        what="the window grown to the page's height",
    )
    # The window's own frame takes part of its height: grow it by what is missing.
    short = wanted - int(driver.execute_script("return window.innerHeight"))
    if short > 0:
        driver.set_window_size(width, wanted + short)
        wait_for(
            lambda: driver.execute_script("return window.innerHeight") >= wanted,
            what="the window grown past its frame",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))


def horizontal_overflow_px(driver) -> int:
    return int(
        driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )
