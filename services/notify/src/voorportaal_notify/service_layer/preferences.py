"""How a citizen is reached: staff read it masked; the citizen (through their link), the case's
owner or team, or a supervisor change it, every attempt audited; a changed address gets a code
and counts only once it is typed back (`confirm`)."""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import audit_record
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import NotFound, ServiceError
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.domain.access import (
    DATA_KIND,
    STAFF_REASONS,
    ChangeReason,
    may_change_contact,
)
from voorportaal_notify.domain.confirmations import Confirmation, ConfirmationStatus
from voorportaal_notify.domain.contacts import ADDRESS_FIELDS, ContactPoints, hhmm
from voorportaal_notify.domain.notices import NoticeStatus
from voorportaal_notify.domain.recipients import held_for_confirmation
from voorportaal_notify.service_layer.access_guard import PREFERENCES_READ, AccessGuard
from voorportaal_notify.service_layer.contact_points import save_contact
from voorportaal_notify.service_layer.notices import NoticeQueue

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class PreferencesChange:
    """A change of how a citizen is reached; None leaves a field as it is."""

    channels: Sequence[MessageChannel] | None = None
    language: str | None = None
    quiet_from: time | None = None
    quiet_until: time | None = None
    clear_quiet_hours: bool = False
    email: str | None = None
    phone: str | None = None
    representative_copies: bool | None = None


async def _contact(repos: Repositories, case_id: str) -> ContactPoints:
    contact = await repos.contacts.get(case_id)
    if contact is None:
        raise NotFound(f"No contact points for case {case_id!r}.")
    return contact


