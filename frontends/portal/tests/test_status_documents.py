"""A document the buddy asked for on the status page: recognised the way the console writes
it (one shared text), shown apart from the other steps with an upload, the dossier's refusals
told in the citizen's own words in five languages, and the file forwarded with the link."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import httpx
import pytest

from portal.citizen_api import CitizenApi, LinkRefused, Rejected
from portal.status_view import megabytes, status_page, upload_refusal
from portal.status_words import LANGUAGES, WORDS, long_date, word
from voorportaal_contracts.document_requests import request_text, requested_document

TODAY = date(2026, 12, 6)
DUE = date(2026, 12, 9)
CASE = "vp-status-000001"
LINK = "v1.eyJjYXNlIjoidnAtc3RhdHVzLTAwMDAwMSJ9.c2VjcmV0LXNpZ25hdHVyZQ"


def _view(actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "case_id": CASE,
        "status": {"nl": "Uw zaak loopt.", "en": "Your case is open.", "closed": False},
        "buddy": {"nl": "Anna", "en": "Anna"},
        "arranged": [], "waiting": [], "next_steps": [], "promises": [], "sharing": [],
        "mandates": [], "links": [], "refused": {}, "messages": [], "actions": actions,
    }  # fmt: skip


def test_the_request_the_console_writes_is_recognised_with_what_staff_typed() -> None:
    assert requested_document(request_text("Uw huurcontract.")) == "Uw huurcontract"
    assert requested_document(request_text("Loonstrook van mei 2026")) == (
        "Loonstrook van mei 2026"
    )
    assert requested_document("Bel de gemeente voor een afspraak.") is None
    assert requested_document(request_text("")) is None


def test_the_console_and_the_portal_share_one_text() -> None:
    documents = importlib.import_module("buddy.pages.case.documents")

    assert documents.request_text is request_text
    assert documents.requested_document is requested_document


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("nl", "Stuur dit document: Uw huurcontract"),
        ("en", "Send this document: Uw huurcontract"),
        ("tr", "Bu belgeyi gönderin: Uw huurcontract"),
        ("ar", "أرسلوا هذه الوثيقة: Uw huurcontract"),
        ("pl", "Proszę przesłać ten dokument: Uw huurcontract"),
    ],
)
def test_a_document_request_is_shown_apart_with_its_date(language: str, heading: str) -> None:
    actions = [
        {"id": "a1", "text": request_text("Uw huurcontract"), "due_at": "2026-12-09"},
        {"id": "a2", "text": "Bel de gemeente.", "due_at": None},
    ]
    page = status_page(_view(actions), language, today=TODAY)
    assert [(d.action_id, d.what, d.heading) for d in page.documents] == [
        ("a1", "Uw huurcontract", heading)
    ]
    assert page.documents[0].due == word("status.due", language, date=long_date(DUE, language))
    assert [line.text for line in page.next_steps] == ["Bel de gemeente."]


def test_a_request_without_a_date_has_none() -> None:
    actions = [{"id": "a1", "text": request_text("Paspoort"), "due_at": None}]
    (request,) = status_page(_view(actions), "nl", today=TODAY).documents
    assert request.due == ""


@pytest.mark.parametrize(
    ("status", "detail", "key"),
    [
        (400, "the file is larger than 10240 KiB", "status.upload_too_big"),
        (413, "Request Entity Too Large", "status.upload_too_big"),
        (400, "the file is empty", "status.upload_empty"),
        (400, "only PDF, JPEG and PNG are accepted; this is text", "status.upload_wrong_type"),
        (400, "the file's name ends in .pdf but it is a PNG", "status.upload_wrong_type"),
        (400, "something else", "status.upload_failed"),
    ],
)  # fmt: skip
def test_the_dossiers_refusals_become_the_citizens_words(
    status: int, detail: str, key: str
) -> None:
    assert upload_refusal(status, detail) == key


def test_every_upload_word_is_there_in_five_languages_without_english_for_others() -> None:
    keys = [k for k in WORDS if k.startswith(("status.upload", "status.send", "status.choose"))]
    keys += ["status.documents", "status.received", "status.which_document"]
    for key in keys:
        assert set(WORDS[key]) == set(LANGUAGES), key
        english = WORDS[key]["en"]
        for language in ("nl", "tr", "ar", "pl"):
            assert WORDS[key][language] != english, (key, language)
    assert (
        word("status.upload_too_big", "pl", mb="10")
        == "Ten plik jest za duży. Może mieć najwyżej 10 MB."
    )


def test_a_limit_is_told_in_whole_megabytes() -> None:
    assert megabytes(10 * 1024 * 1024) == "10"
    assert megabytes(100) == "1"


async def test_the_file_goes_to_the_dossier_with_the_link_and_the_requests_title() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"id": "d1"})

    api = CitizenApi("http://dossier.test", "http://i.test", transport=httpx.MockTransport(answer))
    await api.upload_document(
        CASE, LINK, filename="huur.png", content=b"\x89PNG...", title="Uw huurcontract"
    )
    (request,) = seen
    assert request.url.path == f"/citizen/cases/{CASE}/documents"
    assert request.url.params["link"] == LINK
    body = request.read()
    assert b'name="file"; filename="huur.png"' in body and b"\x89PNG..." in body
    assert b'name="title"' in body and b"Uw huurcontract" in body


async def test_a_refused_file_is_rejected_with_the_reason_and_a_dead_link_is_link_refused() -> None:
    def refuse(status: int, detail: str) -> CitizenApi:
        body = {"status_code": status, "detail": detail}
        return CitizenApi(
            "http://dossier.test",
            "http://i.test",
            transport=httpx.MockTransport(lambda _: httpx.Response(status, json=body)),
        )

    with pytest.raises(Rejected) as refused:
        await refuse(400, "the file is empty").upload_document(
            CASE, LINK, filename="a.pdf", content=b"", title="x"
        )
    assert upload_refusal(refused.value.status, refused.value.detail) == "status.upload_empty"
    with pytest.raises(LinkRefused):
        await refuse(401, "the link has expired").upload_document(
            CASE, LINK, filename="a.pdf", content=b"%PDF", title="x"
        )
