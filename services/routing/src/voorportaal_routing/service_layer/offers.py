"""Offering referrals: the one path from a plan to a referral on the agency's own topic.

The automatic referrals of an intake (`intakes.py`) and a casemanager's referral by hand
(`staff.py`) are both made by `create_referrals`; a referral that was planned first (awaiting
the citizen's confirmation, or held in an estafette) goes out through `issue` and `offer_to`
too. What the agency receives about the citizen is decided from the sharing grants at the
moment of sending (`domain/consent.py`); the referral remembers what it handed on.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import Reason, ReferralIssued, ReferralOffered
from voorportaal_contracts.topics import referral_topic
from voorportaal_contracts.types import ReferralMode, SharingScope
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.consent import Grant, handed_on
from voorportaal_routing.domain.directory import Text
from voorportaal_routing.domain.lifecycle import ActorKind, ReferralAction, ReferralState
from voorportaal_routing.domain.referral import Case, Referral
from voorportaal_routing.domain.rules import PlannedReferral
from voorportaal_routing.service_layer.common import Context, Staged
from voorportaal_routing.service_layer.handover import handover


@dataclass(frozen=True)
class Audience:
    """What an offer to the agencies of one case draws on: the case, who the citizen is
    (only when a grant shares it) and the citizen's grants."""

    case: Case
    identity: dict[str, Any] | None
    grants: Sequence[Grant]


def create_referrals(
    ctx: Context,
    audience: Audience,
    plans: Sequence[PlannedReferral],
    ids: Mapping[str, str],
    incoming: Envelope | None,
    now: datetime,
    *,
    manual_by: str | None = None,
) -> tuple[list[Referral], Staged]:
    """New referrals for these plans (`ids`: the referral id per service, so an estafette
    step can name the one it waits on) and the events they cause; the caller stores them.

    A case awaiting confirmation gets the referrals only (unconfirmed): nothing is announced,
    offered or timed yet. A step waiting on another is held; the rest go out now."""
    created: list[Referral] = []
    staged: Staged = []
    unconfirmed = audience.case.awaiting_confirmation
    for plan in plans:
        waits_on = ids.get(plan.waits_on) if plan.waits_on else None
        state = ReferralState.ISSUED
        if unconfirmed:
            state = ReferralState.UNCONFIRMED
        elif waits_on:
            state = ReferralState.HELD
        referral = Referral(
            id=ids[plan.service_id],
            case_id=audience.case.case_id,
            service_id=plan.service_id,
            agency_code=plan.agency_code,
            state=state,
            mode=ReferralMode(plan.mode),
            urgent=plan.urgent,
            rule_ids=list(plan.rule_ids),
            reasons=list(_reason_rows(plan.rule_ids, plan.reasons)),
            needs=list(plan.needs),
            waits_on=waits_on,
            response_norm_working_days=plan.response_norm_working_days,
            reminder_lead_working_days=plan.reminder_lead_working_days,
            expiry_working_days=plan.expiry_working_days,
            manual_by=manual_by,
            created_at=now,
            updated_at=now,
        )
        created.append(referral)
        if unconfirmed:
            continue
        offer: Staged = []
        if state is ReferralState.ISSUED:
            referral.start_clock(now)
            offer = offer_to(ctx, referral, incoming, audience)
        issued = issued_event(
            referral,
            summary_shared=referral.mode == ReferralMode.WARM_HANDOVER,
            reasons=list(_reasons(plan.rule_ids, plan.reasons)),
        )
        staged += [(ctx.new(issued, incoming), None), *offer]
    return created, staged


def issue(referral: Referral, action: ReferralAction, now: datetime) -> None:
    """A planned referral goes out now (`confirm` or `release`): issued, its clock runs."""
    referral.apply(action, ActorKind.VOORPORTAAL)
    referral.start_clock(now)


ISSUE_FIELDS = ("state", "issued_at", "remind_at", "due_at", "expires_at", "next_check_at")
"""What `issue` changes, for the caller to store."""


