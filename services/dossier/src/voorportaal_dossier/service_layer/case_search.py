"""Finding a case, and the cases a staff member opened lately.

Who finds what follows the dossier's access rules (`sharing.decide`, the kit's
`case_access`): a term about who the citizen is (name, BSN, postcode, phone) finds only cases
whose identity the searcher may read — theirs, their team's, one handed to them, every case
for a supervisor; a case in the buddy queue shows only its summary to a casemanager, so it is
found by its case id, not by its citizen's BSN. Agencies, citizens and operators do not search.

Every search is audited like a read, in one transaction with its answer: one record of the
search itself (case id `case-search`, purpose `search_by_<kind>`, the term only as a keyed
hash or the case id), and one per case shown (purpose `case_search`, the same term reference),
so the citizen's "who looked" lists the search. A refused search is audited too. Searches are
limited per staff member (`search_per_minute`), since a search reads many cases at once.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import Any

import structlog

from voorportaal_dossier.adapters import case_search_rows
from voorportaal_dossier.domain import ownership, sharing
from voorportaal_dossier.domain.case_search import (
    IDENTITY_KINDS,
    SearchKind,
    SearchTerm,
    exact_hint,
    matches,
    parse_term,
    stored_hints,
    term_ref,
)
from voorportaal_dossier.domain.case_state import CaseState, load_case
from voorportaal_dossier.domain.errors import InvalidInput
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor, record
from voorportaal_dossier.service_layer.case_access import CaseAccess
from voorportaal_dossier.service_layer.shapes import iso
from voorportaal_kit.audit import AuditAction, AuditRecord
from voorportaal_kit.auth import Role
from voorportaal_kit.case_access import Decision
from voorportaal_kit.errors import Forbidden, ServiceError, TooManyRequests

log = structlog.get_logger(__name__)

SEARCH_CASE_ID = "case-search"
"""The audit record's case id for the search itself (it reads no one case)."""
MAX_HITS = 25
"""A search shows at most this many cases; more means the term is too vague."""
MAX_SCANNED = 50_000
"""A search looks at most at this many stored cases (the newest)."""
RECENT = 10
"""How many recent cases the console lists."""
RECENT_SCAN = 2_000
"""How many of the staff member's newest access records the recent cases are taken from."""
_WINDOW = timedelta(minutes=1)


class SearchLimited(TooManyRequests):
    """Too many searches by one staff member in a minute (429 with `Retry-After`)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            "too many searches; try again in a minute / te veel zoekopdrachten; "
            "probeer het over een minuut opnieuw",
            field="q",
        )
        self.retry_after_s = retry_after_s


class SearchLimiter:
    """At most `per_minute` searches per staff member in any minute (a sliding window in this
    process: staff are signed in, so the subject is the key; with several replicas each
    counts its own)."""

    def __init__(self, per_minute: int) -> None:
        self._per_minute = per_minute
        self._hits: dict[str, deque[datetime]] = {}

    def take(self, subject: str, now: datetime) -> None:
        """Count one search, or raise `SearchLimited` when the minute is full."""
        hits = self._hits.setdefault(subject, deque())
        while hits and hits[0] <= now - _WINDOW:
            hits.popleft()
        if len(hits) >= self._per_minute:
            wait = (hits[0] + _WINDOW - now).total_seconds()
            raise SearchLimited(max(1, int(wait + 0.999)))
        hits.append(now)


def _holds(raw: bytes, hints: tuple[str, ...]) -> bool:
    """Whether a stored case's JSON holds every hint (case-folded)."""
    if not hints:
        return True
    text = bytes(raw).decode().casefold()
    return all(hint in text for hint in hints)


def _basis(case: CaseState, actor: Actor) -> str | None:
    return ownership.visible_to(case.ownership, actor.principal, actor.team)


def _hit(case: CaseState, basis: str, *, with_name: bool) -> dict[str, Any]:
    """A case as a search shows it (`CaseSearchHit`)."""
    citizen = case.citizen
    return {
        "case_id": case.case_id,
        "name": citizen.name if with_name and citizen is not None else None,
        "basis": basis,
        "ownership_status": case.ownership.status.value,
        "owner_id": case.ownership.owner.id if case.ownership.owner else None,
        "team": case.ownership.team,
        "urgency": case.urgency,
        "municipality_code": case.municipality_code,
        "life_events": list(case.life_events),
        "opened_at": iso(case.opened_at),
        "closed": case.closed_at is not None,
    }


