"""Finding a case (`GET /cases/search`) and recent cases (`GET /cases/recent`) on SQLite:
each kind of term, the access rules (team, queue, supervisor, agency), the audit of every
search (never the BSN or phone in clear), bad input as 400 naming the field, the rate limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dossier_factories import STAFF_TEAMS, migrated_dossier, project, queued_case
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import TestClient

from voorportaal_contracts.events import (
    CitizenIdentified,
    ContactPointsUpdated,
)
from voorportaal_contracts.registry import Event
from voorportaal_dossier.domain.case_search import (
    SearchKind,
    is_valid_bsn,
    normalise_phone,
    normalise_postcode,
    parse_term,
)
from voorportaal_dossier.domain.errors import InvalidInput
from voorportaal_dossier.service_layer.audit_log import verify_audit
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOORD = "vp-case-000101"
"""Owned by cm-anna (team-noord): Fatima, BSN 123456782, 1234 AB, 06-12345678."""
ZUID = "vp-case-000102"
"""Owned by cm-cees (team-zuid): Jan, BSN 111222333, 3511 AB."""
QUEUED = "vp-case-000103"
"""In the buddy queue, nobody's yet: Fatma, BSN 100000009."""
FATIMA_BSN = "123456782"
JAN_BSN = "111222333"
QUEUED_BSN = "100000009"
LIMIT = 20
"""Searches per minute per staff member in these tests."""


class Api:
    def __init__(self, client: TestClient[Any], runtime: ServiceRuntime, clock: FixedClock):
        self.client = client
        self.runtime = runtime
        self.clock = clock
        self.settings: DossierSettings = runtime.definition.settings  # type: ignore[assignment]

    def h(self, subject: str, *roles: str) -> dict[str, str]:
        token = issue_token(self.settings.auth, subject, list(roles), name=subject.title())
        return {"Authorization": f"Bearer {token}"}

    def feed(self, *events: Event) -> None:
        self.client.blocking_portal.call(project, self.runtime, events, self.clock.now())

    def search(self, who: dict[str, str], q: str, kind: str | None = None) -> Any:
        params = {"q": q} | ({"kind": kind} if kind else {})
        return self.client.get("/cases/search", params=params, headers=who)

    def found(self, who: dict[str, str], q: str, kind: str | None = None) -> list[str]:
        answer = self.search(who, q, kind)
        assert answer.status_code == 200, answer.text
        return [hit["case_id"] for hit in answer.json()["hits"]]


def _case(case_id: str, name: str, bsn: str, postcode: str, phone: str | None) -> list[Event]:
    events = [
        *queued_case(case_id, START),
        CitizenIdentified(case_id=case_id, name=name, bsn=bsn, postcode=postcode),
    ]
    if phone:
        events.append(
            ContactPointsUpdated(case_id=case_id, channels=["sms"], language="nl", phone=phone)
        )
    return events


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    clock = FixedClock(START)
    runtime = migrated_dossier(tmp_path, clock, teams=STAFF_TEAMS, search_per_minute=LIMIT)
    with TestClient(runtime.app()) as client:
        api = Api(client, runtime, clock)
        api.feed(*_case(NOORD, "Fatima El Amrani", FATIMA_BSN, "1234AB", "+31612345678"))
        api.feed(*_case(ZUID, "Jan de Vries", JAN_BSN, "3511AB", None))
        api.feed(*_case(QUEUED, "Fatma Yilmaz", QUEUED_BSN, "1234AB", None))
        for case_id, who in ((NOORD, "cm-anna"), (ZUID, "cm-cees")):
            claimed = client.post(f"/cases/{case_id}/claim", headers=api.h(who, "casemanager"))
            assert claimed.status_code == 200, claimed.text
        yield api


# --------------------------------------------------------------------------- the terms


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_a_bsn_term_must_pass_the_11_proof(value: str) -> None:
    if is_valid_bsn(value):
        assert parse_term(value, SearchKind.BSN).value == value
    else:
        with pytest.raises(InvalidInput) as refused:
            parse_term(value, SearchKind.BSN)
        assert refused.value.field == "q"


def test_postcodes_and_phone_numbers_are_normalised() -> None:
    assert normalise_postcode("1234 ab") == normalise_postcode("1234AB") == "1234AB"
    assert normalise_postcode("0123 AB") is None
    for written in ("06-12345678", "06 1234 5678", "+31612345678", "0031 6 12345678"):
        assert normalise_phone(written) == "+31612345678", written
    assert normalise_phone("12345") is None


