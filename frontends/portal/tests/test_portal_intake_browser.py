"""The self-service intake and the checklist+ in Chromium at a phone's width (360 px), against
the four real services on Kafka and PostgreSQL (issue 15 items 2 and 4): a citizen completes
"divorce + moving house" in Dutch and "income loss" in Arabic, leaves and comes back on the
link they kept, confirms their address with the code they received, sees the checklist and
ticks an item off. A screenshot of each step goes to var/screenshots/portal/."""

from __future__ import annotations

import re
import uuid

import pytest
from intake_steps import (
    answer_all,
    answer_and_next,
    answered,
    choose_life_events,
    code_sent_to,
    current_question,
    fill_in,
    submitted_intake,
    wait_checklist,
)
from portal_browser import (
    DESKTOP,
    chromium,
    click,
    element,
    html_attributes,
    open_page,
    overflows_horizontally,
    shot,
    until,
    wait_path,
    wait_text,
)
from portal_harness import Suite
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from portal.i18n import MONTHS, TEXTS

pytestmark = [pytest.mark.browser, pytest.mark.integration]

DUTCH_DATE = re.compile(r"\d{1,2} (" + "|".join(MONTHS["nl"]) + r") 20\d\d")
ARABIC_DATE = re.compile(r"\d{1,2} (" + "|".join(MONTHS["ar"]) + r") 20\d\d")


def _deadlines_ascend(section: object) -> bool:
    dates = [
        t.get_attribute("datetime")
        for t in section.find_elements(By.CSS_SELECTOR, "time")  # type: ignore[attr-defined]
    ]
    known = [d for d in dates if d]
    return known == sorted(known) and dates[: len(known)] == known


