"""A desk intake in the console from start to the case page showing its referrals.

Intake, routing and the dossier run as real processes on the real broker (each with its own
SQLite database), the console against them. Anna takes an intake at the desk: the life event,
every question one at a time (one answer undone with "back"), a wrong number and a wrong
e-mail address shown next to their fields, the contact and sharing choices with the script,
the citizen's details, submit; the console opens the new case, and the test waits until the
case page shows the referral routing issued from the submitted intake.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import pytest
from browser_harness import WAIT_S, click, shot, sign_in, until, wait_path, wait_text
from console_harness import ARTIFACTS, CHROMEDRIVER, CHROMIUM, IDLE_TIMEOUT_S, ConsoleProcess
from desk_harness import ServiceProcess, free_port
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from buddy.i18n import NL

pytestmark = pytest.mark.browser

KAFKA = "127.0.0.1:9092"
REFERRAL_WAIT_S = 120
"""Intake's relay, routing's consumer and the dossier's consumer on a shared broker."""


@pytest.fixture(scope="module")
def desk_services(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, ServiceProcess]]:
    """Intake, routing and dossier on the real broker."""
    started: list[ServiceProcess] = []
    try:
        for name in ("intake", "routing", "dossier"):
            service = ServiceProcess(name, tmp_path_factory.mktemp(f"desk-{name}"), KAFKA)
            started.append(service)
            service.start(messaging=True)
        yield {s.service: s for s in started}
    finally:
        for service in started:
            service.stop()


