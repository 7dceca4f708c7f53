"""The console reads the dossier's answers into the dossier's own models
(`voorportaal_contracts.api.dossier`), once, and renders rows with real booleans: an answer that
does not match its model is an API error, not a page of guesses."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from console_harness import staff_headers
from dossier_harness import CLAIM_CASE, DossierProcess

from buddy import api
from buddy.rows.case import case_view
from buddy.rows.case_parts import CaseView
from buddy.rows.figures import supervisor_view
from buddy.rows.lists import filter_queue, queue_row, sort_queue
from voorportaal_contracts.api.dossier import CasePage, QueueItem, SupervisorFigures


def _token(subject: str) -> str:
    return staff_headers(subject)["Authorization"].removeprefix("Bearer ")


async def test_the_case_page_is_read_into_the_dossiers_model_with_real_flags(
    dossier: DossierProcess,
) -> None:
    endpoints = api.Endpoints(dossier.url, dossier.url, 10.0)
    view = await api.case_page(endpoints, _token("sv-sophie"), CLAIM_CASE)
    assert isinstance(view, CaseView)
    assert view.header.case_id == CLAIM_CASE
    assert view.header.citizen == "Fatima El Amrani"
    assert view.header.reasons_en == "Eviction looms."
    by_agency = {r.agency_code: r for r in view.referrals}
    assert [r.agency_code for r in view.referrals] == ["gemeente", "uwv"]
    assert by_agency["gemeente"].waits_on == "uwv (ref-claim-uwv)"
    assert by_agency["uwv"].open is True
    assert by_agency["uwv"].overdue is False
    assert view.timeline, "the story so far is on the page"


class _Answers(BaseHTTPRequestHandler):
    """Answers every GET with the JSON body the test put in `body`."""

    body: Any = None

    def do_GET(self) -> None:
        payload = json.dumps(type(self).body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def fake_dossier() -> Iterator[tuple[api.Endpoints, type[_Answers]]]:
    """A server on a free port that answers whatever the test sets as `body`."""
    handler = type("Answers", (_Answers,), {"body": None})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield api.Endpoints(url, url, 5.0), handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def test_a_case_page_that_does_not_match_the_dossiers_model_is_an_api_error(
    fake_dossier: tuple[api.Endpoints, type[_Answers]],
) -> None:
    endpoints, answers = fake_dossier
    answers.body = {
        "case_id": "case-1",
        "refused": {},
        "referrals": [{"referral_id": "r-1", "agency_code": "uwv", "overdue": "maybe"}],
    }
    with pytest.raises(api.ApiError, match="does not match its model"):
        await api.case_page(endpoints, "token", "case-1")


async def test_a_queue_or_figures_answer_that_does_not_match_its_model_is_an_api_error(
    fake_dossier: tuple[api.Endpoints, type[_Answers]],
) -> None:
    endpoints, answers = fake_dossier
    answers.body = [{"case_id": "case-1", "urgency": "acute"}]
    with pytest.raises(api.ApiError, match="does not match its model"):
        await api.work_queue(endpoints, "token", "team", {})
    answers.body = {"queue": {}, "agencies": []}
    with pytest.raises(api.ApiError, match="does not match its model"):
        await api.supervisor_overview(endpoints, "token")


def _page(**parts: Any) -> CasePage:
    return CasePage.model_validate({"case_id": "case-1", "refused": {}, **parts})


def test_a_refused_part_is_named_and_left_empty() -> None:
    view = case_view(_page(refused={"identity": "not shared", "documents": "not shared"}))
    assert view.refused == ["documents", "identity"]
    assert view.header.citizen == ""
    assert view.documents == []


def test_promise_and_referral_flags_are_booleans_from_their_status() -> None:
    promise = {
        "promise_id": "p-1",
        "made_by_kind": "agency",
        "made_by": "uwv",
        "what": "belt terug",
        "due_at": "2026-03-01T17:00:00+00:00",
        "status": "broken",
        "referral_id": None,
        "fulfilled_at": None,
        "broken_at": "2026-03-01T17:00:00+00:00",
    }
    referral = {
        "referral_id": "r-1",
        "agency_code": "svb",
        "service_code": "aow",
        "status": "declined",
        "mode": "direct",
        "due_at": None,
        "overdue": True,
        "waits_on": None,
        "stalled_reason": None,
        "reminders": 2,
        "decline_reason": "no_capacity",
        "outcome": None,
        "reasons": [],
    }
    view = case_view(_page(promises=[promise], referrals=[referral]))
    kept = view.promises[0]
    assert (kept.overdue, kept.open, kept.made_by, kept.due_at) == (
        True,
        True,
        "uwv (agency)",
        "2026-03-01 17:00",
    )
    declined = view.referrals[0]
    assert (declined.open, declined.overdue, declined.reminders) == (False, True, "2")


def _queue_item(case_id: str, **fields: Any) -> QueueItem:
    base: dict[str, Any] = {
        "case_id": case_id,
        "ownership_status": "unowned",
        "owner_id": None,
        "team": None,
        "urgency": "normal",
        "municipality_code": None,
        "life_events": [],
        "agencies": [],
        "overdue": 0,
        "handover_to": None,
        "closed": False,
        "opened_at": None,
    }
    return QueueItem.model_validate({**base, **fields})


def test_queue_sorts_overdue_then_urgency_then_age() -> None:
    queue = [
        queue_row(_queue_item("c-normal-old", opened_at="2026-01-01T09:00:00Z")),
        queue_row(_queue_item("c-acute", urgency="acute", opened_at="2026-02-01T09:00:00Z")),
        queue_row(_queue_item("c-overdue", overdue=2)),
        queue_row(_queue_item("c-high", urgency="high", opened_at="2026-02-01T09:00:00Z")),
    ]
    assert [r.case_id for r in sort_queue(queue)] == [
        "c-overdue",
        "c-acute",
        "c-high",
        "c-normal-old",
    ]


def test_queue_filters_match_parts_case_insensitively() -> None:
    queue = [
        queue_row(_queue_item("c-1", agencies=["uwv", "svb"], municipality_code="0363")),
        queue_row(_queue_item("c-2", agencies=["gemeente"], municipality_code="0599")),
    ]
    assert [r.case_id for r in filter_queue(queue, {"agencies": "UWV"})] == ["c-1"]
    assert filter_queue(queue, {"agencies": "", "municipality": " "}) == queue


def test_supervisor_rates_show_as_percentages_and_unknown_as_a_dash() -> None:
    figures = SupervisorFigures.model_validate(
        {
            "at": "2026-03-01T09:00:00+00:00",
            "queue": {
                "open_cases": 4,
                "in_queue": 1,
                "owned": 2,
                "handover_requested": 1,
                "unowned": 0,
                "closed_cases": 0,
                "acute_cases": 1,
            },
            "overdue_referrals": 3,
            "broken_promises": 1,
            "agencies": [
                {
                    "agency_code": "uwv",
                    "referrals": 3,
                    "answered": 2,
                    "accepted_measured": 1,
                    "median_accept_hours": None,
                    "declined": 1,
                    "decline_rate": 0.5,
                    "redirected": 0,
                    "redirect_rate": None,
                    "overdue_referrals": 1,
                    "broken_promises": 1,
                }
            ],
        }
    )
    view = supervisor_view(figures)
    assert (view.figures.open_cases, view.figures.unassigned) == ("4", "1")
    agency = view.agencies[0]
    assert (agency.decline_rate, agency.redirect_rate, agency.median_accept_hours) == (
        "50%",
        "-",
        "-",
    )
    assert view.chart == [
        {
            "agency": "uwv",
            "agency_nl": "UWV",
            "agency_en": "UWV (Employee Insurance Agency)",
            "accept_hours": 0.0,
            "decline_pct": 50,
            "redirect_pct": 0,
            "broken_promises": 1,
        }
    ]