@dataclass(frozen=True)
class Preferences:
    """Read, change and confirm how a case's citizen is reached."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    notices: NoticeQueue
    """Codes to new addresses, notices to old ones."""
    audit: AuditTrail
    guard: AccessGuard
    """Decides and audits reads; changes are decided here."""
    confirmation_ttl: timedelta = timedelta(minutes=30)
    """How long a code sent to a changed address is good for."""

    async def read(self, case_id: str, principal: Principal) -> ContactPoints:
        """How the citizen of a case is reached (shown masked): staff who may see the case's
        identity (the dossier's rule: supervisor, owner, team, a handover's colleague);
        audited, allowed or refused."""
        now = self.clock.now()
        async with self.audit.transaction(self.sessions) as session:
            await self.guard.read(session, principal, case_id, PREFERENCES_READ, now)
            return await _contact(Repositories(session), case_id)

    async def change(
        self,
        case_id: str,
        change: PreferencesChange,
        principal: Principal,
        *,
        reason: ChangeReason,
    ) -> ContactPoints:
        """Change how the citizen is reached: by the citizen's own link, the case's owner or
        team, or a supervisor (`domain.access`); every attempt is audited, allowed or refused.

        A citizen changes channels, language and quiet hours; addresses only staff. A changed
        address is not confirmed: notify sends it a code (`confirm` takes it back), and
        nothing else goes to it until then; the old one, when it was confirmed, is told that
        the details changed. The next `ContactPointsUpdated` from the intake replaces the whole
        set again.
        """
        now = self.clock.now()
        is_citizen = principal.has_role(Role.CITIZEN)
        async with self.audit.transaction(self.sessions) as session:
            basis = await self._authorise_change(session, case_id, change, principal, reason, now)
            repos = Repositories(session)
            contact = await _contact(repos, case_id)
            values = _apply(contact, change)
            verified = await self._readdress(session, contact, values, now)
            fields = sorted(values)
            contact = contact.changed(
                **values,
                verified=sorted(verified),
                changed_by="citizen" if is_citizen else principal.subject,
                updated_at=now,
            )
            contact = contact.changed(held=held_for_confirmation(contact))
            await save_contact(repos, contact, now)
            log.info(
                "notify.preferences_changed",
                case_id=case_id,
                by="citizen" if is_citizen else principal.subject,
                basis=basis,
                reason=reason.value,
                fields=fields,
            )
            return contact

    async def _authorise_change(
        self,
        session: AsyncSession,
        case_id: str,
        change: PreferencesChange,
        principal: Principal,
        reason: ChangeReason,
        now: datetime,
    ) -> str | None:
        """Decide and audit a change (raises when refused); returns the basis it rests on."""
        is_citizen = principal.has_role(Role.CITIZEN)
        addresses = change.email is not None or change.phone is not None
        kind = DATA_KIND if addresses else "contact_preferences"
        case = await self.guard.access.get(session, case_id)
        decision = may_change_contact(principal, case, now, addresses=addresses)
        if decision.allowed and (reason in STAFF_REASONS) == is_citizen:
            raise ServiceError(
                "Give why the details change (citizen_request, representative_request, "
                "undeliverable, correction)."
                if not is_citizen
                else "A citizen's own change has the reason own_choice.",
                field="reason",
            )
        await self.audit.check(
            session,
            audit_record(principal, case_id, kind, reason.value, AuditAction.CHANGE, decision, now),
            allowed=decision.allowed,
        )
        return decision.basis

    async def _readdress(
        self, session: AsyncSession, contact: ContactPoints, values: dict[str, Any], now: datetime
    ) -> set[str]:
        """Tell a confirmed old address it changed and send a code to the new one; drops an
        address that did not change from `values`; returns the channels still confirmed."""
        verified = set(contact.verified)
        for channel, field in ADDRESS_FIELDS:
            if field not in values:
                continue
            old = contact.address(field)
            if values[field] == old:
                del values[field]  # the same address again: still confirmed, nobody told
                continue
            language = values.get("language", contact.language)
            if old and channel.value in verified:
                await self.notices.contact_changed(session, contact.case_id, channel, old, language)
            verified.discard(channel.value)
            if values[field]:
                await self._send_code(
                    session, contact.case_id, channel, values[field], language, now
                )
        return verified

    async def confirm(
        self,
        case_id: str,
        channel: MessageChannel,
        code: str,
        principal: Principal,
    ) -> ContactPoints:
        """Confirm an address changed here with the code notify sent to it (typed in by the
        citizen through their link, or at the desk by the owner, team or a supervisor).

        Five wrong tries end the code; a new one comes with the next change of the address.
        """
        now = self.clock.now()
        async with self.audit.transaction(self.sessions) as session:
            decision = may_change_contact(
                principal, await self.guard.access.get(session, case_id), now
            )
            record = audit_record(
                principal, case_id, DATA_KIND, "confirm_address", AuditAction.CHANGE, decision, now
            )
            if not decision.allowed:
                await self.audit.check(session, record, allowed=False)
            repos = Repositories(session)
            contact = await _contact(repos, case_id)
            field = dict(ADDRESS_FIELDS).get(channel)
            address = contact.address(field) if field else None
            waiting = await repos.confirmations.latest_open(case_id, channel.value)
            if (
                waiting is None
                or address is None
                or now >= waiting.expires_at
                or waiting.address_key != self.notices.key_of(channel, address)
            ):
                raise ServiceError(
                    "No code is waiting for this address; change it again for a new code.",
                    field="code",
                )
            expected = self.notices.code_hash(waiting.id, code)
            right = hmac.compare_digest(expected, waiting.code_hash)
            tries, status = waiting.after_try(right)
            await repos.confirmations.record_try(waiting.id, tries, status, now)
            if right:
                contact = contact.changed(
                    verified=sorted({*contact.verified, channel.value}), updated_at=now
                )
                contact = contact.changed(held=held_for_confirmation(contact))
                await save_contact(repos, contact, now)
                await self.audit.write(session, [record])
        if not right:
            # Raised after the commit: the wrong try counts.
            log.info("notify.confirmation_wrong_code", case_id=case_id, tries=tries)
            raise ServiceError("The code is not right.", field="code")
        log.info("notify.address_confirmed", case_id=case_id, channel=channel.value)
        return contact

    async def _send_code(
        self,
        session: AsyncSession,
        case_id: str,
        channel: MessageChannel,
        address: str,
        language: str,
        now: datetime,
    ) -> None:
        """A code for an address changed here, so it can be confirmed (rate-limited like any)."""
        repos = Repositories(session)
        await repos.confirmations.supersede_open(case_id, channel.value, now)
        confirmation_id = uuid.uuid4().hex
        code = f"{secrets.randbelow(10**6):06d}"
        expires_at = now + self.confirmation_ttl
        status = await self.notices.queue_code(
            session,
            notice_id=confirmation_id,
            case_id=case_id,
            channel=channel,
            address=address,
            code=code,
            language=language,
            expires_at=expires_at,
        )
        if status is not NoticeStatus.PENDING:
            return  # no code went out (the address had enough lately): nothing to confirm
        await repos.confirmations.add(
            Confirmation(
                id=confirmation_id,
                case_id=case_id,
                channel=channel.value,
                address_key=self.notices.key_of(channel, address),
                code_hash=self.notices.code_hash(confirmation_id, code),
                tries=0,
                status=ConfirmationStatus.OPEN,
                expires_at=expires_at,
            ),
            now,
        )


def _apply(contact: ContactPoints, change: PreferencesChange) -> dict[str, Any]:
    """The fields a change sets (validated: clear errors naming the field)."""
    values: dict[str, Any] = {}
    if change.channels is not None:
        if not change.channels:
            raise ServiceError("Name at least one channel.", field="channels")
        values["channels"] = list(dict.fromkeys(c.value for c in change.channels))
    if change.language is not None:
        values["language"] = change.language
    if change.clear_quiet_hours:
        values["quiet_from"] = values["quiet_until"] = None
    elif (change.quiet_from is None) != (change.quiet_until is None):
        raise ServiceError("Give both the start and the end of quiet hours.", field="quiet_from")
    elif change.quiet_from is not None:
        values["quiet_from"], values["quiet_until"] = (
            hhmm(change.quiet_from),
            hhmm(change.quiet_until),
        )
    if change.email is not None:
        values["email"] = change.email
    if change.phone is not None:
        values["phone"] = change.phone
    if change.representative_copies is not None:
        rep = contact.representative
        if not rep:
            raise ServiceError("This citizen has no representative.", field="representative_copies")
        values["representative"] = {**rep, "receives_copies": change.representative_copies}
    if not values:
        raise ServiceError("Nothing to change.")
    return values
