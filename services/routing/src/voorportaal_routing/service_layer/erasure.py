"""Erasure: when a case is anonymised routing forgets who the citizen is and what they told,
and tells every agency that had a referral to delete what it holds for it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import CaseAnonymised, ConsentWithdrawn
from voorportaal_contracts.topics import referral_topic
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.consent import HANDED_ON
from voorportaal_routing.domain.rules import IntakeFacts
from voorportaal_routing.service_layer.common import Staged, UseCase

log = structlog.get_logger(__name__)


async def _forget_story(store: RoutingStore, case_id: str, now: datetime) -> dict[str, list[str]]:
    """Drop what the case's referrals tell about the citizen; the ids each agency was sent."""
    referrals = await store.referrals.of_case(case_id)
    by_agency: dict[str, list[str]] = defaultdict(list)
    for referral in referrals:
        if referral.went_out:
            by_agency[referral.agency_code].append(referral.id)
        referral.needs = []
        referral.outcome = None
        referral.shared_scopes = []
        # A casemanager's note may name the citizen: the rule stays, its text goes.
        referral.reasons = [
            {**r, "nl": "(verwijderd)", "en": "(removed)"} if r["rule"] == "manual" else r
            for r in referral.reasons
        ]
        referral.updated_at = now
        await store.referrals.save(
            referral, "needs", "outcome", "shared_scopes", "reasons", "updated_at"
        )
    await store.referrals.erase_notes([r.id for r in referrals])
    return by_agency


class Erasure(UseCase):
    """`CaseAnonymised`, as routing applies it."""

    async def on_case_anonymised(self, session: AsyncSession, incoming: Envelope) -> None:
        """Forget the citizen and their story; agencies that got a referral are told."""
        ctx, store = self._ctx, RoutingStore(session)
        event = incoming.data
        assert isinstance(event, CaseAnonymised)
        case_id = event.case_id
        await store.cases.lock([case_id])
        await store.identities.forget(case_id)
        await store.grants.forget_case(case_id)
        case = await store.cases.get(case_id)
        if case is None or case.anonymised_at is not None:
            return
        now = ctx.clock.now()
        facts = case.intake_facts
        kept = IntakeFacts(
            life_events=facts.life_events, redzaamheid=facts.redzaamheid, urgency=facts.urgency
        )  # what the agency metrics need; needs, risks and place are the citizen's story
        case.facts = kept.model_dump(mode="json")
        case.language = None
        case.channels = []
        case.buddy_name = None
        case.anonymised_at = event.anonymised_at
        case.updated_at = now
        await store.cases.save(
            case, "facts", "language", "channels", "buddy_name", "anonymised_at", "updated_at"
        )
        by_agency = await _forget_story(store, case_id, now)
        staged: Staged = [
            (
                ctx.new(
                    ConsentWithdrawn(
                        case_id=case_id,
                        agency_code=agency,
                        referral_ids=ids,
                        reason="case_anonymised",
                        scopes=sorted(HANDED_ON),
                        withdrawn_at=now,
                    ),
                    incoming,
                ),
                referral_topic(agency),
            )
            for agency, ids in sorted(by_agency.items())
        ]
        log.info("routing.case_anonymised", agencies_told=len(staged))
        await ctx.stage(store, staged)
