"""Factories for the dossier's unit tests: events, envelopes, principals and cases, and
folding events into a running dossier."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    BuddyAssigned,
    BuddyRecommended,
    CitizenIdentified,
    ConsentGranted,
    ContactPointsUpdated,
    IntakeAmended,
    IntakeSubmitted,
    NotificationSent,
    PromiseRecorded,
    Reason,
    ReferralAccepted,
    ReferralCompleted,
    ReferralIssued,
    ReferralReceived,
)
from voorportaal_contracts.events.checklist import (
    ChecklistEntry,
    ChecklistIssued,
    ChecklistItemDone,
    ChecklistItemOverdue,
    PersonRequested,
    Texts,
)
from voorportaal_contracts.registry import Event
from voorportaal_contracts.types import (
    Channel,
    CitizenLanguage,
    LifeEvent,
    MessageChannel,
    Redzaamheid,
    ReferralMode,
    SharingScope,
    Urgency,
)
from voorportaal_dossier.app import definition
from voorportaal_dossier.domain.projection import CaseState, apply_all
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit import testing as kit
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import Clock
from voorportaal_kit.runtime import ServiceRuntime

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CASE = "case-000001"
OTHER_CASE = "case-000002"
BSN = "123456782"
NAME = "Fatima El Amrani"
_NS = UUID("6f1c1f3e-8f7a-4f39-9b5e-4a3f0f3a9a11")


def at(minutes: int = 0, *, days: int = 0) -> datetime:
    """A moment relative to T0."""
    return T0 + timedelta(days=days, minutes=minutes)


def env(data: Any, *, time: datetime | None = None, key: str | None = None) -> Envelope:
    """An envelope whose id is derived from `key` (default: the event's content), so a test
    can build the same event twice and get the same id, as a redelivery would."""
    event_id = uuid5(_NS, key or f"{type(data).__name__}:{data!r}")
    return Envelope(data=data, source="test", id=event_id, time=time or T0)


def principal(
    subject: str, *roles: str, name: str | None = None, case_id: str | None = None
) -> Principal:
    """A principal as the auth middleware would hand it over."""
    return Principal(subject=subject, roles=frozenset(roles), name=name, case_id=case_id)


def reason(rule: str = "acute_risk") -> Reason:
    return Reason(rule=rule, nl="Er is een acuut risico.", en="There is an acute risk.")


def intake_submitted(case_id: str = CASE, **changes: Any) -> IntakeSubmitted:
    fields: dict[str, Any] = {
        "case_id": case_id,
        "intake_id": "intake-1",
        "life_events": [LifeEvent.INCOME_LOSS, LifeEvent.FALLING_ILL],
        "channel": Channel.WEB,
        "redzaamheid": Redzaamheid.NIET_REDZAAM,
        "urgency": Urgency.HIGH,
        "needs": ["income", "care"],
        "risks": ["eviction"],
        "municipality_code": "GM0344",
        "share_with": ["uwv"],
        "submitted_at": T0,
    }
    return IntakeSubmitted(**{**fields, **changes})


def intake_amended(case_id: str = CASE, revision: int = 2, **changes: Any) -> IntakeAmended:
    base = intake_submitted(case_id).model_dump()
    return IntakeAmended(
        **{
            **base,
            "revision": revision,
            "changed": ["profile.digital_skills"],
            "amended_at": at(30),
            "urgency": Urgency.ACUTE,
            **changes,
        }
    )


def citizen_identified(case_id: str = CASE, **changes: Any) -> CitizenIdentified:
    fields: dict[str, Any] = {
        "case_id": case_id,
        "name": NAME,
        "bsn": BSN,
        "date_of_birth": date(1980, 5, 17),
        "postcode": "3511AB",
        "house_number": "12",
        "municipality_code": "GM0344",
    }
    return CitizenIdentified(**{**fields, **changes})


def contact_points(case_id: str = CASE) -> ContactPointsUpdated:
    return ContactPointsUpdated(
        case_id=case_id,
        channels=[MessageChannel.SMS],
        language="nl",
        phone="+31612345678",
        email="fatima@example.nl",
    )


def referral_issued(
    case_id: str = CASE, referral_id: str = "ref-uwv", agency: str = "uwv", **changes: Any
) -> ReferralIssued:
    fields: dict[str, Any] = {
        "case_id": case_id,
        "referral_id": referral_id,
        "agency_code": agency,
        "service_code": "ww",
        "rule_id": "income_loss.ww",
        "summary_shared": True,
        "due_at": at(days=5),
        "mode": ReferralMode.WARM_HANDOVER,
        "reasons": [reason("income_loss")],
    }
    return ReferralIssued(**{**fields, **changes})


def change(
    model: type[Any],
    case_id: str = CASE,
    referral_id: str = "ref-uwv",
    agency: str = "uwv",
    **extra: Any,
) -> Any:
    return model(
        case_id=case_id,
        referral_id=referral_id,
        agency_code=agency,
        by="agency",
        changed_at=at(60),
        **extra,
    )


def buddy_assigned(case_id: str = CASE, casemanager: str = "cm-anna") -> BuddyAssigned:
    return BuddyAssigned(
        case_id=case_id,
        casemanager_id=casemanager,
        casemanager_name="Anna de Vries",
        assigned_at=at(90),
    )


def consent(
    case_id: str = CASE,
    grant_id: str = "grant-uwv",
    agency: str = "uwv",
    scopes: list[SharingScope] | None = None,
) -> ConsentGranted:
    return ConsentGranted(
        case_id=case_id,
        grant_id=grant_id,
        agency_code=agency,
        scopes=scopes or [SharingScope.SUMMARY],
        valid_until=at(days=90),
    )


def promise_recorded(
    case_id: str = CASE, promise_id: str = "p-1", made_by: str = "uwv"
) -> PromiseRecorded:
    return PromiseRecorded(
        case_id=case_id, promise_id=promise_id, made_by=made_by, due_at=at(days=2)
    )


def story(case_id: str = CASE) -> list[Envelope]:
    """A realistic stream for one case, across all topics, in per-case order."""
    p = case_id
    return [
        env(intake_submitted(case_id), time=at(0), key=f"{p}-1"),
        env(citizen_identified(case_id), time=at(1), key=f"{p}-2"),
        env(contact_points(case_id), time=at(2), key=f"{p}-3"),
        env(referral_issued(case_id), time=at(3), key=f"{p}-4"),
        env(
            referral_issued(case_id, "ref-gem", "gemeente", waits_on="ref-uwv", due_at=None),
            time=at(4),
            key=f"{p}-5",
        ),
        env(
            BuddyRecommended(case_id=case_id, reasons=[reason()], recommended_at=at(5)),
            time=at(5),
            key=f"{p}-6",
        ),
        env(change(ReferralReceived, case_id), time=at(6), key=f"{p}-7"),
        env(buddy_assigned(case_id), time=at(7), key=f"{p}-8"),
        env(change(ReferralAccepted, case_id), time=at(8), key=f"{p}-9"),
        env(consent(case_id), time=at(9), key=f"{p}-10"),
        env(promise_recorded(case_id), time=at(10), key=f"{p}-11"),
        env(change(ReferralCompleted, case_id, outcome="WW toegekend"), time=at(11), key=f"{p}-12"),
        env(
            NotificationSent(
                case_id=case_id, notification_id="n-1", channel=MessageChannel.SMS, sent_at=at(12)
            ),
            time=at(12),
            key=f"{p}-13",
        ),
        env(intake_amended(case_id), time=at(13), key=f"{p}-14"),
    ]


def case_from(*envelopes: Envelope) -> CaseState:
    """The case built from these events."""
    return apply_all(envelopes)[envelopes[0].subject]


STAFF_TEAMS = {"cm-anna": "team-noord", "cm-bram": "team-noord", "cm-cees": "team-zuid"}
"""Two casemanagers in the north team, one in the south."""


def migrated_dossier(data_dir: Any, clock: Clock, **settings: Any) -> ServiceRuntime:
    """A dossier on an SQLite file in `data_dir`, no broker reachable, on `clock`, migrated;
    `settings` add to its settings."""
    dossier_settings = DossierSettings(
        data_dir=data_dir, kafka_bootstrap_servers="127.0.0.1:1", **settings
    )
    runtime = ServiceRuntime(definition(dossier_settings), clock=clock)
    runtime.migrate()
    return runtime


def queued_case(
    case_id: str, start: datetime, *, reason_nl: str = "Er dreigt huisuitzetting.", **intake: Any
) -> list[Event]:
    """How a case reaches the buddy queue: the kit's intake (a job lost with eviction looming,
    shared with the UWV; `intake` changes it) and a buddy recommended because eviction looms."""
    return [
        kit.intake_submitted(case_id, start, **intake),
        kit.buddy_recommended(case_id, start, rule="acute_risk", nl=reason_nl, en="Eviction."),
    ]


async def project(runtime: ServiceRuntime, events: Iterable[Event], time: datetime) -> None:
    """Fold `events`, sent from `/test` at `time`, into the runtime's dossier."""
    for event in events:
        await project_envelope(runtime, Envelope(event, source="/test", time=time))


