"""The status page behind a message link and "I want to talk to a person", end to end: the
four services on the real Kafka broker and PostgreSQL, the SMS that notify sends through the
local SMS stub, the portal in headless Chromium, and (for the wish) the staff console.

A case is opened the way production opens one, with contract events on the broker (the intake's
submission in Arabic, the citizen's confirmed phone, routing's referrals, the intake's checklist);
notify sends the SMS; the test opens the link in it like the citizen would.

Two tests need `ck-dossier`'s routes (issue 15, merged by the lead): ticking off from the status
page (`PUT /citizen/cases/{id}/checklist/{item}`) and the wish from it
(`POST /citizen/cases/{id}/person`, and the console's queue showing it). They are written against
the contracts and fail, not skip, without those routes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
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
from portal_harness import REPO, Suite, free_port, wait_answering
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from status_harness import ITEM, dossier_view

from portal.status_view import pick
from portal.status_words import WORDS

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def portal_link(link: str, portal_url: str) -> str:
    """The SMS's link as is (it names the portal's port at 127.0.0.1); checked, not rewritten."""
    assert urlsplit(link).port == urlsplit(portal_url).port, (link, portal_url)
    return link


def wait_shown(driver: WebDriver) -> None:
    """Wait until the status page shows the case (the dossier answered)."""
    element(driver, "case-status", timeout=60)


# ------------------------------------------------------------------------------ the tests


def test_the_sms_link_opens_the_status_in_the_citizens_own_language_arabic(
    portal_url: str, status_case: tuple[str, str, str], phone: WebDriver
) -> None:
    """Needs `ck-dossier`: `CitizenView.language`, the case's language, when no `?lang=`."""
    _, _, link = status_case
    url = portal_link(link, portal_url)
    phone.get(url)
    wait_shown(phone)
    until(phone, lambda d: html_attributes(d) == ("ar", "rtl"))
    assert element(phone, "status-heading").text == WORDS["status.title"]["ar"]
    # The address stays the message's short link: the long link never reaches the browser.
    assert phone.current_url == url
    shot(phone, "status-01-sms-link-ar-360")


def test_the_status_in_arabic_reads_right_to_left_and_switches_to_dutch(
    suite: Suite, portal_url: str, status_case: tuple[str, str, str], phone: WebDriver
) -> None:
    _, _, link = status_case
    url = f"{portal_link(link, portal_url)}?lang=ar"
    phone.get(url)
    wait_shown(phone)
    until(phone, lambda d: html_attributes(d) == ("ar", "rtl"))
    assert element(phone, "status-heading").text == WORDS["status.title"]["ar"]
    view = dossier_view(suite, link, "ar")
    assert element(phone, "case-status").text == pick(view["status"], "ar")
    body = phone.find_element(By.TAG_NAME, "body").text
    # What is arranged (the UWV helps) and what waits on whom (the gemeente after the UWV).
    for line in view["arranged"] + view["waiting"]:
        assert pick(line, "ar") in body
    assert WORDS["status.chain"]["ar"] in body
    # The long link is in neither the address nor the page.
    assert phone.current_url == url
    assert "link=" not in str(phone.execute_script("return document.documentElement.outerHTML"))
    assert not overflows_horizontally(phone)
    shot(phone, "status-02-ar-360")
    # Switchable: Dutch from the header's picker, the dossier's lines included.
    click(phone, "lang-nl")
    until(phone, lambda d: element(d, "case-status").text == pick(view["status"], "nl"))
    until(phone, lambda d: html_attributes(d) == ("nl", "ltr"))
    wait_text(phone, WORDS["status.chain"]["nl"])
    shot(phone, "status-03-switched-to-nl-360")


def test_the_status_page_on_a_desktop_and_at_200_percent_zoom_has_no_sideways_scroll(
    portal_url: str, status_case: tuple[str, str, str], desktop: WebDriver
) -> None:
    _, _, link = status_case
    desktop.get(f"{portal_link(link, portal_url)}?lang=ar")
    wait_shown(desktop)
    assert not overflows_horizontally(desktop)
    shot(desktop, "status-04-ar-1366")
    # 200 % zoom of a 1366 px window is a 683 px wide viewport in CSS pixels.
    desktop.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 683, "height": 384, "deviceScaleFactor": 2, "mobile": False},
    )
    try:
        until(desktop, lambda d: not overflows_horizontally(d))
    finally:
        desktop.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("language", ["nl", "tr"])
def test_a_tampered_link_shows_what_to_do_in_the_citizens_language_and_no_data(
    suite: Suite,
    portal_url: str,
    status_case: tuple[str, str, str],
    desktop: WebDriver,
    language: str,
) -> None:
    case_id, _, link = status_case
    tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
    desktop.get(f"{portal_link(tampered, portal_url)}?lang={language}")
    element(desktop, "link-refused", timeout=60)
    assert element(desktop, "link-refused").text == WORDS["link.title"][language]
    wait_text(desktop, WORDS["link.new"][language])
    call = element(desktop, "link-call")
    assert call.get_attribute("href").startswith("tel:")
    body = desktop.find_element(By.TAG_NAME, "body").text
    view = dossier_view(suite, link, language)
    for line in [view["status"], *view["arranged"], *view["waiting"]]:
        assert pick(line, language) not in body
    assert case_id not in body
    shot(desktop, f"status-05-refused-link-{language}-1366")


