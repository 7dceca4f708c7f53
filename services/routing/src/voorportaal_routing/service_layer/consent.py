"""Consent and identity handover: what an agency may know about the citizen follows the
citizen's sharing grants as they hold now.

A grant (new, or the intake's one confirmed) upgrades the agency's open referrals; a grant
revoked or ended is taken back with `ConsentWithdrawn` (`reconcile`). Who the citizen is
arrives on its own topic and goes again to the agencies that may know it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.consent import (
    INTAKE_CONSENT_SCOPES,
    intake_grant_id,
    intake_grant_valid_until,
)
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    CitizenIdentified,
    ConsentGranted,
    ConsentRevoked,
    ConsentWithdrawn,
    IntakeAmended,
    IntakeSubmitted,
)
from voorportaal_contracts.topics import referral_topic
from voorportaal_contracts.types import ReferralMode, SharingScope
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.consent import handed_on
from voorportaal_routing.domain.lifecycle import OPEN_STATES
from voorportaal_routing.service_layer.common import Context, Staged, UseCase
from voorportaal_routing.service_layer.offers import Audience, offer, offer_to

log = structlog.get_logger(__name__)


class Consent(UseCase):
    """The citizen's grants and identity, as they reach routing."""

    async def on_citizen_identified(self, session: AsyncSession, incoming: Envelope) -> None:
        """Keep who the citizen is, for handovers to agencies they share it with."""
        ctx, store = self._ctx, RoutingStore(session)
        event = incoming.data
        assert isinstance(event, CitizenIdentified)
        identity = event.model_dump(mode="json", exclude={"case_id"})
        now = ctx.clock.now()
        await store.cases.lock([event.case_id])
        case = await store.cases.get(event.case_id)
        if case is not None and case.anonymised_at is not None:
            log.info("routing.identity_of_anonymised_case_dropped")
            return
        before = await store.identities.get(event.case_id) or {}
        await store.identities.put(event.case_id, identity, now)
        # The identity may arrive after the referrals went out (another topic, another
        # consumer): agencies that may know who the citizen is, now, get their referral again,
        # and so do those that get the story when the citizen's own words changed.
        own_words_changed = before.get("own_words") != identity.get("own_words")
        case_grants = await store.grants.of_case(event.case_id)
        staged: Staged = []
        for referral in await store.referrals.of_case(event.case_id):
            scopes = handed_on(case_grants, referral.agency_code, now)
            shares = SharingScope.IDENTITY in scopes or (
                own_words_changed and SharingScope.SUMMARY in scopes
            )
            if shares and referral.issued_at is not None and referral.state in OPEN_STATES:
                staged += await offer(ctx, store, referral, incoming)
        await ctx.stage(store, staged)

    async def on_identity_erased(self, session: AsyncSession, case_id: str) -> None:
        """A tombstone on `citizen.identity`: forget who the citizen is."""
        await RoutingStore(session).identities.forget(case_id)

    async def on_consent_granted(self, session: AsyncSession, incoming: Envelope) -> None:
        """A sharing grant (new, or the intake's one confirmed): kept, and agencies it now
        covers get their open referrals again, with what they may see (an upgrade)."""
        ctx, store = self._ctx, RoutingStore(session)
        event = incoming.data
        assert isinstance(event, ConsentGranted)
        await store.cases.lock([event.case_id])
        await store.grants.put(
            {
                "grant_id": event.grant_id,
                "case_id": event.case_id,
                "agency_code": event.agency_code,
                "scopes": sorted(s.value for s in event.scopes),
                "valid_from": event.valid_from,
                "valid_until": event.valid_until,
            },
            ctx.clock.now(),
        )
        staged = await reconcile(
            ctx, store, event.case_id, event.agency_code, incoming, "consent_expired"
        )
        await ctx.stage(store, staged)

    async def on_consent_revoked(self, session: AsyncSession, incoming: Envelope) -> None:
        """A grant revoked: kept as revoked (even before the grant itself arrives), and the
        agency is told to delete what it no longer may hold; nothing personal follows."""
        ctx, store = self._ctx, RoutingStore(session)
        event = incoming.data
        assert isinstance(event, ConsentRevoked)
        await store.cases.lock([event.case_id])
        await store.grants.revoke(
            case_id=event.case_id,
            grant_id=event.grant_id,
            agency_code=event.agency_code,
            revoked_at=event.revoked_at,
            now=ctx.clock.now(),
        )
        staged = await reconcile(
            ctx, store, event.case_id, event.agency_code, incoming, "consent_revoked"
        )
        await ctx.stage(store, staged)


