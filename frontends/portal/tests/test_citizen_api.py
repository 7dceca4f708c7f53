"""The portal's calls to the citizen routes, against a fake transport: the short link is
exchanged without following the dossier's redirect, the long link never lands in a log, a
refused link is `LinkRefused` (no data), and the wish to talk goes to the right service."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
import pytest

from portal.citizen_api import CitizenApi, LinkRefused, Rejected, Unreachable
from voorportaal_contracts.api.citizen import PersonRequestIn

CASE = "vp-status-000001"
LONG_LINK = "v1.eyJjYXNlIjoidnAtc3RhdHVzLTAwMDAwMSJ9.c2VjcmV0LXNpZ25hdHVyZQ"
TOKEN = "vp-status-000001.t8k2p0o.AbCdEfGhIjKlMnOp"
VIEW = {
    "case_id": CASE,
    "status": {"nl": "Uw zaak loopt.", "en": "Your case is open.", "closed": False},
    "buddy": {"nl": "Nog geen contactpersoon.", "en": "No contact person yet."},
    "arranged": [], "waiting": [], "next_steps": [], "promises": [], "sharing": [],
    "mandates": [], "links": [], "refused": {}, "messages": [], "actions": [],
}  # fmt: skip

Handler = Callable[[httpx.Request], httpx.Response]


def _api(handler: Handler, seen: list[httpx.Request]) -> CitizenApi:
    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    return CitizenApi(
        "http://dossier.test", "http://intake.test", transport=httpx.MockTransport(record)
    )


def _redirect(_: httpx.Request) -> httpx.Response:
    location = f"/citizen/cases/{CASE}?link={quote(LONG_LINK)}#checklist"
    return httpx.Response(303, headers={"location": location})


async def test_the_short_link_is_exchanged_at_the_dossier_without_following_its_redirect() -> None:
    seen: list[httpx.Request] = []
    opened = await _api(_redirect, seen).open_short_link(TOKEN)
    assert (opened.case_id, opened.link, opened.page) == (CASE, LONG_LINK, "checklist")
    assert [r.url.path for r in seen] == [f"/citizen/l/{TOKEN}"]
    assert LONG_LINK not in repr(opened)


async def test_the_dossiers_json_answer_for_a_short_link_is_understood_too() -> None:
    body = {"case_id": CASE, "link": LONG_LINK, "page": "overview", "expires_at": "2027-01-01"}
    opened = await _api(lambda _: httpx.Response(200, json=body), []).open_short_link(TOKEN)
    assert (opened.case_id, opened.link) == (CASE, LONG_LINK)


@pytest.mark.parametrize("status", [401, 403, 400, 404, 422])
async def test_an_expired_revoked_or_tampered_short_link_is_refused(status: int) -> None:
    answer = httpx.Response(status, json={"detail": "the link has expired; ask for a new one"})
    with pytest.raises(LinkRefused):
        await _api(lambda _: answer, []).open_short_link(TOKEN)


async def test_a_dossier_that_does_not_answer_is_unreachable_not_a_refused_link() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(Unreachable):
        await _api(down, []).open_short_link(TOKEN)
    with pytest.raises(Unreachable):
        await _api(lambda _: httpx.Response(500), []).open_short_link(TOKEN)


async def test_the_long_link_never_lands_in_the_portals_logs(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)

    def dossier(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/citizen/l/"):
            return _redirect(request)
        return httpx.Response(200, json=VIEW)

    api = _api(dossier, [])
    opened = await api.open_short_link(TOKEN)
    await api.status(opened.case_id, opened.link, "tr")
    logged = caplog.text + "".join(capsys.readouterr())
    assert CASE in logged
    assert LONG_LINK not in logged and quote(LONG_LINK) not in logged


async def test_the_status_is_asked_in_the_chosen_language_with_the_link() -> None:
    seen: list[httpx.Request] = []
    answer = await _api(lambda _: httpx.Response(200, json=VIEW), seen).status(
        CASE, LONG_LINK, "ar"
    )
    assert answer.view.case_id == CASE
    assert seen[0].url.params["lang"] == "ar" and seen[0].url.params["link"] == LONG_LINK


async def test_a_view_refused_after_opening_is_a_refused_link_and_gives_no_data() -> None:
    with pytest.raises(LinkRefused):
        await _api(lambda _: httpx.Response(401, json={"detail": "revoked"}), []).status(
            CASE, LONG_LINK, "nl"
        )


async def test_ticking_off_puts_the_mark_on_the_item_with_the_link() -> None:
    seen: list[httpx.Request] = []
    await _api(lambda _: httpx.Response(200, json={}), seen).mark_item(
        CASE, LONG_LINK, "gemeente.brp", done=True
    )
    assert seen[0].method == "PUT"
    assert seen[0].url.path == f"/citizen/cases/{CASE}/checklist/gemeente.brp"
    assert json.loads(seen[0].content) == {"done": True}


async def test_an_unknown_item_is_rejected_with_the_dossiers_reason() -> None:
    answer = httpx.Response(404, json={"detail": "no checklist item 'x'"})
    with pytest.raises(Rejected) as refused:
        await _api(lambda _: answer, []).mark_item(CASE, LONG_LINK, "x", done=True)
    assert refused.value.status == 404 and "x" in refused.value.detail


def _wish_answer(_: httpx.Request) -> httpx.Response:
    return httpx.Response(
        201,
        json={
            "request_id": "pr-1",
            "case_id": CASE,
            "answer_by": datetime(2026, 12, 9, 16, tzinfo=UTC).isoformat(),
        },
    )


async def test_the_wish_from_a_status_page_goes_to_the_dossier_on_the_link() -> None:
    seen: list[httpx.Request] = []
    wish = PersonRequestIn(channel="video", preferred_time="morning")
    answer = await _api(_wish_answer, seen).person_on_case(CASE, LONG_LINK, wish)
    assert answer.request_id == "pr-1"
    assert (seen[0].url.host, seen[0].url.path) == ("dossier.test", f"/citizen/cases/{CASE}/person")
    assert json.loads(seen[0].content) == {"channel": "video", "preferred_time": "morning"}


async def test_the_wish_during_an_intake_goes_to_the_intake_with_its_token() -> None:
    seen: list[httpx.Request] = []
    wish = PersonRequestIn(channel="phone", language="tr")
    await _api(_wish_answer, seen).person_in_intake("1b4e28ba-2fa1", "intake-token", wish)
    assert (seen[0].url.host, seen[0].url.path) == ("intake.test", "/intakes/1b4e28ba-2fa1/person")
    assert seen[0].headers["authorization"] == "Bearer intake-token"
    assert json.loads(seen[0].content)["language"] == "tr"