def test_talk_without_an_intake_or_a_link_shows_how_to_reach_a_person_now(
    portal_url: str, phone: WebDriver
) -> None:
    open_page(phone, f"{portal_url}/praten?lang=pl", "talk-now")
    wait_text(phone, WORDS["talk.now_title"]["pl"])
    assert element(phone, "talk-call").get_attribute("href") == "tel:14030"
    assert element(phone, "talk-start").get_attribute("href").endswith("/")
    shot(phone, "talk-01-no-case-pl-360")


def test_the_talk_form_names_a_missing_choice_tied_to_its_field(
    portal_url: str, status_case: tuple[str, str, str], phone: WebDriver
) -> None:
    _, _, link = status_case
    phone.get(f"{portal_link(link, portal_url)}?lang=ar")
    wait_shown(phone)
    click(phone, "talk-from-status")
    wait_path(phone, "/praten")
    click(phone, "talk-send")
    summary = element(phone, "error-summary")
    assert summary.get_attribute("role") == "alert"
    assert WORDS["talk.channel_missing"]["ar"] in summary.text
    fieldset = phone.find_element(By.ID, "channel")
    assert fieldset.get_attribute("aria-describedby") == "channel-error"
    assert phone.find_element(By.ID, "channel-error").text == WORDS["talk.channel_missing"]["ar"]
    shot(phone, "talk-02-missing-choice-ar-360")


# ----------------------------------------------------- these need ck-dossier's citizen routes


def test_the_citizen_ticks_a_checklist_item_off_from_the_status_page_by_keyboard(
    suite: Suite, portal_url: str, status_case: tuple[str, str, str], phone: WebDriver
) -> None:
    """Needs `ck-dossier`: the checklist in the citizen view and its tick-off route."""
    _, _, link = status_case
    phone.get(f"{portal_link(link, portal_url)}?lang=ar")
    wait_shown(phone)
    box = element(phone, f"check-{ITEM}")
    assert element(phone, f"check-{ITEM}-state").text == WORDS["status.to_do"]["ar"]
    shot(phone, "status-06-checklist-ar-360")
    box.send_keys(Keys.SPACE)
    until(phone, lambda d: d.find_element(By.ID, f"check-{ITEM}-state").text == "تم")
    assert box.is_selected()
    items = {i["item_id"]: i for i in dossier_view(suite, link, "ar")["checklist"]}
    assert items[ITEM]["done"] is True
    shot(phone, "status-07-ticked-off-ar-360")


@pytest.fixture(scope="module")
def console_url(suite: Suite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The staff console against the suite's dossier, signing with the suite's staff key.

    Built in a folder of its own: a prod build bakes its port into the page, and the console
    tests' own console may still be serving from `frontends/buddy/.web`."""
    port = free_port()
    web_dir = tmp_path_factory.mktemp("portal-console") / ".web"
    shared = REPO / "frontends" / "buddy" / ".web"
    if shared.is_dir():
        shutil.copytree(shared, web_dir, symlinks=True)
    log = (suite.logs / "console.log").open("wb")
    env = {
        **os.environ,
        "VOORPORTAAL_CONSOLE_PORT": str(port),
        "VOORPORTAAL_CONSOLE_STAFF_KEY_FILE": str(suite.staff_key),
        "VOORPORTAAL_DOSSIER_URL": suite.urls["dossier"],
        "VOORPORTAAL_ROUTING_URL": suite.urls["routing"],
        "VOORPORTAAL_CONSOLE_REFRESH_INTERVAL_S": "1",
        "REFLEX_WEB_WORKDIR": str(web_dir),
    }
    proc = subprocess.Popen(
        ["bash", str(REPO / "scripts" / "console.sh"), "run"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_answering(f"http://localhost:{port}/ping", proc, "console", 600)
        yield f"http://localhost:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=30)
        log.close()


def test_asking_to_talk_to_a_person_puts_the_case_in_the_console_queue(
    suite: Suite,
    portal_url: str,
    status_case: tuple[str, str, str],
    phone: WebDriver,
    console_url: str,
) -> None:
    """Needs `ck-dossier`: `POST /citizen/cases/{id}/person` and the queue showing the wish."""
    case_id, _, link = status_case
    phone.get(f"{portal_link(link, portal_url)}?lang=ar")
    wait_shown(phone)
    # Keyboard only: to the talk link, Enter; choose with the keyboard; send with Enter.
    element(phone, "talk-from-status").send_keys(Keys.ENTER)
    wait_path(phone, "/praten")
    element(phone, "channel-phone").send_keys(Keys.SPACE)
    element(phone, "time-morning").send_keys(Keys.SPACE)
    shot(phone, "talk-03-form-ar-360")
    element(phone, "talk-send").send_keys(Keys.ENTER)
    answer = element(phone, "talk-answer-by", timeout=60).text
    # By when, written out in Arabic (a weekday and a month name, the Dutch 17:00).
    assert "17:00" in answer and any(day in answer for day in ("الاثنين", "الثلاثاء",
        "الأربعاء", "الخميس", "الجمعة"))  # fmt: skip
    assert WORDS["talk.channel.phone"]["ar"] in answer
    shot(phone, "talk-04-sent-ar-360")
    # A casemanager signs in to the console like its own browser tests do and sees the case.
    staff = chromium(DESKTOP)
    try:
        open_page(staff, f"{console_url}/inloggen", "sign-in")
        staff.find_element(By.ID, "username").send_keys("anna")
        staff.find_element(By.ID, "password").send_keys("anna-noord-2024")
        click(staff, "sign-in")
        wait_path(staff, "/werkvoorraad")
        click(staff, "view-recommended")
        wait_text(staff, case_id, timeout=60)
        shot(staff, "talk-05-console-queue-1366")
    finally:
        staff.quit()