def offer_to(
    ctx: Context, referral: Referral, incoming: Envelope | None, audience: Audience
) -> Staged:
    """The referral on the agency's own topic (not for self-contact referrals), with the
    handover the citizen's grants allow at this moment (none: an anonymous referral).
    Sets the referral's `mode` and `shared_scopes` to what was sent; the caller stores them."""
    if referral.mode == ReferralMode.SELF_CONTACT:
        return []
    case = audience.case
    scopes: frozenset[SharingScope] = frozenset()
    if case.anonymised_at is None:
        scopes = handed_on(audience.grants, referral.agency_code, ctx.clock.now())
    story = handover(
        case.facts,
        list(referral.needs),
        bool(referral.urgent),
        scopes=scopes,
        identity=audience.identity,
        language=case.language,
        channels=list(case.channels),
        buddy_name=case.buddy_name,
    )
    mode = ReferralMode.WARM_HANDOVER if story is not None else ReferralMode.ANONYMOUS
    referral.mode = mode
    referral.shared_scopes = sorted(s.value for s in scopes) if story is not None else []
    offered = ReferralOffered(
        case_id=referral.case_id,
        referral_id=referral.id,
        agency_code=referral.agency_code,
        service_code=referral.service_id,
        life_events=case.facts["life_events"],
        needs=list(referral.needs),
        urgent=bool(referral.urgent),
        due_at=referral.due_at,
        mode=mode,
        handover=story,
    )
    return [(ctx.new(offered, incoming), referral_topic(referral.agency_code))]


async def offer(
    ctx: Context, store: RoutingStore, referral: Referral, incoming: Envelope | None
) -> Staged:
    """`offer_to` with the case and grants looked up; stores what the agency was given."""
    case = await store.cases.get(referral.case_id)
    assert case is not None, "a referral's case is kept as long as the referral"
    case_grants = await store.grants.of_case(referral.case_id)
    identity = await ctx.identity_if_shared(
        store, referral.case_id, case_grants, referral.agency_code
    )
    staged = offer_to(ctx, referral, incoming, Audience(case, identity, case_grants))
    await store.referrals.save(referral, "mode", "shared_scopes")
    return staged


def issued_event(
    referral: Referral, *, summary_shared: bool, reasons: list[Reason] | None = None
) -> ReferralIssued:
    """The `ReferralIssued` of a referral (`reasons`: already made, else from the referral)."""
    return ReferralIssued(
        case_id=referral.case_id,
        referral_id=referral.id,
        agency_code=referral.agency_code,
        service_code=referral.service_id,
        rule_id=referral.rule_ids[0],
        summary_shared=summary_shared,
        due_at=referral.due_at,
        mode=referral.mode,
        reasons=reasons if reasons is not None else [Reason(**r) for r in referral.reasons],
        waits_on=referral.waits_on,
        manual_by=referral.manual_by,
    )


def new_referral_id() -> str:
    """A new referral id: 80 random bits, as the 20 hex digits of a UUID it replaces."""
    return f"ref-{secrets.token_hex(10)}"


@lru_cache(maxsize=512)
def _reason_rows(rule_ids: tuple[str, ...], texts: tuple[Text, ...]) -> tuple[dict[str, str], ...]:
    """The stored form of a plan's reasons.

    Made once per rule combination for bench/routing.py: the same few combinations come back
    all day. The dicts are shared between referrals: read them, never change them."""
    return tuple(
        {"rule": rule, "nl": text.nl, "en": text.en}
        for rule, text in zip(rule_ids, texts, strict=False)
    )


@lru_cache(maxsize=512)
def _reasons(rule_ids: tuple[str, ...], texts: tuple[Text, ...]) -> tuple[Reason, ...]:
    """The event form of a plan's reasons, validated once per rule combination (for
    bench/routing.py, as `_reason_rows`)."""
    return tuple(Reason(**row) for row in _reason_rows(rule_ids, texts))