def test_a_dutch_citizen_completes_divorce_and_moving_house_on_a_phone(
    portal_url: str, suite: Suite, phone: WebDriver
) -> None:
    # Start page: nothing chosen is an error tied to the choice, announced.
    open_page(phone, portal_url, "start")
    until(phone, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#life-events input")) == 6)
    shot(phone, "nl-01-start")
    click(phone, "start")
    summary = element(phone, "error-summary")
    assert summary.get_attribute("role") == "alert"
    assert TEXTS["choose_error"]["nl"] in summary.text
    assert phone.switch_to.active_element.get_attribute("id") == "error-summary"
    shot(phone, "nl-02-start-error")
    choose_life_events(phone, portal_url, ["divorce", "moving_rented_home"])
    assert element(phone, "progress").text.startswith(TEXTS["progress"]["nl"])

    # The first question is required: going on without an answer names the problem at the field.
    _step, first, _kind = current_question(phone)
    click(phone, "next")
    until(phone, lambda d: bool(d.find_elements(By.ID, "answer-error")))
    assert element(phone, "error-summary").get_attribute("role") == "alert"
    described = element(phone, "answer").get_attribute("aria-describedby") or ""
    fieldset = phone.find_element(By.CSS_SELECTOR, "#question-form fieldset, #question-form .field")
    assert "answer-error" in described or "answer-error" in (
        fieldset.get_attribute("aria-describedby") or ""
    )
    assert phone.find_element(By.ID, "answer-error").text == TEXTS["error_required"]["nl"]
    shot(phone, "nl-03-question-error")
    # The summary's link takes the citizen to the field.
    phone.find_element(By.CSS_SELECTOR, "#error-summary a").click()
    until(phone, lambda d: d.switch_to.active_element.get_attribute("id") == "answer")

    # Two answers, then back: the second question again, with its answer to change.
    answer_and_next(phone, "")
    _step, second, second_kind = current_question(phone)
    fill_in(phone, second_kind, "")
    click(phone, "next")
    until(phone, lambda d: answered(d) == 2)
    click(phone, "back")
    until(phone, lambda d: current_question(d)[1] == second and answered(d) == 1)
    if second_kind in ("yes_no", "single", "multi"):
        checked = phone.find_elements(By.CSS_SELECTOR, "#question-form input:checked")
        assert len(checked) == 1, "the earlier answer is shown to change"
    shot(phone, "nl-04-back-to-change")
    click(phone, "next")
    until(phone, lambda d: answered(d) == 2)

    # Leave and continue later on the link kept: in another browser, at the same question.
    click(phone, "save-show")
    link = str(element(phone, "save-link").get_attribute("value"))
    assert "/verder?lang=nl#" in link
    token_part = link.split("#", 1)[1]
    shot(phone, "nl-05-continue-later-link")
    where = current_question(phone)
    other = chromium(DESKTOP)
    try:
        other.get(link)
        wait_path(other, "/vragen")
        until(other, lambda d: bool(d.find_elements(By.ID, "question-form")))
        until(other, lambda d: current_question(d) == where)
        assert token_part not in other.current_url, "the token is wiped from the address bar"
        assert "#" not in other.current_url
        shot(other, "nl-06-continued-on-desktop")
    finally:
        other.quit()

    # The rest of the questions, one a page.
    seen = answer_all(phone, "Ik weet niet waar ik moet beginnen met alles.", "nl-07")
    assert any(s.startswith("divorce/") for s in seen) or first.startswith("divorce")
    assert any(s.startswith("moving_rented_home/") for s in seen)

    # Contact in plain words, one agency to share with, the code from the mail server.
    wait_path(phone, "/contact")
    element(phone, "contact-save")
    wait_text(phone, TEXTS["share_legend"]["nl"])
    shot(phone, "nl-08-contact")
    click(phone, "channel-email")
    address = f"burger-{uuid.uuid4().hex[:10]}@example.org"
    element(phone, "email").send_keys(address)
    shares = phone.find_elements(By.CSS_SELECTOR, "#share input[type=checkbox]")
    assert shares, "agencies named to choose from"
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", shares[0])
    shares[0].click()
    click(phone, "contact-save")
    element(phone, "code")
    shot(phone, "nl-09-code")
    assert suite.outbox is not None
    element(phone, "code").send_keys(code_sent_to(suite.outbox, address))
    click(phone, "code-verify")
    element(phone, "send")
    wait_text(phone, TEXTS["code_ok"]["nl"])
    shot(phone, "nl-10-ready-to-send")
    click(phone, "send")

    # The checklist: by agency, by deadline, dates written out in Dutch, how to reach them.
    sections = wait_checklist(phone)
    assert not phone.find_elements(By.ID, "held"), "a confirmed intake is not held"
    body = phone.find_element(By.TAG_NAME, "body").text
    assert DUTCH_DATE.search(body), "a deadline written out in Dutch"
    assert all(_deadlines_ascend(section) for section in sections)
    assert phone.find_elements(By.CSS_SELECTOR, "a[href^='tel:']"), "a number to call"
    assert phone.find_elements(By.CSS_SELECTOR, ".how a[href^='https://']"), "a website"
    assert not overflows_horizontally(phone)
    shot(phone, "nl-11-checklist")
    # Printable: the print view leaves the navigation out and keeps every date.
    phone.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not element_displayed(phone, "talk-link")
    assert not element_displayed(phone, "print")
    tasks = phone.find_elements(By.CSS_SELECTOR, ".task")
    deadlines = phone.find_elements(By.CSS_SELECTOR, ".task .task-deadline")
    assert len(deadlines) == len(tasks)
    assert all(d.is_displayed() for d in deadlines)
    shot(phone, "nl-12-checklist-print")
    phone.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def element_displayed(driver: WebDriver, ident: str) -> bool:
    """Whether the element with id `ident` is shown (False when absent)."""
    found = driver.find_elements(By.ID, ident)
    return bool(found) and bool(found[0].is_displayed())


def test_an_arabic_citizen_completes_income_loss_on_a_phone_right_to_left(
    portal_url: str, phone: WebDriver
) -> None:
    open_page(phone, portal_url, "start")
    click(phone, "lang-ar")
    wait_text(phone, TEXTS["home_title"]["ar"])
    choose_life_events(phone, portal_url, ["income_loss"])
    until(phone, lambda d: html_attributes(d) == ("ar", "rtl"))
    assert TEXTS["progress"]["ar"] in element(phone, "progress").text
    assert element(phone, "next").text == TEXTS["next"]["ar"]
    shot(phone, "ar-01-first-question")
    # Worked long enough for WW: the checklist then has deadlines (apply within a week).
    answer_all(
        phone, "فقدت عملي ولا أعرف كيف أدفع الإيجار.", "ar-02", {"worked_26_weeks": "answer"}
    )
    wait_path(phone, "/contact")
    wait_text(phone, TEXTS["contact_title"]["ar"])
    shot(phone, "ar-03-contact")
    click(phone, "no-messages")
    element(phone, "send")
    shot(phone, "ar-04-ready-to-send")
    click(phone, "send")
    wait_checklist(phone)
    wait_text(phone, TEXTS["checklist_title"]["ar"])
    until(phone, lambda d: html_attributes(d) == ("ar", "rtl"))
    body = phone.find_element(By.TAG_NAME, "body").text
    assert ARABIC_DATE.search(body), "a deadline written out in Arabic"
    # Sent without a confirmed address: held from the agencies, and the page says so.
    assert TEXTS["checklist_held"]["ar"] in element(phone, "held").text
    assert not overflows_horizontally(phone)
    shot(phone, "ar-05-checklist")


def test_the_citizen_ticks_a_checklist_item_off_and_it_stays_ticked(
    portal_url: str, suite: Suite, phone: WebDriver
) -> None:
    intake = submitted_intake(suite.urls["intake"], ["income_loss"], "nl")
    # The continue-later link of a sent intake opens its checklist.
    phone.get(f"{portal_url}/verder#{intake['id']}~{intake['token']}")
    wait_checklist(phone)
    first = phone.find_elements(By.CSS_SELECTOR, ".task input[type=checkbox]")[0]
    ident = str(first.get_attribute("id")).removeprefix("done-")
    assert element(phone, f"status-{ident}").text == TEXTS["status_todo"]["nl"]
    click(phone, f"done-{ident}")
    until(phone, lambda d: d.find_element(By.ID, f"status-{ident}").text == "Gedaan")
    assert not phone.find_elements(By.ID, "checklist-notice")
    shot(phone, "tick-01-done")
    phone.refresh()
    wait_checklist(phone)
    until(phone, lambda d: d.find_element(By.ID, f"status-{ident}").text == "Gedaan")


def test_a_tampered_continue_later_link_shows_a_clear_page_and_no_data(
    portal_url: str, phone: WebDriver
) -> None:
    phone.get(f"{portal_url}/verder#{uuid.uuid4()}~eyJhbGciOiJIUzI1NiJ9.e30.tampered-signature")
    wait_text(phone, TEXTS["resume_failed"]["nl"][:40])
    assert "#" not in phone.current_url
    assert not phone.find_elements(By.ID, "question-form")
    assert element(phone, "resume-home").get_attribute("href").endswith("/")
    shot(phone, "resume-01-tampered")
