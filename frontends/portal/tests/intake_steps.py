"""Steps of the self-service intake in the browser, shared by the portal's browser tests: choose
life events, answer the question on the page as a citizen would, read the one-time code."""

from __future__ import annotations

import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from portal_browser import WAIT_S, click, element, open_page, shot, until, wait_path
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement


def today() -> str:
    """Today in the Netherlands (YYYY-MM-DD): a date every date question allows."""
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()


SET_VALUE = (
    "const el = arguments[0];"
    "const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype"
    " : HTMLInputElement.prototype;"
    "Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);"
    "el.dispatchEvent(new Event('input', {bubbles: true}));"
)
"""Set a field's value the way typing does (React sees an input event): for date fields,
whose keyboard entry depends on the browser's locale."""


def set_value(driver: WebDriver, field: WebElement, value: str) -> None:
    """Put `value` into `field` as if typed."""
    driver.execute_script(SET_VALUE, field, value)


def choose_life_events(driver: WebDriver, base: str, codes: list[str]) -> None:
    """Open the start page, tick the life events, start."""
    open_page(driver, base, "start")
    until(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#life-events input")) == 6)
    for code in codes:
        click(driver, f"event-{code}")
    click(driver, "start")
    wait_path(driver, "/vragen")
    element(driver, "next")


def current_question(driver: WebDriver) -> tuple[str, str, str]:
    """(step, question id, type) of the question on the page."""
    form = driver.find_element(By.ID, "question-form")
    return (
        str(form.get_attribute("data-step")),
        str(form.get_attribute("data-question")),
        str(form.get_attribute("data-type")),
    )


def answered(driver: WebDriver) -> int:
    """The progress line's count of answered questions."""
    return int(driver.find_element(By.ID, "answered").text)


def fill_in(driver: WebDriver, kind: str, own_words: str) -> None:
    """Answer the question on the page, as a citizen would: "no" to yes/no questions, the first
    choice, today's date (allowed by every date question), a plain amount, a postcode."""
    if kind == "yes_no":
        click(driver, "answer-false")
    elif kind in ("single", "multi"):
        click(driver, "answer")
    elif kind == "date":
        set_value(driver, element(driver, "answer"), today())
    elif kind == "number":
        form = driver.find_element(By.ID, "question-form")
        low, high = form.get_attribute("data-minimum"), form.get_attribute("data-maximum")
        number = min(max(1500.0, float(low or 0)), float(high or 1500))
        element(driver, "answer").send_keys(str(int(number)))
    elif kind == "postcode":
        element(driver, "answer").send_keys("3511 AB")
    else:
        element(driver, "answer").send_keys(own_words)


def answer_and_next(
    driver: WebDriver, own_words: str, clicks: dict[str, str] | None = None
) -> None:
    """Answer the question on the page and go on; wait until the next one (or the contact
    page) is there. `clicks` names, per question id, the choice to click instead (its
    element id: `answer` is the first choice, `answer-<value>` the others)."""
    before = answered(driver)
    _step, qid, kind = current_question(driver)
    if clicks and qid in clicks:
        click(driver, clicks[qid])
    else:
        fill_in(driver, kind, own_words)
    click(driver, "next")
    until(
        driver,
        lambda d: (
            d.current_url.split("?")[0].endswith("/contact")
            or (bool(d.find_elements(By.ID, "answered")) and answered(d) > before)
        ),
    )


def answer_all(
    driver: WebDriver,
    own_words: str,
    prefix: str,
    clicks: dict[str, str] | None = None,
    limit: int = 80,
) -> list[str]:
    """Answer every question until the contact page; a screenshot of each; the question ids."""
    seen: list[str] = []
    for index in range(limit):
        if driver.current_url.split("?")[0].endswith("/contact"):
            return seen
        step, qid, _kind = current_question(driver)
        seen.append(f"{step}/{qid}")
        shot(driver, f"{prefix}-q{index + 1:02d}-{step}-{qid}")
        answer_and_next(driver, own_words, clicks)
    raise AssertionError(f"still asking after {limit} questions: {seen[-5:]}")


_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def code_sent_to(outbox: Path, address: str, timeout_s: float = 90) -> str:
    """The six-digit code the local mail server received for `address` (waits for it)."""
    from voorportaal.devservers import read_sent_emails

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if outbox.exists():
            for mail in read_sent_emails(outbox):
                if address in mail.rcpt_tos:
                    body = mail.message().get_body(("plain", "html"))
                    found = _CODE.findall(body.get_content() if body is not None else "")
                    if found:
                        return str(found[-1])
        time.sleep(0.5)
    raise AssertionError(f"no code for {address} within {timeout_s} s")


def submitted_intake(intake_url: str, life_events: list[str], language: str) -> dict[str, Any]:
    """An intake started, answered and submitted through the intake API as a citizen (no
    address: held from the agencies), for tests that start at the checklist. Its `id` and
    `token`."""
    from voorportaal_intake.demo import sample_answer

    with httpx.Client(base_url=intake_url, timeout=30) as http:
        body: dict[str, Any] = {"life_events": life_events, "channel": "web", "language": language}
        started = http.post("/intakes", json=body)
        if started.status_code in (400, 422) and "language" in started.text:
            # An intake from before `StartIntake.language` (ck-intake, issue 15).
            del body["language"]
            started = http.post("/intakes", json=body)
        assert started.status_code == 201, started.text
        intake = started.json()
        token = intake["token"]
        auth = {"Authorization": f"Bearer {token}"}
        while intake["next"] is not None:
            step, question = intake["next"]["step"], intake["next"]["question"]
            value = sample_answer(question, today=today())
            answered_now = http.put(
                f"/intakes/{intake['id']}/answers/{step}/{question['id']}",
                json={"value": value},
                headers=auth,
            )
            assert answered_now.status_code == 200, answered_now.text
            intake = answered_now.json()
        done = http.post(f"/intakes/{intake['id']}/submit", headers=auth)
        assert done.status_code == 200, done.text
        return {**done.json(), "token": token}


def wait_checklist(driver: WebDriver) -> list[WebElement]:
    """The checklist page's agency sections, once shown."""
    wait_path(driver, "/takenlijst")
    until(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "section.agency")) > 0, WAIT_S)
    return list(driver.find_elements(By.CSS_SELECTOR, "section.agency"))
