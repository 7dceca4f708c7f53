"""The citizen's links: issued by staff (the citizen's own, or a representative's under a
mandate), opened from a message's short link, kept the first time they are seen so that the
citizen can list and revoke them; and the gate every citizen's page goes through (only a
valid, unrevoked link for this case opens it, decided and audited)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts import citizen_links as short_links
from voorportaal_contracts.citizen_links import short_link_id
from voorportaal_contracts.events import CitizenLinkRevoked
from voorportaal_contracts.registry import Event
from voorportaal_dossier.adapters import case_store, links
from voorportaal_dossier.domain import citizen_link, sharing
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.errors import InvalidInput
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor, LinkUse, record
from voorportaal_dossier.service_layer.case_access import CaseAccess, new_id
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import Decision

log = structlog.get_logger(__name__)

_STATUS_NL: Final = {
    "not_yet_valid": "nog niet geldig",
    "expired": "verlopen",
    "revoked": "ingetrokken",
}
"""A mandate that is not current, as the Dutch half of a refusal says it."""

NOT_A_LINK = (
    "the citizen's pages open only with the citizen's own link or a representative's link; "
    "staff and agencies read the case at /cases/{id}"
)
"""Why a staff, agency or any other token is refused on the citizen's pages."""


class CitizenLinks:
    """Issuing, opening, keeping and revoking the links to a citizen's dossier."""

    def __init__(self, cases: CaseAccess, *, link_key: bytes, link_ttl: timedelta) -> None:
        self._cases = cases
        self._link_key = link_key
        self._link_ttl = link_ttl

    @property
    def link_key(self) -> bytes:
        """The key of the citizen's links (shared with notify for the short ones)."""
        return self._link_key

    def issue_link(
        self,
        case_id: str,
        *,
        not_after: datetime | None = None,
        holder: str | None = None,
        link_id: str | None = None,
    ) -> tuple[str, datetime]:
        """A signed link for the citizen of a case (purpose `dossier`), valid for the link
        lifetime and never beyond `not_after`; `holder` makes it a representative's link and
        `link_id` names the record that revoking refuses it by."""
        expires = self._cases.now() + self._link_ttl
        if not_after is not None:
            expires = min(expires, not_after)
        token = citizen_link.sign_link(
            self._link_key,
            case_id=case_id,
            purpose="dossier",
            expires_at=expires,
            holder=holder,
            link_id=link_id,
        )
        return token, expires

    async def link_for(
        self, actor: Actor, case_id: str, *, mandate_id: str | None = None
    ) -> tuple[str, datetime]:
        """The owner, team or a supervisor hands the citizen their link, or a representative
        a link of their own (`mandate_id`: only while that mandate is current)."""
        link_id = new_id("link")
        expires = self._cases.now() + self._link_ttl

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            self._cases.staff_basis(case, actor)
            if mandate_id is not None:
                found = next((m for m in case.mandates if m.mandate_id == mandate_id), None)
                if found is None:
                    raise InvalidInput(
                        "mandate_id",
                        "no such mandate on this case / deze zaak heeft die machtiging niet",
                    )
                status = found.status(self._cases.now())
                if status != "current":
                    raise InvalidInput(
                        "mandate_id",
                        f"the mandate is {status} / de machtiging is {_STATUS_NL[status]}",
                    )
            await links.record(
                s,
                link_id=link_id,
                case_id=case_id,
                holder=mandate_id,
                kind="dossier",
                expires_at=expires,
                at=self._cases.now(),
            )
            return case, [], None

        await self._cases.change(
            actor, case_id, "citizen_link", DataKind.SHARING, step, object_id=link_id
        )
        return self.issue_link(case_id, not_after=expires, holder=mandate_id, link_id=link_id)

    async def open_short_link(self, token: str) -> tuple[str, str, datetime]:
        """A message's short link, kept the first time it is seen: (case id, the long link for
        the view under the same record, its expiry); `InvalidLink` when it is not valid or
        was revoked."""
        claims = short_links.verify_link_token(self._link_key, token, now=self._cases.now())
        link_id = short_link_id(token)
        async with self._cases.sessions.begin() as session:
            kept = await links.find(session, link_id)
            if kept is not None and kept.revoked_at is not None:
                raise citizen_link.InvalidLink(citizen_link.LinkProblem.REVOKED)
            if kept is None:
                await links.record(
                    session,
                    link_id=link_id,
                    case_id=claims.case_id,
                    holder=claims.holder,
                    kind="short",
                    expires_at=claims.expires_at,
                    at=self._cases.now(),
                )
        link, expires = self.issue_link(
            claims.case_id, not_after=claims.expires_at, holder=claims.holder, link_id=link_id
        )
        return claims.case_id, link, expires

    def citizen_actor(self, link: str) -> Actor:
        """The citizen or representative behind a link: the dossier's long link or a message's
        short one (`InvalidLink` of either kind when it is damaged, forged or expired). Whether
        it opens a case is decided per request (`citizen_read`, `citizen_gate`)."""
        now = self._cases.now()
        if link.count(".") == 2:
            short = short_links.verify_link_token(self._link_key, link, now=now)
            link_id = short_link_id(link)
            use = LinkUse(short.case_id, short.holder, link_id, "short", short.expires_at)
        else:
            long = citizen_link.open_link(self._link_key, link, purpose="dossier", now=now)
            use = LinkUse(long.case_id, long.holder, long.link_id, "dossier", long.expires_at)
        subject = sharing.representative_subject(use.holder) if use.holder else "citizen"
        principal = Principal(
            subject=subject,
            roles=frozenset({Role.CITIZEN}),
            case_id=use.case_id,
            token_id=use.link_id,
        )
        return Actor(principal, link=use)

    async def link_refusal(
        self, session: AsyncSession, actor: Actor, case_id: str, now: datetime
    ) -> Decision | None:
        """Why the citizen's pages do not open for this caller, or None: they open only with a
        link (a staff or agency token is refused), and never with a revoked one. A link seen
        for the first time is kept, so the citizen's view can list and revoke it."""
        use = actor.link
        if use is None:
            return Decision(False, NOT_A_LINK, "none")
        if use.case_id != case_id or use.link_id is None:
            return None  # `decide` refuses another case's link; an old link has no record
        kept = await links.find(session, use.link_id)
        if kept is None:
            await links.record(
                session,
                link_id=use.link_id,
                case_id=case_id,
                holder=use.holder,
                kind=use.kind,
                expires_at=use.expires_at,
                at=now,
            )
            return None
        if kept.revoked_at is not None and kept.revoked_at <= now:
            return Decision(False, "the link was revoked", "none")
        return None

    async def citizen_read(
        self, actor: Actor, case_id: str, kinds: Sequence[DataKind], purpose: str
    ) -> tuple[CaseState, dict[DataKind, Decision]]:
        """The case for one of the citizen's pages: each kind decided and audited, allowed or
        refused; the first kind must be allowed (else 403, or 404 for staff where /cases/{id}
        says 404). Only a link for this case opens it: the citizen's own, or a representative's
        within its mandate."""
        now = self._cases.now()
        async with self._cases.sessions.begin() as session:
            case = await case_store.load(session, case_id)
            refusal = await self.link_refusal(session, actor, case_id, now)
            subject = case or CaseState.new(case_id)
            decisions = {
                kind: refusal
                or sharing.decide(actor.principal, subject, kind, now, team=actor.team)
                for kind in (kinds[:1] if refusal else kinds)
            }
            await audit_log.append(
                session,
                [
                    record(actor, case_id, k.value, purpose, AuditAction.READ, d, now)
                    for k, d in decisions.items()
                ],
            )
        first = decisions[kinds[0]]
        if not first.allowed:
            log.info("dossier.citizen_page_refused", case_id=case_id, purpose=purpose)
            raise self._cases.refused(actor, case, first)
        if case is None:
            raise self._cases.missing(actor)
        return case, decisions

    async def citizen_gate(self, actor: Actor, case_id: str, purpose: str) -> None:
        """Before a change on the citizen's pages: refuse (and audit) anyone who did not come
        with a link for this case that is still valid; the change decides the rest."""
        now = self._cases.now()
        async with self._cases.sessions.begin() as session:
            refusal = await self.link_refusal(session, actor, case_id, now)
            case = await case_store.load(session, case_id) if refusal is not None else None
            if refusal is not None:
                await audit_log.append(
                    session,
                    [
                        record(
                            actor,
                            case_id,
                            DataKind.SHARING.value,
                            purpose,
                            AuditAction.CHANGE,
                            refusal,
                            now,
                        )
                    ],
                )
        if refusal is not None:
            log.info("dossier.citizen_change_refused", case_id=case_id, purpose=purpose)
            raise self._cases.refused(actor, case, refusal)

    async def revoke_link(self, actor: Actor, case_id: str, link_id: str) -> None:
        """Refuse a link from now on (the citizen any of theirs; a representative only the
        links of their own mandate)."""
        await self.citizen_gate(actor, case_id, "link_revoke")

        async def step(s: AsyncSession, case: CaseState) -> tuple[CaseState, list[Event], None]:
            kept = await links.find(s, link_id)
            if kept is None or kept.case_id != case_id:
                raise InvalidInput(
                    "link_id", "no such link on this case / deze zaak heeft die link niet"
                )
            now = self._cases.now()
            sharing.may_revoke_link(case, actor.principal, kept.holder, now)
            await links.revoke(s, link_id, at=now, by=actor.audit_id)
            # Notify opens the same short links (preferences): it learns of this in the outbox.
            return (
                case,
                [CitizenLinkRevoked(case_id=case_id, link_id=link_id, revoked_at=now)],
                None,
            )

        await self._cases.change(
            actor, case_id, "link_revoke", DataKind.SHARING, step, object_id=link_id
        )
