"""One tenant per municipality: a referral to the gemeente (wijkteam, schuldhulp) goes to the
citizen's own municipality's agency and topic, never to one all municipalities read; another
municipality's key or consent opens nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from routing_factories import directory, facts
from test_routing_service import Routing, routing, submitted

from voorportaal_contracts.events import CitizenIdentified, IntakeSubmitted
from voorportaal_contracts.signing import signed_response
from voorportaal_contracts.topics import MUNICIPAL_AGENCIES
from voorportaal_contracts.types import LifeEvent
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import PermanentError
from voorportaal_routing.adapters.data_files import load_directory, load_rules
from voorportaal_routing.domain.directory import problems
from voorportaal_routing.domain.rules import PlannedReferral, route

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CASE = "vp-00000000000000tenant"
SUPERVISOR = Principal(subject="sv-1", roles=frozenset({"supervisor"}))
AMSTERDAM, ROTTERDAM = "GM0363", "GM0599"

__all__ = ["routing"]  # the fixture, shared with the service tests


# --- the directory's resolution ------------------------------------------------------------


def test_a_gemeente_referral_goes_to_the_citizens_own_municipality() -> None:
    shipped = load_directory()
    bijstand = shipped.service("gemeente_bijstand")
    assert shipped.agency_for(bijstand, AMSTERDAM) == "gemeente-gm0363"
    assert shipped.agency_for(bijstand, ROTTERDAM) == "gemeente-gm0599"
    assert shipped.agency_for(shipped.service("schuldhulp_gesprek"), AMSTERDAM) == (
        "schuldhulp-gm0363"
    )
    assert shipped.agency_for(shipped.service("wijkteam_rotterdam"), ROTTERDAM) == (
        "wijkteam-gm0599"
    )
    assert shipped.agency_for(shipped.service("uwv_ww"), AMSTERDAM) == "uwv"


def test_every_onboarded_municipality_is_its_own_agency_of_each_kind() -> None:
    shipped = load_directory()
    codes = shipped.agency_codes()
    assert len(shipped.tenants) >= 19
    for tenant in shipped.tenants:
        for kind in MUNICIPAL_AGENCIES:
            assert f"{kind}-{tenant.code.lower()}" in codes
    assert not set(MUNICIPAL_AGENCIES) & set(codes), "a bare kind would be one agency for all"
    assert len(codes) == len(set(codes))


def divorce_with_income_gap(
    municipality: str | None, *, share_with: tuple[str, ...]
) -> list[PlannedReferral]:
    """What the shipped directory and rules plan for a divorce with an income gap."""
    return route(
        facts(
            LifeEvent.DIVORCE,
            needs=("income_gap",),
            municipality=municipality,
            share_with=share_with,
        ),
        load_directory(),
        load_rules(),
    )


@pytest.mark.parametrize("municipality", [None, "GM0000"])
def test_without_an_onboarded_municipality_the_citizen_contacts_their_gemeente(
    municipality: str | None,
) -> None:
    planned = divorce_with_income_gap(municipality, share_with=("gemeente",))
    gemeente = [p for p in planned if p.agency_code in MUNICIPAL_AGENCIES]
    assert gemeente, "the income gap is routed to the gemeente"
    assert all(p.mode == "self_contact" and not p.may_share for p in gemeente)


def test_consent_for_amsterdams_gemeente_does_not_open_rotterdams_handover() -> None:
    planned = divorce_with_income_gap(ROTTERDAM, share_with=("gemeente-gm0363",))
    gemeente = [p for p in planned if p.agency_code.startswith("gemeente-")]
    assert gemeente and all(p.agency_code == "gemeente-gm0599" for p in gemeente)
    assert all(p.mode == "anonymous" and not p.may_share for p in gemeente)


def test_a_per_municipality_organisation_must_be_marked_as_one() -> None:
    def unmark(data: dict[str, Any]) -> None:
        for organization in data["organizations"]:
            if organization["code"] == "gemeente":
                organization["per_municipality"] = False
            if organization["code"] == "uwv":
                organization["per_municipality"] = True

    found = problems(directory(unmark))
    assert any("organization gemeente: per_municipality must be true" in p for p in found)
    assert any("organization uwv: per_municipality must be false" in p for p in found)


# --- the service: topics, keys and consent -------------------------------------------------


def amsterdam_intake(**changes: Any) -> IntakeSubmitted:
    """A divorce in Amsterdam, shared with Amsterdam's gemeente (no language or channels)."""
    amsterdam: dict[str, Any] = {
        "case_id": CASE,
        "life_events": ["divorce"],
        "needs": ["income_gap", "debts"],
        "municipality_code": AMSTERDAM,
        "share_with": ["gemeente-gm0363"],
        "language": None,
        "preferred_channels": [],
    }
    intake: IntakeSubmitted = submitted(**{**amsterdam, **changes})
    return intake


async def test_an_amsterdam_referral_lands_on_amsterdams_topics_only(routing: Routing) -> None:
    await routing.handle(
        CitizenIdentified(case_id=CASE, name="A. de Vries", bsn="111222333"),
        "on_citizen_identified",
    )
    await routing.handle(amsterdam_intake())
    topics = {topic for topic, _, _ in await routing.outbox() if topic.startswith("referrals.")}
    assert "referrals.gemeente-gm0363" in topics
    assert "referrals.schuldhulp-gm0363" in topics
    assert all(
        t.rsplit("-", 1)[-1] == "gm0363" for t in topics if t.split(".")[1].startswith("gemeente")
    )
    assert not {f"referrals.{kind}" for kind in MUNICIPAL_AGENCIES} & topics
    offered = {
        topic: value
        for topic, kind, value in await routing.outbox()
        if kind.endswith("referral.offered")
    }
    assert offered["referrals.gemeente-gm0363"]["handover"]["bsn"] == "111222333"
    # Consent named Amsterdam's gemeente, not its schuldhulp: that one gets no identity.
    assert offered["referrals.schuldhulp-gm0363"]["handover"] is None


async def test_an_unknown_municipality_sends_nothing_to_any_gemeente_topic(
    routing: Routing,
) -> None:
    await routing.handle(amsterdam_intake(municipality_code=None, share_with=[]))
    referrals = await routing.service.case_referrals(CASE, SUPERVISOR)
    gemeente = [r for r in referrals if r.agency_code in MUNICIPAL_AGENCIES]
    assert gemeente and all(r.mode == "self_contact" for r in gemeente)
    topics = {topic for topic, _, _ in await routing.outbox()}
    assert not any(t.startswith(("referrals.gemeente", "referrals.schuldhulp")) for t in topics)


async def test_an_answer_signed_with_rotterdams_key_for_an_amsterdam_referral_is_refused(
    routing: Routing,
) -> None:
    await routing.handle(amsterdam_intake())
    referral = next(
        r
        for r in await routing.service.case_referrals(CASE, SUPERVISOR)
        if r.agency_code == "gemeente-gm0363"
    )
    rotterdam_key = routing.settings.agency_key("gemeente-gm0599")
    assert rotterdam_key is not None
    assert rotterdam_key != routing.settings.agency_key("gemeente-gm0363")
    before = await routing.outbox(access_log=True)
    for agency_code in ("gemeente-gm0363", "gemeente-gm0599"):
        forged = signed_response(
            rotterdam_key,
            case_id=CASE,
            referral_id=referral.id,
            agency_code=agency_code,
            response="accepted",
            responded_at=MONDAY,
        )
        with pytest.raises(PermanentError, match=r"bad signature|not for agency"):
            await routing.handle(forged, "on_response")
    assert await routing.outbox(access_log=True) == before