@pytest.fixture(scope="module")
def desk_console(
    desk_services: dict[str, ServiceProcess], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The console against those three services, built in a folder of its own (the suite's
    console may be running from `frontends/buddy/.web`)."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("chromium/chromedriver missing: run scripts/console-tools.sh first")
    console = ConsoleProcess(
        free_port(),
        {
            "VOORPORTAAL_CONSOLE_SESSION_IDLE_TIMEOUT_S": str(max(IDLE_TIMEOUT_S, 120)),
            "VOORPORTAAL_CONSOLE_CASE_REFRESH_INTERVAL_S": "2",
            "VOORPORTAAL_DOSSIER_URL": desk_services["dossier"].url,
            "VOORPORTAAL_ROUTING_URL": desk_services["routing"].url,
            "VOORPORTAAL_INTAKE_URL": desk_services["intake"].url,
        },
        ARTIFACTS / "desk-console.log",
        web_dir=tmp_path_factory.mktemp("desk-console") / ".web",
    )
    try:
        try:
            console.start()
        except RuntimeError as exc:
            pytest.fail(str(exc))
        yield console.url
    finally:
        console.stop()


_READ_FORM = """
const form = document.getElementById('desk-question-form');
if (document.getElementById('desk-contact-form')) { return ['contact', '', '']; }
if (!form) { return ['', '', '']; }
return [form.dataset.type || '', form.dataset.question || '', form.dataset.minimum || ''];
"""


def _form(driver: WebDriver) -> tuple[str, str, str]:
    """What is shown, read in one go (React replaces the form per question): (type, id,
    minimum) of the question, `contact` once the questions are done, or empty strings."""
    kind, question, minimum = driver.execute_script(_READ_FORM)
    return str(kind), str(question), str(minimum)


def _set(driver: WebDriver, value: str) -> None:
    """Fill the question's field (a date field through its value: typing depends on locale)."""
    field = driver.find_element(By.ID, "f-value")
    driver.execute_script("arguments[0].value = arguments[1];", field, value)


def _answer(driver: WebDriver, kind: str, minimum: str) -> None:
    """The demo's answer (as `voorportaal_intake.demo.sample_answer`): no, the first option,
    the minimum, a date, a postcode, a short text."""
    if kind == "yes_no":
        click(driver, "opt-no")
    elif kind in ("single", "multi"):
        first = driver.find_elements(By.CSS_SELECTOR, "#desk-question-form input[id^='opt-']")[0]
        first.click()
    elif kind == "number":
        _set(driver, minimum or "0")
    elif kind == "date":
        _set(driver, "2026-11-20")
    elif kind == "postcode":
        _set(driver, "3511 AB")
    else:
        _set(driver, "Ik ben mijn baan kwijt en weet niet waar ik moet beginnen.")
    click(driver, "desk-next")


def _next_question(driver: WebDriver, previous: str) -> None:
    """Wait until another question (or the contact step) is shown."""
    until(driver, lambda d: _form(d)[0] != "" and _form(d)[1] != previous)


def _last_code(intake: ServiceProcess) -> str:
    """The one-time code the intake sent last (this test's intake has only this intake's)."""
    with sqlite3.connect(intake.data_dir / "intake.db") as conn:
        (value,) = conn.execute(
            "SELECT value FROM outbox WHERE event_type = ? ORDER BY id DESC LIMIT 1",
            ("nl.voorportaal.contact.verification-requested",),
        ).fetchone()
    return str(json.loads(value)["code"])


def _where(services: dict[str, ServiceProcess], case_id: str) -> str:
    """Which of this test's services took the case in (to tell a broken flow from a shared
    consumer group that handed the case to someone else's routing or dossier)."""
    found = []
    for name, table in (("routing", "referrals"), ("dossier", "dossier_cases")):
        db = services[name].data_dir / f"{name}.db"
        with sqlite3.connect(db) as conn:
            rows = conn.execute(f"SELECT count(*) FROM {table} WHERE case_id = ?", (case_id,))  # noqa: S608 - names above
            found.append(f"{name}: {rows.fetchone()[0]} row(s) in {table}")
    return "; ".join(found)


def test_a_desk_intake_from_start_to_the_case_page_showing_its_referrals(
    desk_console: str, desk_services: dict[str, ServiceProcess], browser: WebDriver
) -> None:
    browser.set_window_size(1366, 768)
    sign_in(browser, desk_console, "anna", "anna-noord-2024")
    wait_path(browser, "/werkvoorraad")
    click(browser, "nav-desk")
    wait_path(browser, "/intake")
    WebDriverWait(browser, WAIT_S).until(ec.element_to_be_clickable((By.ID, "desk-start")))
    shot(browser, "desk-1-start")

    # Nothing chosen: both reasons next to their fields, nothing sent.
    click(browser, "desk-start")
    wait_text(browser, NL["desk_err_life_events"])
    assert browser.find_element(By.ID, "error-channel").text == NL["desk_err_channel"]

    click(browser, "channel-desk")
    # Two life events whose questions (with the triage's) hold every question type.
    click(browser, "le-income_loss")
    click(browser, "le-moving_rented_home")
    click(browser, "desk-start")
    WebDriverWait(browser, WAIT_S).until(
        ec.presence_of_element_located((By.ID, "desk-question-form"))
    )

    seen: set[str] = set()
    helped = 0
    undone = wrong_number = False
    for _ in range(90):
        kind, question, minimum = _form(browser)
        if kind == "contact":
            break
        seen.add(kind)
        helped += bool(browser.find_elements(By.ID, "question-help"))
        if kind == "number" and not wrong_number:
            _set(browser, "veel")
            click(browser, "desk-next")
            wait_text(browser, NL["desk_err_number"])
            shot(browser, "desk-2-number-error")
            wrong_number = True
        _answer(browser, kind, minimum)
        _next_question(browser, question)
        if not undone and _form(browser)[0] not in ("", "contact"):
            # Back: the question just answered is asked again.
            click(browser, "desk-back")
            until(browser, lambda d, q=question: _form(d)[1] == q)
            undone = True
            _answer(browser, kind, minimum)
            _next_question(browser, question)
    else:
        pytest.fail("the questions never ended")
    assert undone and helped > 0
    assert seen == {"yes_no", "single", "multi", "date", "number", "postcode", "text"}, seen

    # Contact: the script to read, a wrong address named next to its field by the intake.
    wait_text(browser, "We houden u op de hoogte.")
    shot(browser, "desk-3-contact")
    click(browser, "ch-email")
    browser.find_element(By.ID, "f-email").send_keys("geen-adres")
    click(browser, "sh-toeslagen")
    click(browser, "desk-contact")
    until(browser, lambda d: bool(d.find_elements(By.ID, "error-email")))
    assert browser.find_element(By.ID, "error-email").text.strip()
    shot(browser, "desk-4-contact-error")
    field = browser.find_element(By.ID, "f-email")
    field.clear()
    field.send_keys("j.jansen@example.org")
    click(browser, "desk-contact")

    # The code the citizen got, read out: a wrong one is named next to the field.
    WebDriverWait(browser, WAIT_S).until(ec.element_to_be_clickable((By.ID, "desk-verify")))
    code = _last_code(desk_services["intake"])
    browser.find_element(By.ID, "f-code").send_keys("000000" if code != "000000" else "111111")
    click(browser, "desk-verify")
    until(browser, lambda d: bool(d.find_elements(By.ID, "error-code")))
    shot(browser, "desk-5-code-wrong")
    field = browser.find_element(By.ID, "f-code")
    field.clear()
    field.send_keys(code)
    click(browser, "desk-verify")

    WebDriverWait(browser, WAIT_S).until(ec.element_to_be_clickable((By.ID, "desk-submit")))
    browser.find_element(By.ID, "f-name").send_keys("J. Jansen")
    browser.find_element(By.ID, "f-postcode").send_keys("1011 AB")
    shot(browser, "desk-6-citizen")
    click(browser, "desk-submit")

    # The console opens the new case; routing's referral shows once the dossier has it.
    until(browser, lambda d: "/zaak/vp-" in d.current_url)
    case_id = browser.current_url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        until(
            browser,
            lambda d: (
                "Dienst Toeslagen"
                in " ".join(e.text for e in d.find_elements(By.ID, "referrals-table"))
            ),
            timeout=REFERRAL_WAIT_S,
        )
    except TimeoutException:
        shot(browser, "desk-7-case-timeout")
        # The services share their consumer groups with every other process on this broker
        # (as all integration tests do): another member may have taken the case's partition.
        pytest.fail(f"no referral on the case page of {case_id}: {_where(desk_services, case_id)}")
    referrals = browser.find_element(By.ID, "referrals")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", referrals)
    shot(browser, "desk-7-case")