def test_a_term_without_a_kind_is_read_as_the_kind_it_looks_like() -> None:
    assert parse_term("123456782", None).kind is SearchKind.BSN
    assert parse_term("1234 ab", None).kind is SearchKind.POSTCODE
    assert parse_term("06-12345678", None).kind is SearchKind.PHONE
    assert parse_term("vp-case-000101", None).kind is SearchKind.CASE_ID
    assert parse_term("El Amrani", None).kind is SearchKind.NAME


# --------------------------------------------------------------------------- the API


def test_a_casemanager_finds_their_case_by_bsn_case_id_postcode_phone_and_part_of_a_name(
    api: Api,
) -> None:
    anna = api.h("cm-anna", "casemanager")
    assert api.found(anna, FATIMA_BSN, "bsn") == [NOORD]
    assert api.found(anna, NOORD.upper(), "case_id") == [NOORD]
    assert api.found(anna, "1234 ab", "postcode") == [NOORD]
    assert api.found(anna, "06-12345678", "phone") == [NOORD]
    assert api.found(anna, "+31612345678", "phone") == [NOORD]
    assert api.found(anna, "el amr", "name") == [NOORD]
    hit = api.search(anna, FATIMA_BSN).json()
    assert hit["kind"] == "bsn" and hit["truncated"] is False
    assert hit["hits"][0]["name"] == "Fatima El Amrani" and hit["hits"][0]["basis"] == "owner"


def test_a_casemanager_of_another_team_does_not_find_someone_elses_case(api: Api) -> None:
    cees = api.h("cm-cees", "casemanager")
    assert api.found(cees, FATIMA_BSN, "bsn") == []
    assert api.found(cees, "Fatima", "name") == []
    assert api.found(cees, NOORD, "case_id") == []
    assert api.found(cees, JAN_BSN, "bsn") == [ZUID]
    bram = api.h("cm-bram", "casemanager")  # anna's team
    assert api.found(bram, FATIMA_BSN, "bsn") == [NOORD]
    assert api.search(bram, FATIMA_BSN).json()["hits"][0]["basis"] == "team"


def test_a_case_in_the_queue_is_found_by_its_id_not_by_who_the_citizen_is(api: Api) -> None:
    cees = api.h("cm-cees", "casemanager")
    assert api.found(cees, QUEUED_BSN, "bsn") == []
    by_id = api.search(cees, QUEUED, "case_id").json()["hits"]
    assert [h["case_id"] for h in by_id] == [QUEUED]
    assert by_id[0]["basis"] == "queue" and by_id[0]["name"] is None


def test_a_supervisor_finds_every_case(api: Api) -> None:
    sup = api.h("sv-1", "supervisor")
    assert sorted(api.found(sup, "1234AB", "postcode")) == sorted([NOORD, QUEUED])
    assert api.found(sup, JAN_BSN, "bsn") == [ZUID]


def test_agencies_and_citizens_do_not_search_and_the_refusal_is_audited(api: Api) -> None:
    assert api.search(api.h("uwv-1", "agency:uwv"), FATIMA_BSN).status_code == 403
    assert api.client.get("/cases/search", params={"q": FATIMA_BSN}).status_code == 401
    log = api.client.get("/audit?subject=uwv-1", headers=api.h("sv-1", "supervisor")).json()
    assert [(r["case_id"], r["allowed"]) for r in log] == [("case-search", False)]