class CaseSearch:
    """Search and recent cases for casemanagers and supervisors."""

    def __init__(self, cases: CaseAccess, *, term_key: bytes, per_minute: int) -> None:
        self._cases = cases
        self._term_key = term_key
        self._limiter = SearchLimiter(per_minute)

    async def _refuse(self, actor: Actor, purpose: str, reason: str, now: datetime) -> Exception:
        """Audit a refused search (in its own transaction) and return the 403 to raise."""
        decision = Decision(False, reason, "none")
        await self._cases.audit(
            [record(actor, SEARCH_CASE_ID, "case_search", purpose, AuditAction.READ, decision, now)]
        )
        log.info("dossier.search_refused", purpose=purpose)
        return Forbidden(reason)

    async def search(self, actor: Actor, q: str | None, kind: str | None) -> dict[str, Any]:
        """The cases `q` names within what `actor` may see (`CaseSearchResult`), audited."""
        now = self._cases.now()
        if not actor.is_case_staff or actor.principal.has_role(Role.CITIZEN):
            raise await self._refuse(
                actor, "search", "only casemanagers and supervisors search cases", now
            )
        try:
            term = parse_term(q or "", SearchKind(kind) if kind else None)
        except InvalidInput as exc:
            raise ServiceError(exc.reason, field=exc.field) from None
        self._limiter.take(actor.subject, now)
        ref = term_ref(self._term_key, term)
        async with self._cases.sessions.begin() as session:
            found = await self._find(session, actor, term)
            shown = found[:MAX_HITS]
            data_kind = DataKind.IDENTITY if term.kind in IDENTITY_KINDS else DataKind.SUMMARY
            entries: list[AuditRecord] = [
                record(
                    actor,
                    SEARCH_CASE_ID,
                    "case_search",
                    f"search_by_{term.kind.value}",
                    AuditAction.READ,
                    Decision(True, "staff search within their cases", "staff"),
                    now,
                    object_id=ref,
                )
            ]
            entries += [
                record(
                    actor,
                    case.case_id,
                    data_kind.value,
                    "case_search",
                    AuditAction.READ,
                    decision,
                    now,
                    object_id=ref,
                )
                for case, decision, _ in shown
            ]
            await audit_log.append(session, entries)
        log.info("dossier.searched", kind=term.kind.value, hits=len(shown))
        return {
            "kind": term.kind.value,
            "hits": [
                _hit(case, basis, with_name=self._may_read_identity(actor, case, now))
                for case, _, basis in shown
            ],
            "truncated": len(found) > len(shown),
        }

    def _may_read_identity(self, actor: Actor, case: CaseState, now: datetime) -> bool:
        decision = sharing.decide(actor.principal, case, DataKind.IDENTITY, now, team=actor.team)
        return decision.allowed

    async def _find(
        self, session: Any, actor: Actor, term: SearchTerm
    ) -> list[tuple[CaseState, Decision, str]]:
        """The matching cases `actor` may see, each with the decision that lets them."""
        now = self._cases.now()
        if term.kind is SearchKind.CASE_ID:
            one = await case_search_rows.one_case(session, term.value)
            pool = [one] if one is not None and one.anonymised_at is None else []
        else:
            raws = await case_search_rows.candidates(
                session,
                subject=actor.subject,
                team=actor.team,
                everyone=actor.principal.has_role(Role.SUPERVISOR),
                with_queue=False,
                limit=MAX_SCANNED,
                holding=exact_hint(term),
            )
            # Parsing a case costs far more than looking for the term's words in its JSON:
            # only the cases that hold them are parsed (and then matched exactly).
            hints = stored_hints(term)
            pool = [load_case(raw) for raw in raws if _holds(raw, hints)]
        kind = DataKind.IDENTITY if term.kind in IDENTITY_KINDS else DataKind.SUMMARY
        found = []
        for case in pool:
            if not matches(case, term):
                continue
            basis = _basis(case, actor)
            decision = sharing.decide(actor.principal, case, kind, now, team=actor.team)
            if basis is None or not decision.allowed:
                continue
            found.append((case, decision, basis))
        return found

    async def recent(self, actor: Actor) -> list[dict[str, Any]]:
        """The cases `actor` opened lately that they may still see, newest first: ids, codes
        and states only (no name, so no audit record per row, as in the work queue)."""
        if not actor.is_case_staff or actor.principal.has_role(Role.CITIZEN):
            raise Forbidden(
                "Only casemanagers and supervisors have recent cases. / "
                "Alleen casemanagers en supervisors hebben recente zaken."
            )
        now = self._cases.now()
        out = []
        async with self._cases.sessions() as session:
            ids = await case_search_rows.opened_lately(
                session,
                actor.audit_id,
                purpose="case_page",
                data_kind=DataKind.SUMMARY.value,
                scan=RECENT_SCAN,
                limit=RECENT,
            )
            for case_id in ids:
                case = await case_search_rows.one_case(session, case_id)
                if case is None or case.anonymised_at is not None:
                    continue
                basis = _basis(case, actor)
                summary = sharing.decide(
                    actor.principal, case, DataKind.SUMMARY, now, team=actor.team
                )
                if basis is not None and summary.allowed:
                    out.append(_hit(case, basis, with_name=False))
        return out