async def project_envelope(runtime: ServiceRuntime, envelope: Envelope) -> None:
    """Fold one envelope into the runtime's dossier in a transaction of its own, as the
    dossier's consumer does."""
    async with runtime.sessions.begin() as session:
        await runtime.state["dossier"].projection.on_event(session, envelope)


# --------------------------------------------------------------------------- checklist+


def texts(nl: str, en: str, *, all_languages: bool = True) -> Texts:
    """A content text in Dutch and English (and, unless told, Turkish, Arabic and Polish)."""
    if not all_languages:
        return Texts(nl=nl, en=en)
    return Texts(nl=nl, en=en, tr=f"TR {en}", ar=f"AR {en}", pl=f"PL {en}")


def checklist_entry(item_id: str = "uwv-ww", **changes: Any) -> ChecklistEntry:
    fields: dict[str, Any] = {
        "item_id": item_id,
        "agency": "uwv",
        "agency_name": texts("UWV", "UWV"),
        "life_events": [LifeEvent.INCOME_LOSS],
        "title": texts("WW aanvragen", "Apply for unemployment benefit"),
        "why": [texts("U verliest uw baan.", "You are losing your job.")],
        "due_on": date(2025, 3, 10),
        "deadline_rule": texts("binnen een week", "within a week"),
        "contact": ["web", "phone"],
        "phone": "088 898 92 94",
        "web": "https://www.uwv.nl",
    }
    return ChecklistEntry(**{**fields, **changes})


