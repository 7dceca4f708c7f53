"""The frame of every portal page in Chromium, at a phone's and a desktop's width: skip link,
header with the language picker and "I want to talk to a person", `lang`/`dir` following the
chosen language, the language kept for the session, both loopback names."""

from __future__ import annotations

import pytest
from portal_browser import (
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
from portal_harness import SCREENSHOTS
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from portal.i18n import TEXTS

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_the_start_page_fits_a_phone_and_offers_a_person_and_five_languages(
    portal_url: str, phone: WebDriver
) -> None:
    open_page(phone, portal_url, "start")
    wait_text(phone, "Regel wat er verandert in uw leven")
    until(phone, lambda d: html_attributes(d) == ("nl", "ltr"))
    talk = element(phone, "talk-link")
    assert talk.text == TEXTS["talk_link"]["nl"]
    assert talk.get_attribute("href").endswith("/praten")
    names = [element(phone, f"lang-{code}").text for code in ("nl", "en", "tr", "ar", "pl")]
    assert names == ["Nederlands", "English", "Türkçe", "العربية", "Polski"]
    assert element(phone, "lang-nl").get_attribute("aria-pressed") == "true"
    # The intake's life events, in plain words, to choose from.
    until(phone, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#life-events input")) == 6)
    assert not overflows_horizontally(phone)
    # Touch targets of at least 44 px for the picker, 48 px for the rest.
    assert talk.size["height"] >= 48
    assert element(phone, "lang-ar").size["height"] >= 44
    assert element(phone, "start").size["height"] >= 48
    shot(phone, "layout-01-start-nl-360")


def test_arabic_turns_the_page_right_to_left_and_stays_for_the_session(
    portal_url: str, phone: WebDriver
) -> None:
    open_page(phone, portal_url, "start")
    click(phone, "lang-ar")
    wait_text(phone, TEXTS["home_title"]["ar"])
    until(phone, lambda d: html_attributes(d) == ("ar", "rtl"))
    frame = phone.find_element(By.CLASS_NAME, "portal")
    assert (frame.get_attribute("lang"), frame.get_attribute("dir")) == ("ar", "rtl")
    assert element(phone, "lang-ar").get_attribute("aria-pressed") == "true"
    # Mirrored: the site's name starts at the right edge of the header.
    name = element(phone, "home")
    assert name.location["x"] + name.size["width"] > 360 / 2
    assert not overflows_horizontally(phone)
    shot(phone, "layout-02-start-ar-360")
    # Another page of the same session is in Arabic too.
    click(phone, "talk-link")
    wait_path(phone, "/praten")
    wait_text(phone, TEXTS["talk_title"]["ar"])
    until(phone, lambda d: html_attributes(d) == ("ar", "rtl"))
    shot(phone, "layout-03-talk-ar-360")


def test_a_link_with_a_language_opens_the_page_in_that_language(
    portal_url: str, desktop: WebDriver
) -> None:
    open_page(desktop, f"{portal_url}/?lang=pl", "start")
    wait_text(desktop, TEXTS["home_title"]["pl"])
    until(desktop, lambda d: html_attributes(d) == ("pl", "ltr"))
    shot(desktop, "layout-04-start-pl-1366")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(
    portal_url: str, desktop: WebDriver
) -> None:
    open_page(desktop, portal_url, "start")
    desktop.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = desktop.switch_to.active_element
    assert focused.get_attribute("class") == "skip-link"
    assert focused.is_displayed()
    assert focused.location["x"] >= 0
    # Visible focus: an outline wide enough to see.
    outline = desktop.execute_script(
        "return getComputedStyle(document.activeElement).outlineWidth;"
    )
    assert outline not in ("0px", "")
    shot(desktop, "layout-05-skip-link-1366")
    focused.send_keys(Keys.ENTER)
    until(desktop, lambda d: d.switch_to.active_element.get_attribute("id") == "main")


def test_the_portal_works_at_127_0_0_1_as_well_as_localhost(
    portal_url: str, desktop: WebDriver
) -> None:
    other = portal_url.replace("localhost", "127.0.0.1")
    open_page(desktop, other, "start")
    click(desktop, "lang-en")
    # The switch went over the websocket and came back: the backend accepted this origin.
    wait_text(desktop, TEXTS["home_title"]["en"])
    until(desktop, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#life-events input")) == 6)


def test_readable_at_200_percent_zoom_without_sideways_scrolling(
    portal_url: str, desktop: WebDriver
) -> None:
    open_page(desktop, portal_url, "start")
    # 200 % zoom of a 1366 px window is a 683 px wide viewport in CSS pixels.
    desktop.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 683, "height": 384, "deviceScaleFactor": 2, "mobile": False},
    )
    until(desktop, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#life-events input")) == 6)
    assert not overflows_horizontally(desktop)
    desktop.save_screenshot(str(SCREENSHOTS / "layout-06-zoom-200.png"))
