"""Words, not codes: every code the console shows has Dutch and English words in the one label
table (`buddy/data/labels.toml`), and the rows the pages render carry them."""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import pytest

import voorportaal_contracts
from buddy import labels
from buddy.labels import Words
from buddy.pages.case import forms as case_forms
from buddy.rows.case import case_view
from buddy.rows.lists import FILTER_KINDS, FILTERS, filter_queue, queue_row
from voorportaal_contracts.api.dossier import (
    CaseChecklistItem,
    CasePage,
    QueueItem,
    QueuePersonRequest,
)
from voorportaal_contracts.events.checklist import PreferredTime
from voorportaal_dossier.domain.checklist import PERSON_REQUESTED_RULE
from voorportaal_dossier.domain.ownership import OwnershipStatus
from voorportaal_dossier.domain.projection import ReferralStatus
from voorportaal_dossier.domain.promises import MadeBy, PromiseStatus
from voorportaal_dossier.domain.sharing import DataKind, GrantedBy
from voorportaal_notify.domain.policy import LoadLevel
from voorportaal_routing.domain.lifecycle import ReferralState

# Which kind of the label table holds each enum's words. Every enum in voorportaal_contracts
# must be named here (the first test finds them all, so a new one fails until it has words).
CONTRACT_ENUM_KINDS = {
    "LifeEvent": "life_event",
    "Redzaamheid": "redzaamheid",
    "Urgency": "urgency",
    "Channel": "channel",
    "MessageChannel": "channel",
    "ReferralResponseKind": "referral_response",
    "ReferralMode": "referral_mode",
    "DeclineReason": "decline_reason",
    "RepresentativeRelation": "relation",
    "SharingScope": "scope",
    "CitizenLanguage": "language",
}
# The states the dossier's answers carry as plain strings; their enums live in the services.
SERVICE_ENUM_KINDS: dict[type[Enum], str] = {
    OwnershipStatus: "ownership",
    ReferralStatus: "referral_state",
    ReferralState: "referral_state",
    PromiseStatus: "promise_state",
    MadeBy: "made_by",
    GrantedBy: "granted_by",
    DataKind: "case_part",
    LoadLevel: "contact_load_level",
}


def _contract_enums() -> list[type[Enum]]:
    found: dict[str, type[Enum]] = {}
    for module in pkgutil.walk_packages(
        voorportaal_contracts.__path__, voorportaal_contracts.__name__ + "."
    ):
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, Enum)
                and value.__module__ == (loaded.__name__)
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def _missing(kind: str, codes: list[str]) -> list[str]:
    table = labels.labels().get(kind, {})
    return [c for c in codes if c not in table or not (table[c].nl and table[c].en)]


def test_every_enum_value_the_console_can_show_has_dutch_and_english_words() -> None:
    enums = _contract_enums()
    assert len(enums) >= 10, "the contracts' enums are found"
    unnamed = [e.__name__ for e in enums if e.__name__ not in CONTRACT_ENUM_KINDS]
    assert unnamed == [], "a new enum in voorportaal_contracts needs a kind in the label table"
    kinds = {e: CONTRACT_ENUM_KINDS[e.__name__] for e in enums} | SERVICE_ENUM_KINDS
    missing = {
        enum.__name__: _missing(kind, [str(member.value) for member in enum])
        for enum, kind in kinds.items()
    }
    assert {name: codes for name, codes in missing.items() if codes} == {}


def _toml(package: str, path: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(package).joinpath(path).read_text(encoding="utf-8"))


def test_every_agency_service_municipality_need_and_risk_has_the_directorys_words() -> None:
    directory = _toml("voorportaal_routing", "data/v1/directory.toml")
    catalogue = _toml("voorportaal_intake", "content/v1/catalogue.toml")
    expected = {
        "agency": {o["code"]: o["name"] for o in directory["organizations"]}
        | {a["code"]: a["name"] for a in catalogue["agencies"]},
        "service": {s["id"]: s["name"] for s in directory["services"]},
        "municipality": {
            m["code"]: {"nl": m["name"], "en": m["name"]} for m in directory["municipalities"]
        },
        "need": {n["code"]: n["label"] for n in catalogue["needs"]},
        "risk": {r["code"]: r["label"] for r in catalogue["risks"]},
    }
    table = labels.labels()
    for kind, names in expected.items():
        shown = {code: {"nl": w.nl, "en": w.en} for code, w in table[kind].items()}
        assert {c: n for c, n in names.items() if shown.get(c) != n} == {}, kind


