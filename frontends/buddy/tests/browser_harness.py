"""Driving the console in headless Chromium (Debian's, through chromium-driver): the browser,
and the waits and steps the browser tests share."""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from console_harness import ARTIFACTS, CHROMEDRIVER, CHROMIUM
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

WAIT_S = 20


def chromium() -> WebDriver:
    """Headless Debian Chromium, with a fresh profile (so a fresh Reflex client token)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="buddy-chromium-")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    # Keep the page's console messages, so a test can see what the CSP blocked.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


def csp_violations(driver: WebDriver) -> list[str]:
    """What the Content-Security-Policy blocked on this page so far (from the console log)."""
    return [
        str(entry.get("message", ""))
        for entry in driver.get_log("browser")
        if "Content Security Policy" in str(entry.get("message", ""))
    ]


def wait_text(driver: WebDriver, text: str, timeout: float = WAIT_S) -> None:
    """Wait until `text` appears in the page body."""
    WebDriverWait(driver, timeout).until(
        ec.text_to_be_present_in_element((By.TAG_NAME, "body"), text)
    )


def wait_path(driver: WebDriver, path: str, timeout: float = WAIT_S) -> None:
    """Wait until the browser is on `path` (ignoring a trailing slash)."""
    WebDriverWait(driver, timeout).until(
        lambda d: d.current_url.split("?")[0].rstrip("/").endswith(path)
    )


def shot(driver: WebDriver, name: str) -> None:
    """Save a screenshot of the page as an artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def open_sign_in(driver: WebDriver, base: str) -> None:
    """Open the sign-in page and wait until it is hydrated (the form answers)."""
    driver.get(f"{base}/inloggen")
    WebDriverWait(driver, WAIT_S).until(ec.element_to_be_clickable((By.ID, "sign-in")))


def sign_in(driver: WebDriver, base: str, username: str, password: str) -> None:
    """Fill in and submit the sign-in form."""
    open_sign_in(driver, base)
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "sign-in").click()


def enter(
    driver: WebDriver, base: str, username: str, password: str, start: str = "/werkvoorraad"
) -> None:
    """Sign in and wait for the page the console opens first: the work queue, or `start`
    (a supervisor's overview)."""
    sign_in(driver, base, username, password)
    wait_path(driver, start)


def open_case(driver: WebDriver, base: str, case_id: str) -> None:
    """Open a case page and wait until the dossier's data is shown."""
    driver.get(f"{base}/zaak/{case_id}")
    WebDriverWait(driver, WAIT_S).until(ec.presence_of_element_located((By.ID, "case-heading")))
    wait_text(driver, "Er dreigt huisuitzetting.")


def click(driver: WebDriver, ident: str) -> None:
    """Click an element once it can be clicked (scrolled into view first)."""
    press(driver, WebDriverWait(driver, WAIT_S).until(ec.element_to_be_clickable((By.ID, ident))))


def press(driver: WebDriver, element: WebElement) -> None:
    """Click an element found otherwise, in the middle of the window first: a person does not
    click a button the case page's sticky bar covers, and Chromium refuses to."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def claim_as_anna(driver: WebDriver, base: str, case_id: str) -> None:
    """Sign in as Anna, open the case and take ownership."""
    enter(driver, base, "anna", "anna-noord-2024")
    open_case(driver, base, case_id)
    click(driver, "claim")
    until(driver, lambda d: "Anna Jansen" in owner(d))


def shot_of(driver: WebDriver, part: WebElement | str, name: str) -> None:
    """Scroll a part of the page (an element, or its id) to the top and save a screenshot."""
    element = driver.find_element(By.ID, part) if isinstance(part, str) else part
    driver.execute_script("arguments[0].scrollIntoView();", element)
    shot(driver, name)


def owner(driver: WebDriver) -> str:
    """The owner as the case header shows it."""
    return str(driver.find_element(By.ID, "owner").text)


def until(driver: WebDriver, check: Callable[[WebDriver], bool], timeout: float = WAIT_S) -> None:
    """Wait until `check` holds."""
    WebDriverWait(driver, timeout).until(check)


def storage(driver: WebDriver) -> str:
    """Everything the page keeps in the browser: session and local storage, and cookies."""
    return str(
        driver.execute_script(
            "return JSON.stringify({s: {...sessionStorage}, l: {...localStorage},"
            " c: document.cookie});"
        )
    )