def checklist_issued(
    case_id: str = CASE,
    revision: int = 1,
    items: list[ChecklistEntry] | None = None,
    language: str = "nl",
) -> ChecklistIssued:
    return ChecklistIssued(
        case_id=case_id,
        intake_id="intake-1",
        revision=revision,
        language=CitizenLanguage(language),
        items=items if items is not None else [checklist_entry()],
        issued_at=at(revision),
    )


def item_done(
    case_id: str = CASE,
    item_id: str = "uwv-ww",
    *,
    done: bool = True,
    by_role: str = "citizen",
    minutes: int = 30,
) -> ChecklistItemDone:
    return ChecklistItemDone(
        case_id=case_id,
        intake_id="intake-1",
        item_id=item_id,
        done=done,
        by_role=by_role,  # type: ignore[arg-type]
        at=at(minutes),
    )


def item_overdue(
    case_id: str = CASE, item_id: str = "uwv-ww", due_on: date = date(2025, 3, 10)
) -> ChecklistItemOverdue:
    return ChecklistItemOverdue(
        case_id=case_id, intake_id="intake-1", item_id=item_id, due_on=due_on, at=at(days=8)
    )


def person_requested(
    case_id: str = CASE, request_id: str = "wish-1", *, minutes: int = 40, **changes: Any
) -> PersonRequested:
    fields: dict[str, Any] = {
        "case_id": case_id,
        "request_id": request_id,
        "intake_id": "intake-1",
        "channel": "phone",
        "preferred_time": "morning",
        "language": CitizenLanguage.NL,
        "via": "portal_intake",
        "requested_at": at(minutes),
        "answer_by": at(days=2),
    }
    return PersonRequested(**{**fields, **changes})
