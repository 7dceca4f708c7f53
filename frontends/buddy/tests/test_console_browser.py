"""The console in headless Chromium (Debian's), driven by Selenium through chromium-driver.

Each test gets a fresh browser, so a fresh Reflex client token and a fresh server session.
Screenshots of the pages land in `tests/artifacts/`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator

import pytest
from console_harness import ARTIFACTS, CHROMEDRIVER, CHROMIUM, IDLE_TIMEOUT_S
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

WAIT_S = 20


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    """Headless Debian Chromium with no network of its own beyond localhost."""
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
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


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


def test_sign_in_page_is_dutch_with_labelled_inputs(browser: WebDriver, console_url: str) -> None:
    open_sign_in(browser, console_url)
    wait_text(browser, "Log in met uw medewerkersaccount.")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    labels = {
        label.get_attribute("for"): label.text
        for label in browser.find_elements(By.TAG_NAME, "label")
    }
    assert labels == {"username": "Gebruikersnaam", "password": "Wachtwoord"}
    assert browser.find_element(By.ID, "password").get_attribute("type") == "password"
    shot(browser, "sign-in-nl")


def test_wrong_password_is_refused_with_a_message(browser: WebDriver, console_url: str) -> None:
    sign_in(browser, console_url, "anna", "not-her-password")
    wait_text(browser, "Gebruikersnaam of wachtwoord klopt niet.")
    assert browser.current_url.rstrip("/").endswith("/inloggen")
    shot(browser, "sign-in-refused")


def test_casemanager_lands_on_work_queue_and_sees_dossier_unreachable(
    browser: WebDriver, console_url: str
) -> None:
    sign_in(browser, console_url, "anna", "anna-noord-2024")
    wait_path(browser, "/werkvoorraad")
    wait_text(browser, "Werkvoorraad")
    # Nothing listens at the dossier URL: the queue says so instead of showing any case.
    wait_text(browser, "Het dossier is niet bereikbaar.")
    assert "Anna Jansen" in browser.find_element(By.TAG_NAME, "header").text
    assert not browser.find_elements(By.ID, "queue-table")
    assert not browser.find_elements(By.ID, "nav-supervisor")
    shot(browser, "work-queue-dossier-unreachable")


def test_supervisor_sees_supervisor_page(browser: WebDriver, console_url: str) -> None:
    sign_in(browser, console_url, "sophie", "sophie-super-2024")
    wait_path(browser, "/supervisor")
    wait_text(browser, "Overzicht voor de supervisor")
    wait_text(browser, "Het dossier is niet bereikbaar.")
    assert not browser.find_elements(By.ID, "forbidden")
    assert browser.find_elements(By.ID, "nav-supervisor")
    shot(browser, "supervisor")


def test_casemanager_is_refused_the_supervisor_page(browser: WebDriver, console_url: str) -> None:
    sign_in(browser, console_url, "bram", "bram-noord-2024")
    wait_path(browser, "/werkvoorraad")
    browser.get(f"{console_url}/supervisor")
    wait_text(browser, "Geen toegang: deze pagina is alleen voor supervisors.")
    assert browser.find_elements(By.ID, "forbidden")
    shot(browser, "supervisor-refused")


def test_english_switch_translates_the_page(browser: WebDriver, console_url: str) -> None:
    open_sign_in(browser, console_url)
    browser.find_element(By.ID, "lang-switch").click()
    wait_text(browser, "Sign in with your staff account.")
    labels = [label.text for label in browser.find_elements(By.TAG_NAME, "label")]
    assert labels == ["Username", "Password"]
    sign_in_page_lang = browser.find_element(By.ID, "main").find_element(By.XPATH, "..")
    assert sign_in_page_lang.get_attribute("lang") == "en"
    # The choice holds after signing in (it lives in the session's state).
    browser.find_element(By.ID, "username").send_keys("chantal")
    browser.find_element(By.ID, "password").send_keys("chantal-zuid-2024")
    browser.find_element(By.ID, "sign-in").click()
    wait_text(browser, "Work queue")
    wait_text(browser, "The dossier cannot be reached.")
    shot(browser, "work-queue-en")


def test_session_expires_after_inactivity(browser: WebDriver, console_url: str) -> None:
    sign_in(browser, console_url, "anna", "anna-noord-2024")
    wait_path(browser, "/werkvoorraad")
    wait_text(browser, "Het dossier is niet bereikbaar.")
    # No user activity: the live refresh keeps running but does not keep the session alive;
    # the server ends it and sends the browser to sign in.
    wait_path(browser, "/inloggen", timeout=IDLE_TIMEOUT_S + WAIT_S)
    wait_text(browser, "Uw sessie is verlopen")
    shot(browser, "session-expired")
    # The server refuses the queue now: opening it again lands on sign-in.
    browser.get(f"{console_url}/werkvoorraad")
    wait_path(browser, "/inloggen")
    time.sleep(0.5)
    assert "Anna Jansen" not in browser.find_element(By.TAG_NAME, "body").text
