"""Driving the portal in headless Chromium (Debian's, through chromium-driver) at a phone's
width (360 x 740) and a desktop's (1366 x 768), and the waits and steps the tests share."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Final

from portal_harness import CHROMEDRIVER, CHROMIUM, SCREENSHOTS
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

WAIT_S: Final = 30
PHONE: Final = (360, 740)
DESKTOP: Final = (1366, 768)


def chromium(size: tuple[int, int]) -> WebDriver:
    """Headless Debian Chromium with a fresh profile, its viewport `size` CSS pixels."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="portal-chromium-")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={size[0]},{size[1]}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    # --window-size sets the window; make the viewport itself the size asked for.
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight];")
    outer = driver.get_window_size()
    driver.set_window_size(
        outer["width"] + size[0] - int(inner[0]), outer["height"] + size[1] - int(inner[1])
    )
    return driver


def shot(driver: WebDriver, name: str) -> None:
    """Save a screenshot of the whole page (not only the viewport) to var/screenshots/portal/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = driver.execute_script("return window.innerWidth;")
    height = driver.execute_script("return document.documentElement.scrollHeight;")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": int(width), "height": int(height), "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def until(driver: WebDriver, check: Callable[[WebDriver], object], timeout: float = WAIT_S) -> None:
    """Wait until `check` holds."""
    WebDriverWait(driver, timeout).until(check)


def wait_text(driver: WebDriver, text: str, timeout: float = WAIT_S) -> None:
    """Wait until `text` appears in the page body."""
    WebDriverWait(driver, timeout).until(
        ec.text_to_be_present_in_element((By.TAG_NAME, "body"), text)
    )


def wait_path(driver: WebDriver, path: str, timeout: float = WAIT_S) -> None:
    """Wait until the browser is on `path` (ignoring a trailing slash, query and fragment)."""
    WebDriverWait(driver, timeout).until(
        lambda d: d.current_url.split("#")[0].split("?")[0].rstrip("/").endswith(path.rstrip("/"))
    )


def element(driver: WebDriver, ident: str, timeout: float = WAIT_S) -> WebElement:
    """The element with id `ident` once it can be clicked, scrolled into view."""
    found: WebElement = WebDriverWait(driver, timeout).until(
        ec.element_to_be_clickable((By.ID, ident))
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", found)
    return found


def click(driver: WebDriver, ident: str) -> None:
    """Click the element with id `ident` once it can be clicked."""
    element(driver, ident).click()


def open_page(driver: WebDriver, url: str, ready_id: str) -> None:
    """Open `url` and wait until the element `ready_id` answers (the page is hydrated)."""
    driver.get(url)
    element(driver, ready_id)


def html_attributes(driver: WebDriver) -> tuple[str, str]:
    """`lang` and `dir` of the page's `<html>` element."""
    lang, direction = driver.execute_script(
        "return [document.documentElement.lang, document.documentElement.dir];"
    )
    return str(lang), str(direction)


def overflows_horizontally(driver: WebDriver) -> bool:
    """Whether the page is wider than the viewport (a phone user would have to scroll sideways)."""
    return bool(
        driver.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth + 1;"
        )
    )