@pytest.mark.parametrize(
    ("q", "kind", "says"),
    [
        ("123456789", "bsn", "11-proof"),
        ("12345678", "bsn", "11-proof"),
        ("12 AB", "postcode", "postcode"),
        ("0612", "phone", "phone"),
        ("a", "name", "name"),
        ("   ", None, "search term"),
        ("x" * 121, None, "characters"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api: Api, q: str, kind: str | None, says: str) -> None:
    answer = api.search(api.h("cm-anna", "casemanager"), q, kind)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["errors"][0]["field"] == "q" and says in json.dumps(body)


def test_a_search_without_a_term_is_a_400_naming_the_field(api: Api) -> None:
    answer = api.client.get("/cases/search", headers=api.h("cm-anna", "casemanager"))
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "q"


def test_an_unknown_kind_is_a_400_naming_the_field(api: Api) -> None:
    answer = api.search(api.h("cm-anna", "casemanager"), "Fatima", "email")
    assert answer.status_code == 400 and "kind" in answer.text


def test_a_search_is_in_the_access_log_without_the_bsn_and_in_the_citizens_who_looked(
    api: Api,
) -> None:
    anna = api.h("cm-anna", "casemanager")
    assert api.found(anna, FATIMA_BSN, "bsn") == [NOORD]
    assert api.found(anna, "06-12345678", "phone") == [NOORD]
    sup = api.h("sv-1", "supervisor")
    log = api.client.get("/audit?subject=cm-anna", headers=sup).json()
    searches = [r for r in log if r["case_id"] == "case-search"]
    assert [r["purpose"] for r in searches] == ["search_by_bsn", "search_by_phone"]
    shown = [r for r in log if r["purpose"] == "case_search"]
    assert [(r["case_id"], r["data"]) for r in shown] == [(NOORD, "identity")] * 2
    # The same term gives the same reference (an investigator can find it), never the term.
    assert shown[0]["object_id"] == searches[0]["object_id"]
    assert searches[0]["object_id"].startswith("hmac:")
    assert api.found(anna, "123 456 782", "bsn") == [NOORD]
    again = api.client.get("/audit?subject=cm-anna", headers=sup).json()
    assert [r["object_id"] for r in again if r["purpose"] == "search_by_bsn"] == [
        searches[0]["object_id"]
    ] * 2
    everything = json.dumps(again)
    for personal in (FATIMA_BSN, "612345678", "Fatima"):
        assert personal not in everything
    link = api.client.post(f"/cases/{NOORD}/citizen-link", headers=anna).json()["link"]
    looked = api.client.get(f"/citizen/cases/{NOORD}/access-log", params={"link": link}).json()
    assert any(r["who"] == "cm-anna" and r["purpose"] == "case_search" for r in looked)
    assert verify_audit(api.settings.effective_database_url) == []


def test_searches_are_rate_limited_per_staff_member(api: Api) -> None:
    anna, bram = api.h("cm-anna", "casemanager"), api.h("cm-bram", "casemanager")
    for _ in range(LIMIT):
        assert api.search(anna, FATIMA_BSN).status_code == 200
    limited = api.search(anna, FATIMA_BSN)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert api.search(bram, FATIMA_BSN).status_code == 200
    api.clock.advance(timedelta(minutes=1, seconds=1))
    assert api.search(anna, FATIMA_BSN).status_code == 200


def test_recent_cases_are_the_cases_this_staff_member_opened_lately(api: Api) -> None:
    anna, sup = api.h("cm-anna", "casemanager"), api.h("sv-1", "supervisor")
    assert api.client.get("/cases/recent", headers=anna).json() == []
    assert api.client.get(f"/cases/{QUEUED}", headers=anna).status_code == 200
    api.clock.advance(timedelta(minutes=1))
    assert api.client.get(f"/cases/{NOORD}", headers=anna).status_code == 200
    assert api.client.get(f"/cases/{ZUID}", headers=sup).status_code == 200
    recent = api.client.get("/cases/recent", headers=anna).json()
    assert [c["case_id"] for c in recent] == [NOORD, QUEUED]
    assert all(c["name"] is None for c in recent)
    # A case claimed by someone else leaves the queue, and so leaves anna's recent cases.
    api.client.post(f"/cases/{QUEUED}/claim", headers=api.h("cm-cees", "casemanager"))
    assert [c["case_id"] for c in api.client.get("/cases/recent", headers=anna).json()] == [NOORD]
    assert api.client.get("/cases/recent", headers=api.h("uwv-1", "agency:uwv")).status_code == 403
    assert api.client.get("/cases/recent").status_code == 401


@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
        max_size=30,
    ),
    st.text(alphabet="abcdefghij XYZéü", min_size=2, max_size=6),
)
def test_the_stored_hints_never_pass_over_a_case_a_name_matches(name: str, part: str) -> None:
    from voorportaal_dossier.domain.case_search import matches, stored_hints
    from voorportaal_dossier.domain.case_state import CaseState, Citizen, dump_case

    case = replace(CaseState.new("vp-case-hint01"), citizen=Citizen(name=name))
    try:
        term = parse_term(part, SearchKind.NAME)
    except InvalidInput:
        return
    stored = dump_case(case).decode().casefold()
    if matches(case, term):
        assert all(hint in stored for hint in stored_hints(term))