def test_the_case_pages_choices_are_words_from_the_table() -> None:
    for kind, codes in (
        ("channel", case_forms.CHANNELS),
        ("outcome", case_forms.OUTCOMES),
        ("doorbraak_reason", case_forms.DOORBRAAK_REASONS),
    ):
        assert _missing(kind, list(codes)) == [], kind


def test_languages_a_citizen_can_choose_have_words() -> None:
    # Not an enum anywhere: the languages DESIGN.md names for everything a citizen reads.
    assert _missing("language", ["nl", "en", "tr", "ar", "pl"]) == []


def test_an_unknown_code_is_shown_as_it_is_not_hidden() -> None:
    assert labels.words("agency", "gemeente-gm9999") == Words("gemeente-gm9999", "gemeente-gm9999")
    assert labels.words("agency", None) == Words()


def test_the_label_table_refuses_an_entry_without_both_languages(tmp_path: Path) -> None:
    bad = tmp_path / "labels.toml"
    bad.write_text('[urgency]\nacute = { nl = "Acuut" }\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"urgency\.acute needs exactly nl and en"):
        labels._load(bad)


def _queue_item(**fields: Any) -> QueueItem:
    base: dict[str, Any] = {
        "case_id": "case-1",
        "ownership_status": "handover_requested",
        "owner_id": "cm-anna",
        "team": "noord",
        "urgency": "acute",
        "municipality_code": "GM0363",
        "life_events": ["moving_rented_home", "income_loss"],
        "agencies": ["uwv", "toeslagen"],
        "overdue": 0,
        "handover_to": None,
        "closed": False,
        "opened_at": None,
    }
    return QueueItem.model_validate({**base, **fields})


def test_a_queue_row_carries_words_for_its_codes() -> None:
    row = queue_row(_queue_item())
    assert row.urgency_words == Words("Acuut", "Acute")
    assert row.life_events_words.nl == "Verhuizen naar of uit een huurwoning, Baan of inkomen kwijt"
    assert row.agencies_words.en == "UWV (Employee Insurance Agency), Benefits Office (allowances)"
    assert row.municipality_words.nl == "Amsterdam"
    assert row.state_words == Words("Overdracht gevraagd", "Handover requested")


def test_the_queue_filter_finds_a_case_by_the_words_a_person_types() -> None:
    queue = [queue_row(_queue_item()), queue_row(_queue_item(case_id="case-2"))]
    queue[1] = queue_row(_queue_item(case_id="case-2", municipality_code="GM0599"))
    assert [r.case_id for r in filter_queue(queue, {"municipality": "amsterdam"})] == ["case-1"]
    assert len(filter_queue(queue, {"agencies": "Dienst Toeslagen"})) == 2
    assert len(filter_queue(queue, {"state": "overdracht"})) == 2


def test_a_chosen_code_filters_exactly_owned_is_not_unowned() -> None:
    owned = queue_row(_queue_item(case_id="c-owned", ownership_status="owned"))
    unowned = queue_row(_queue_item(case_id="c-unowned", ownership_status="unowned"))
    assert [r.case_id for r in filter_queue([owned, unowned], {"state": "owned"})] == ["c-owned"]
    moving = queue_row(_queue_item(case_id="c-moving", life_events=["moving_rented_home"]))
    assert filter_queue([moving], {"life_events": "income_loss"}) == []
    assert filter_queue([moving], {"life_events": "moving_rented_home"}) == [moving]


def test_every_filter_offers_the_words_of_its_kind() -> None:
    assert set(FILTER_KINDS) == set(FILTERS)
    for kind in FILTER_KINDS.values():
        assert labels.labels()[kind], kind


def test_the_case_page_rows_carry_words_for_their_codes() -> None:
    page = CasePage.model_validate(
        {
            "case_id": "case-1",
            "refused": {},
            "referrals": [
                {
                    "referral_id": "r-1",
                    "agency_code": "svb",
                    "service_code": "svb_anw",
                    "status": "declined",
                    "mode": "warm_handover",
                    "due_at": None,
                    "overdue": False,
                    "waits_on": None,
                    "stalled_reason": None,
                    "reminders": 0,
                    "decline_reason": "referred_elsewhere",
                    "outcome": None,
                    "reasons": [],
                }
            ],
            "promises": [
                {
                    "promise_id": "p-1",
                    "made_by_kind": "agency",
                    "made_by": "uwv",
                    "what": "belt terug",
                    "due_at": "2026-03-01T17:00:00+00:00",
                    "status": "fulfilled",
                    "referral_id": None,
                    "fulfilled_at": None,
                    "broken_at": None,
                }
            ],
        }
    )
    view = case_view(page)
    referral = view.referrals[0]
    assert referral.agency_words.nl == "Sociale Verzekeringsbank (SVB)"
    assert referral.state_words == Words("Afgewezen", "Declined")
    assert referral.decline_words.nl == "Hoort bij een andere instantie"
    assert referral.mode_words.en == "Warm handover"
    promise = view.promises[0]
    assert promise.made_by_words == Words(
        "UWV (Instantie)", "UWV (Employee Insurance Agency) (Agency)"
    )
    assert promise.state_words == Words("Nagekomen", "Kept")


def test_every_checklist_and_wish_code_the_console_shows_has_words() -> None:
    literal_kinds: list[tuple[Any, str]] = [
        (CaseChecklistItem.model_fields["done_by"].annotation, "done_by"),
        (PreferredTime, "preferred_time"),
        (QueuePersonRequest.model_fields["channel"].annotation, "channel"),
    ]
    for annotation, kind in literal_kinds:
        codes = [a for arg in get_args(annotation) for a in (get_args(arg) or [arg])]
        codes = [c for c in codes if isinstance(c, str)]
        assert codes, kind
        assert _missing(kind, codes) == [], kind
    assert _missing("checklist_state", ["to_do", "late", "done"]) == []
    assert _missing("recommendation_reason", [PERSON_REQUESTED_RULE]) == []


def test_the_queue_row_shows_the_wish_and_the_checklist_in_words() -> None:
    item = _queue_item(
        checklist_todo=3,
        checklist_late=1,
        person_request={
            "request_id": "wish-1",
            "channel": "video",
            "preferred_time": "evening",
            "language": "tr",
            "requested_at": "2026-12-01T09:00:00+00:00",
            "answer_by": "2026-12-03T16:00:00+00:00",
        },
    )
    row = queue_row(item)
    assert row.wish and row.wish_answer_by == "2026-12-03 16:00"
    assert row.wish_reason_words.nl == "De burger wil met een persoon praten"
    assert row.wish_channel_words == Words("Videobellen", "Video call")
    assert row.wish_time_words == Words("'s Avonds", "In the evening")
    assert (row.checklist_todo, row.checklist_late) == (3, 1)
    assert not queue_row(_queue_item()).wish


def test_the_case_pages_checklist_is_late_first_with_words_for_its_codes() -> None:
    item = {
        "agency": "uwv",
        "agency_name": "UWV",
        "due_on": "2026-12-08",
        "late": False,
        "done": False,
        "done_by": None,
        "done_at": None,
        "refer": False,
    }
    page = CasePage.model_validate(
        {
            "case_id": "case-1",
            "refused": {},
            "checklist": {
                "revision": 1,
                "issued_at": "2026-12-01T09:00:00+00:00",
                "to_do": 2,
                "late": 1,
                "items": [
                    {
                        **item,
                        "item_id": "a",
                        "title": "Klaar",
                        "done": True,
                        "done_by": "representative",
                        "done_at": "2026-12-01T10:00:00+00:00",
                    },
                    {**item, "item_id": "b", "title": "Open"},
                    {**item, "item_id": "c", "title": "Laat", "title_en": "Late", "late": True},
                ],
            },
        }
    )
    view = case_view(page)
    assert [c.id for c in view.checklist] == ["c", "b", "a"]
    assert view.checklist_counts == "2 / 1"
    assert view.checklist[0].state_words == Words("Te laat", "Late")
    assert view.checklist[0].title_en == "Late" and view.checklist[1].title_en == "Open"
    assert view.checklist[2].done_by_words == Words("Een vertegenwoordiger", "A representative")
    assert view.checklist[0].agency_words.en == "UWV (Employee Insurance Agency)"
    assert case_view(CasePage(case_id="x", refused={})).checklist_counts == ""


def test_each_municipalitys_own_agency_reads_as_its_kind_and_place() -> None:
    assert labels.words("agency", "gemeente-gm0363") == labels.Words(
        nl="Gemeente Amsterdam", en="Municipality of Amsterdam"
    )
    assert (
        labels.words("agency", "schuldhulp-gm0599").nl == "Schuldhulpverlening gemeente Rotterdam"
    )
    assert labels.words("agency", "wijkteam-gm0344").en == "Neighbourhood team Utrecht"


def test_every_onboarded_municipality_has_a_name_for_its_agencies() -> None:
    from voorportaal_contracts.topics import MUNICIPAL_AGENCIES, municipal_agency_code

    tenants = _toml("voorportaal_routing", "data/tenants.toml")["tenant"]
    for tenant in tenants:
        for kind in MUNICIPAL_AGENCIES:
            code = municipal_agency_code(kind, tenant["code"])
            assert tenant["name"] in labels.words("agency", code).nl, code
