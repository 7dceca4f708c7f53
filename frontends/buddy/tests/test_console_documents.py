"""Documents on the case page in headless Chromium against the real dossier: a real PNG and a
real PDF added through the file input and shown in the table in words; a text file renamed
`.pdf` refused with the dossier's own message and nothing added; a download whose bytes are
the upload's (and the read in the dossier's audit log); a document asked of the citizen,
confirmed and listed. The helpers that name, word and recognise things are tested without a
browser."""

from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_harness import (
    WAIT_S,
    click,
    csp_violations,
    open_case,
    press,
    shot,
    sign_in,
    until,
)
from console_harness import staff_headers
from dossier_harness import DOCUMENT_CASE, DOCUMENT_QUEUE_CASE, DossierProcess
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from buddy import api
from buddy.labels import Words
from buddy.pages.case.documents import (
    download_name,
    request_text,
    requested_document,
)
from buddy.rows.case_parts import document_row
from buddy.rows.formats import local_when, size_words
from voorportaal_contracts.api.dossier import DocumentOut


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A real PNG image (red pixels), made here so the test needs no file of its own."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(text: str = "Huurcontract") -> bytes:
    """A real one-page PDF with a line of text (cross-reference table and all)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


# --------------------------------------------------------------------------- without a browser


def test_a_download_is_named_after_the_title_with_safe_characters_and_its_extension() -> None:
    assert download_name("Huurcontract 2025", "application/pdf") == "Huurcontract-2025.pdf"
    assert download_name("Loonstrook (mei) ../../etc", "image/png") == "Loonstrook-mei-etc.png"
    assert download_name("Beschikking één", "image/jpeg") == "Beschikking-een.jpg"
    assert download_name("", "application/pdf") == "document.pdf"
    assert download_name("///", "image/png") == "document.png"


def test_a_request_reads_as_a_document_to_upload_and_is_recognised_again() -> None:
    text = request_text("Uw huurcontract.")
    assert text.startswith("Document gevraagd: Uw huurcontract.")
    assert "uploaden" in text
    assert requested_document(text) == "Uw huurcontract"
    assert requested_document("Bel de gemeente voor een afspraak.") is None


def test_a_document_row_says_its_type_size_uploader_time_and_sharing_in_words() -> None:
    out = DocumentOut(
        id="doc-1",
        sha256="0" * 64,
        media_type="image/jpeg",
        size=2_600_000,
        title="Loonstrook",
        shared_with=["uwv", "svb"],
        uploaded_by="citizen",
        uploaded_at="2026-07-01T10:05:00+00:00",
    )
    row = document_row(out)
    assert row.type_words == Words(nl="Foto (JPEG)", en="Photo (JPEG)")
    assert row.size_words == Words(nl="2,5 MB", en="2.5 MB")
    assert row.by_words == Words(nl="De burger", en="The citizen")
    assert row.at == "2026-07-01 12:05"  # summer time in Amsterdam
    assert row.shared_words.nl == "UWV, Sociale Verzekeringsbank (SVB)"
    assert size_words(300) == Words(nl="1 kB", en="1 kB")
    assert size_words(10 * 1024 * 1024) == Words(nl="10 MB", en="10 MB")
    assert local_when("2026-12-06T19:00:00+00:00") == "2026-12-06 20:00"


def test_a_refusal_names_the_field_and_says_its_reason_once() -> None:
    reason = "only PDF, JPEG and PNG are accepted; this is a file of an unknown type"
    answer = httpx.Response(
        400, json={"detail": reason, "errors": [{"field": "file", "reason": reason}]}
    )
    # No Dutch from the API: the English, in either language.
    assert api._problem_detail(answer) == Words(nl=f"file: {reason}", en=f"file: {reason}")
    answer = httpx.Response(
        400, json={"detail": "Invalid input", "errors": [{"field": "due_at", "reason": "late"}]}
    )
    said = "Invalid input — due_at: late"
    assert api._problem_detail(answer) == Words(nl=said, en=said)


def test_a_refusal_in_dutch_and_english_keeps_both() -> None:
    answer = httpx.Response(
        403,
        json={
            "detail": "only the citizen, or a casemanager of the case on their behalf",
            "detail_nl": "alleen de burger, of namens de burger een casemanager van de zaak",
        },
    )
    assert api._problem_detail(answer) == Words(
        nl="alleen de burger, of namens de burger een casemanager van de zaak",
        en="only the citizen, or a casemanager of the case on their behalf",
    )
    refused = api.ActionFailed("dossier", 403, api._problem_detail(answer))
    assert refused.detail == "only the citizen, or a casemanager of the case on their behalf"


def test_a_field_refusal_says_the_reason_in_dutch_where_the_api_gave_it() -> None:
    answer = httpx.Response(
        400,
        json={
            "detail": "the file is empty",
            "detail_nl": "het bestand is leeg",
            "errors": [
                {"field": "file", "reason": "the file is empty", "reason_nl": "het bestand is leeg"}
            ],
        },
    )
    assert api._problem_detail(answer) == Words(
        nl="file: het bestand is leeg", en="file: the file is empty"
    )


# --------------------------------------------------------------------------- in the browser


def _documents(dossier: DossierProcess) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{dossier.url}/cases/{DOCUMENT_CASE}", headers=staff_headers("cm-anna"), timeout=10
    )
    response.raise_for_status()
    documents: list[dict[str, Any]] = response.json()["documents"]
    return documents


def _rows(browser: WebDriver) -> list[list[str]]:
    return [
        [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        for row in browser.find_elements(By.CSS_SELECTOR, "#documents-table tbody tr")
    ]


def _upload(browser: WebDriver, path: Path, title: str, share: list[str] | None = None) -> None:
    """Choose a file through the (hidden) file input, give a title and send the form."""
    chooser = browser.find_element(By.CSS_SELECTOR, "#doc-upload input[type=file]")
    chooser.send_keys(str(path))
    WebDriverWait(browser, WAIT_S).until(
        ec.text_to_be_present_in_element((By.ID, "doc-chosen"), path.name)
    )
    browser.find_element(By.ID, "doc-title").send_keys(title)
    for code in share or []:
        if not browser.find_element(By.CSS_SELECTOR, "#doc-share").get_attribute("open"):
            press(browser, browser.find_element(By.CSS_SELECTOR, "#doc-share summary"))
        click(browser, f"doc-share-{code}")
        until(browser, lambda d, c=code: d.find_element(By.ID, f"doc-share-{c}").is_selected())
    click(browser, "doc-upload-submit")


def _outcome(browser: WebDriver, ident: str) -> str:
    element = WebDriverWait(browser, WAIT_S).until(ec.visibility_of_element_located((By.ID, ident)))
    return str(element.text)


def _saved(browser: WebDriver, folder: Path, name: str) -> Path:
    """The file Chromium finished saving under `name` (not a partial `.crdownload`)."""
    until(browser, lambda _: (folder / name).exists())
    return folder / name


@pytest.mark.browser
def test_documents_added_downloaded_refused_and_asked_of_the_citizen(
    browser: WebDriver, console_url: str, dossier: DossierProcess, tmp_path: Path
) -> None:
    dossier.claim(DOCUMENT_CASE, "cm-anna")
    files, downloads = tmp_path / "files", tmp_path / "downloads"
    files.mkdir()
    downloads.mkdir()
    png, pdf, fake = files / "huurachterstand.png", files / "huurcontract.pdf", files / "brief.pdf"
    png.write_bytes(png_bytes())
    pdf.write_bytes(pdf_bytes())
    fake.write_bytes(b"Dit is gewoon tekst, geen PDF.\n")

    browser.set_window_size(1366, 768)
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    sign_in(browser, console_url, "anna", "anna-noord-2024")
    until(browser, lambda d: "/werkvoorraad" in d.current_url)
    open_case(browser, console_url, DOCUMENT_CASE)
    assert (
        "Een PDF, JPEG of PNG van hoogstens 10 MB." in browser.find_element(By.ID, "doc-limit").text
    )

    # A PNG shared with the UWV only, then a PDF for every agency the citizen shares with.
    _upload(browser, png, "Foto van de aanmaning", share=["uwv"])
    assert "Het document is toegevoegd." in _outcome(browser, "doc-ok")
    until(browser, lambda d: len(_rows(d)) == 1)
    _upload(browser, pdf, "Huurcontract 2025")
    until(browser, lambda d: len(_rows(d)) == 2)
    by_title = {row[0]: row for row in _rows(browser)}
    photo, contract = by_title["Foto van de aanmaning"], by_title["Huurcontract 2025"]
    assert photo[1:4] == ["Afbeelding (PNG)", "1 kB", "Anna Jansen"]
    assert photo[5] == "UWV"
    assert contract[1:4] == ["PDF", "1 kB", "Anna Jansen"]
    assert contract[5] == "Instanties die documenten mogen zien"
    stored = {d["title"]: d for d in _documents(dossier)}
    assert stored["Foto van de aanmaning"]["shared_with"] == ["uwv"]
    assert stored["Huurcontract 2025"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert browser.find_element(By.ID, "doc-title").get_attribute("value") == ""

    # Text renamed .pdf: the dossier's own reason, and nothing added.
    _upload(browser, fake, "Brief van de verhuurder")
    refused = _outcome(browser, "doc-failed")
    assert refused.startswith("Het dossier nam dit niet aan:")
    # In Dutch, the dossier's own Dutch reason (`reason_nl`), said once, and not its English.
    assert refused.count("alleen PDF, JPEG en PNG worden aangenomen") == 1
    assert "file: alleen PDF" in refused
    assert "only PDF" not in refused
    assert len(_rows(browser)) == 2
    assert len(_documents(dossier)) == 2
    browser.execute_script(
        "document.getElementById('section-documents').scrollIntoView({block: 'start'});"
    )
    shot(browser, "case-documents-refused-1366")

    # Download: the browser gets the bytes under the title's name; the dossier audits it.
    for button in browser.find_elements(By.CSS_SELECTOR, "#documents-table .doc-download"):
        if button.get_attribute("aria-label") == "Huurcontract 2025":
            press(browser, button)
    saved = _saved(browser, downloads, "Huurcontract-2025.pdf")
    until(browser, lambda _: saved.read_bytes() == pdf.read_bytes())
    log = dossier.audit(case_id=DOCUMENT_CASE)
    digest = stored["Huurcontract 2025"]["sha256"]
    assert any(
        e["who"] == "cm-anna"
        and e["data"] == "documents"
        and e["purpose"] == "download"
        and e["allowed"]
        and e["object_id"] == digest
        for e in log
    ), log

    # A date in the past: the dossier says which field and why; nothing is asked.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    browser.find_element(By.ID, "doc-what").send_keys("Uw huurcontract")
    browser.execute_script(
        "arguments[0].value = arguments[1];", browser.find_element(By.ID, "doc-due"), yesterday
    )
    click(browser, "doc-request-submit")
    until(browser, lambda d: "due_at" in _outcome(d, "doc-failed"))
    assert not browser.find_elements(By.CSS_SELECTOR, "#doc-requested-table tbody tr")

    # Asked of the citizen, by a date: confirmed, and listed from the case page.
    in_two_weeks = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    browser.execute_script(
        "arguments[0].value = arguments[1];", browser.find_element(By.ID, "doc-due"), in_two_weeks
    )
    click(browser, "doc-request-submit")
    assert "Het document is opgevraagd." in _outcome(browser, "doc-ok")
    until(
        browser, lambda d: bool(d.find_elements(By.CSS_SELECTOR, "#doc-requested-table tbody tr"))
    )
    asked = browser.find_element(By.ID, "doc-requested-table").text
    assert "Uw huurcontract" in asked and in_two_weeks in asked
    case = httpx.get(
        f"{dossier.url}/cases/{DOCUMENT_CASE}", headers=staff_headers("cm-anna"), timeout=10
    ).json()
    [action] = [i for i in case["summary"]["citizen_items"] if i["kind"] == "action"]
    assert action["text"] == request_text("Uw huurcontract")

    assert csp_violations(browser) == []
    browser.execute_script(
        "document.getElementById('section-documents').scrollIntoView({block: 'start'});"
    )
    shot(browser, "case-documents-1366")
    browser.execute_script(
        "document.getElementById('doc-request-form').scrollIntoView({block: 'start'});"
    )
    shot(browser, "case-documents-requested-1366")


@pytest.mark.browser
def test_an_upload_the_dossier_does_not_allow_shows_its_reason_and_adds_nothing(
    browser: WebDriver, console_url: str, dossier: DossierProcess, tmp_path: Path
) -> None:
    # The case is still in the queue: Anna may read it, not add to it (the dossier decides).
    png = tmp_path / "loonstrook.png"
    png.write_bytes(png_bytes())
    browser.set_window_size(1366, 768)
    sign_in(browser, console_url, "anna", "anna-noord-2024")
    until(browser, lambda d: "/werkvoorraad" in d.current_url)
    open_case(browser, console_url, DOCUMENT_QUEUE_CASE)
    _upload(browser, png, "Loonstrook mei")
    refused = _outcome(browser, "doc-failed")
    assert refused.startswith("Het dossier nam dit niet aan:")
    assert "alleen de eigenaar, diens team of een supervisor" in refused
    assert "only the owner" not in refused
    assert not _rows(browser)
    # The same in English, the dossier's reason as it is.
    browser.find_element(By.ID, "lang-switch").click()
    until(browser, lambda d: "Add a document" in d.find_element(By.ID, "section-documents").text)
    refused = _outcome(browser, "doc-failed")
    assert refused.startswith("The dossier did not accept this:")
    assert "only the owner, their team or a supervisor" in refused
    assert "A PDF, JPEG or PNG of at most 10 MB." in browser.find_element(By.ID, "doc-limit").text
    case = httpx.get(
        f"{dossier.url}/cases/{DOCUMENT_QUEUE_CASE}", headers=staff_headers("sv-sophie"), timeout=10
    ).json()
    assert case["documents"] == []