async def reconcile(
    ctx: Context,
    store: RoutingStore,
    case_id: str,
    agency_code: str,
    incoming: Envelope | None,
    reason: str,
) -> Staged:
    """Bring what `agency_code` holds from this case's referrals in line with the grants
    that hold now: take back what it may no longer hold (`ConsentWithdrawn`), and offer
    open referrals again where it may now see more (the replacing `ReferralOffered`)."""
    case = await store.cases.get(case_id)
    if case is None:
        return []  # routing has no referral for this case yet; the grant waits for them
    case_grants = await store.grants.of_case(case_id)
    now = ctx.clock.now()
    scopes: frozenset[SharingScope] = frozenset()
    if case.anonymised_at is None:
        scopes = handed_on(case_grants, agency_code, now)
    sent = [
        r
        for r in await store.referrals.of_case(case_id)
        if r.agency_code == agency_code and r.went_out
    ]
    staged: Staged = []
    taken_back: list[str] = []
    lost: set[SharingScope] = set()
    for referral in sent:
        held = referral.held_scopes
        if held - scopes:
            taken_back.append(referral.id)
            lost |= held - scopes
            kept = sorted(s.value for s in held & scopes)
            referral.shared_scopes = kept
            referral.mode = ReferralMode.WARM_HANDOVER if kept else ReferralMode.ANONYMOUS
            referral.updated_at = now
            await store.referrals.save(referral, "mode", "shared_scopes", "updated_at")
    if taken_back:
        withdrawn = ConsentWithdrawn(
            case_id=case_id,
            agency_code=agency_code,
            referral_ids=taken_back,
            reason=reason,
            scopes=sorted(lost),
            withdrawn_at=now,
        )
        staged.append((ctx.new(withdrawn, incoming), referral_topic(agency_code)))
        log.info("routing.consent_withdrawn", agency=agency_code, referrals=len(taken_back))
    upgrade = [r for r in sent if r.state in OPEN_STATES and scopes - r.held_scopes]
    if upgrade:
        identity = await ctx.identity_if_shared(store, case_id, case_grants, agency_code)
        audience = Audience(case, identity, case_grants)
        for referral in upgrade:
            staged += offer_to(ctx, referral, incoming, audience)
            referral.updated_at = now
            await store.referrals.save(referral, "mode", "shared_scopes", "updated_at")
    return staged


async def grant_changes(ctx: Context, store: RoutingStore, now: datetime) -> Staged:
    """Grants that started or ended since the last sweep: the agency gets what it may see
    now (an expiry takes back, a grant from a later date upgrades).

    The case is locked before its grants are read (the order the consumers lock in, so the
    two cannot deadlock); a grant another sweep handled meanwhile is no longer due."""
    staged: Staged = []
    for case_id in await store.grants.cases_due(now):
        await store.cases.lock([case_id])
        for agency in sorted(await store.grants.take_due(case_id, now)):
            staged += await reconcile(ctx, store, case_id, agency, None, "consent_expired")
    return staged


async def seed_grants(ctx: Context, store: RoutingStore, intakes: Sequence[Envelope]) -> None:
    """The intake's `share_with` as the grants the intake publishes (same ids and terms),
    for routing may read the intake before those `ConsentGranted` events."""
    seeds: list[dict[str, Any]] = []
    for incoming in intakes:
        event = incoming.data
        assert isinstance(event, IntakeSubmitted | IntakeAmended)
        for agency in event.share_with:
            try:
                grant_id = intake_grant_id(event.intake_id, agency)
            except ValueError:
                log.warning("routing.intake_grant_id_too_long", agency=agency)
                continue
            seeds.append(
                {
                    "case_id": event.case_id,
                    "grant_id": grant_id,
                    "agency_code": agency,
                    "scopes": sorted(s.value for s in INTAKE_CONSENT_SCOPES),
                    "valid_from": event.submitted_at,
                    "valid_until": intake_grant_valid_until(event.submitted_at),
                }
            )
    await store.grants.seed(seeds, ctx.clock.now())
