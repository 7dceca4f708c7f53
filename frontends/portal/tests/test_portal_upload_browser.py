"""The citizen sends a document the buddy asked for, from the status page on a phone: the
request recorded through the dossier's staff API as the console records it, the page opened
from the message link at 360 x 740, a real PNG chosen and sent, "Ontvangen", and the dossier's
case (staff) lists it; a text file named `.pdf` is refused in the citizen's words, nothing
added, and axe finds nothing serious on the page with the upload and its refusal. The four
services on the real broker and PostgreSQL (see `conftest.py`)."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from axe_scan import scan
from portal_browser import element, html_attributes, overflows_horizontally, shot, until
from portal_harness import Suite
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from status_harness import dossier_case

from portal.citizen_api import opened_from_location
from portal.status_words import WORDS
from voorportaal_contracts.document_requests import request_text
from voorportaal_kit.auth import issue_staff_token, load_staff_signing_key

pytestmark = [pytest.mark.browser, pytest.mark.integration]

WHAT = "Uw huurcontract"


def _png() -> bytes:
    """A real 8 x 8 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _staff(suite: Suite) -> dict[str, str]:
    """A supervisor's bearer header, signed with the suite's console key."""
    assert suite.staff_key is not None
    token = issue_staff_token(
        load_staff_signing_key(suite.staff_key.read_bytes()),
        issuer="voorportaal-console",
        audience="voorportaal",
        subject="test-supervisor",
        roles=["supervisor"],
        name="Test supervisor",
    )
    return {"Authorization": f"Bearer {token}"}


def _case_id(suite: Suite, link: str) -> str:
    token = urlsplit(link).path.rsplit("/", 1)[-1]
    answer = httpx.get(
        f"{suite.urls['dossier']}/citizen/l/{token}", follow_redirects=False, timeout=10
    )
    return opened_from_location(answer.headers["location"]).case_id


def _documents(suite: Suite, case_id: str) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{suite.urls['dossier']}/cases/{case_id}", headers=_staff(suite), timeout=10
    )
    answer.raise_for_status()
    return list(answer.json().get("documents") or [])


def _send(driver: WebDriver, path: Path) -> None:
    """Choose `path` in the upload (as the file dialog would) and press "Versturen"."""
    chooser = driver.find_element(By.CSS_SELECTOR, "#document-upload input[type=file]")
    chooser.send_keys(str(path))
    until(driver, lambda d: path.name in element(d, "upload-chosen").text)
    element(driver, "upload-send").click()


@pytest.fixture(scope="module")
def asked(suite: Suite, portal_url: str) -> tuple[str, str]:
    """(status link, case id) of a case whose buddy asked for a document."""
    link = dossier_case(suite, portal_url)
    case_id = _case_id(suite, link)
    due = (datetime.now(UTC) + timedelta(days=5)).replace(microsecond=0)
    answer = httpx.post(
        f"{suite.urls['dossier']}/cases/{case_id}/actions",
        headers=_staff(suite),
        json={"text": request_text(WHAT), "due_at": due.isoformat()},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return link, case_id


def test_the_citizen_sends_the_asked_document_from_a_phone_and_the_dossier_has_it(
    suite: Suite, asked: tuple[str, str], phone: WebDriver, tmp_path: Path
) -> None:
    link, case_id = asked
    phone.get(f"{link}?lang=nl")
    heading = WORDS["status.send_document"]["nl"].format(what=WHAT)
    until(phone, lambda d: heading in element(d, "document-requests", timeout=60).text)
    assert "PDF" in element(phone, "upload-allowed").text
    accept = phone.find_element(By.CSS_SELECTOR, "#document-upload input[type=file]")
    assert "image/*" in (accept.get_attribute("accept") or "")
    before = _documents(suite, case_id)

    picture = tmp_path / "huurcontract.png"
    picture.write_bytes(_png())
    _send(phone, picture)
    received = WORDS["status.received"]["nl"].format(name=picture.name)
    until(phone, lambda d: element(d, "upload-received", timeout=30).text == received)
    assert not overflows_horizontally(phone)
    shot(phone, "upload-01-received-nl-360")

    after = _documents(suite, case_id)
    assert len(after) == len(before) + 1
    (added,) = [d for d in after if d["id"] not in {b["id"] for b in before}]
    assert (added["title"], added["media_type"]) == (WHAT, "image/png")
    assert added["uploaded_by"] != "test-supervisor"


def test_a_text_file_named_pdf_is_refused_in_the_citizens_words_and_nothing_is_added(
    suite: Suite, asked: tuple[str, str], phone: WebDriver, tmp_path: Path
) -> None:
    link, case_id = asked
    before = _documents(suite, case_id)
    fake = tmp_path / "contract.pdf"
    fake.write_text("Dit is geen PDF.\n")
    for language in ("nl", "ar"):
        phone.get(f"{link}?lang={language}")
        heading = WORDS["status.send_document"][language].format(what=WHAT)
        until(phone, lambda d, h=heading: h in element(d, "document-requests", timeout=60).text)
        _send(phone, fake)
        refused = WORDS["status.upload_wrong_type"][language]
        until(phone, lambda d, r=refused: element(d, "upload-problem", timeout=30).text == r)
        assert not overflows_horizontally(phone)
        if language == "ar":
            assert html_attributes(phone) == ("ar", "rtl")
        shot(phone, f"upload-02-refused-{language}-360")
        checked = scan(phone, "status-upload", language)
        print(checked.line())
        assert not checked.blocking, checked.explain()
    assert _documents(suite, case_id) == before
