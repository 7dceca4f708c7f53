"""The case projection: every event type, its timeline sentence, idempotency and replay."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from dossier_factories import (
    BSN,
    CASE,
    NAME,
    OTHER_CASE,
    at,
    buddy_assigned,
    case_from,
    change,
    checklist_issued,
    citizen_identified,
    consent,
    contact_points,
    env,
    intake_amended,
    intake_submitted,
    item_done,
    item_overdue,
    person_requested,
    promise_recorded,
    reason,
    referral_issued,
    story,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from voorportaal_contracts.events import (
    ActionRequested,
    BuddyRecommended,
    CaseAnonymised,
    CaseClosed,
    CaseHandedOver,
    CaseReopened,
    ChainStalled,
    CitizenMessageRequested,
    ConsentRevoked,
    ContactRecorded,
    MandateGranted,
    MandateRevoked,
    NotificationFailed,
    NotificationSent,
    OverrideDecided,
    PromiseBroken,
    PromiseDueSoon,
    PromiseFulfilled,
    ReferralAccepted,
    ReferralCompleted,
    ReferralDeclined,
    ReferralExpired,
    ReferralOverdue,
    ReferralReceived,
    ReferralReleased,
    ReferralReminded,
    ReferralReturned,
    ReferralStarted,
    ReferralWithdrawn,
)
from voorportaal_contracts.types import (
    Channel,
    DeclineReason,
    MessageChannel,
    RepresentativeRelation,
    SharingScope,
    Urgency,
)
from voorportaal_dossier.domain import ownership as own
from voorportaal_dossier.domain.projection import (
    KNOWN_EVENT_TYPES,
    CaseState,
    ReferralStatus,
    apply,
    apply_all,
    dump_case,
    load_case,
    project,
    sentences,
)
from voorportaal_dossier.domain.promises import MadeBy, PromiseStatus
from voorportaal_dossier.domain.sharing import GrantedBy

BASE = [env(intake_submitted(), time=at(0)), env(referral_issued(), time=at(1))]

Check = Callable[[CaseState], bool]


def _ref(case: CaseState, referral_id: str = "ref-uwv") -> Any:
    return case.referral(referral_id)


# (name, event, nl, en, what the case must show afterwards)
ROWS: list[tuple[str, Any, str, str, Check]] = [
    (
        "intake submitted",
        intake_submitted(channel=Channel.PHONE),
        "De aanvraag is telefonisch ingediend.",
        "The request was submitted by phone.",
        # The case already had its submission: a second one is told, but changes no facts.
        lambda c: c.intake_revision == 1 and c.channel is Channel.WEB,
    ),
    (
        "intake amended",
        intake_amended(),
        "De aanvraag is aangepast (1 antwoord gewijzigd).",
        "The request was amended (1 answer changed).",
        lambda c: c.intake_revision == 2 and c.urgency is Urgency.ACUTE,
    ),
    (
        "citizen identified",
        citizen_identified(),
        "De persoonsgegevens zijn vastgelegd.",
        "The personal details were recorded.",
        lambda c: c.citizen is not None and c.citizen.bsn == BSN,
    ),
    (
        "contact points updated",
        contact_points(),
        "De contactvoorkeuren zijn bijgewerkt.",
        "The contact preferences were updated.",
        lambda c: c.citizen is not None and c.citizen.language == "nl",
    ),
    (
        "referral issued warm",
        referral_issued(referral_id="ref-svb", agency="svb"),
        "Er is een verwijzing naar SVB gestuurd, met het verhaal tot nu toe.",
        "A referral was sent to SVB, with the story so far.",
        lambda c: (
            _ref(c, "ref-svb").status is ReferralStatus.ISSUED
            and _ref(c, "ref-svb").due_at == at(days=5)
        ),
    ),
    (
        "referral issued anonymous",
        referral_issued(referral_id="ref-cak", agency="cak", mode="anonymous"),
        "Er is een verwijzing naar het CAK gestuurd, zonder persoonsgegevens.",
        "A referral was sent to the CAK, without personal details.",
        lambda c: _ref(c, "ref-cak").mode == "anonymous",
    ),
    (
        "referral issued self contact",
        referral_issued(referral_id="ref-duo", agency="duo", mode="self_contact"),
        "DUO staat op de lijst om zelf contact mee op te nemen.",
        "DUO is on the list to contact directly.",
        lambda c: _ref(c, "ref-duo").mode == "self_contact",
    ),
    (
        "referral issued held (estafette)",
        referral_issued(referral_id="ref-gem", agency="gemeente", waits_on="ref-uwv", due_at=None),
        "Een verwijzing naar de gemeente wacht tot een eerdere stap klaar is.",
        "A referral to the municipality waits until an earlier step is done.",
        lambda c: (
            _ref(c, "ref-gem").status is ReferralStatus.HELD
            and _ref(c, "ref-gem").waits_on == "ref-uwv"
        ),
    ),
    (
        "received",
        change(ReferralReceived),
        "UWV heeft de verwijzing ontvangen.",
        "UWV received the referral.",
        lambda c: _ref(c).status is ReferralStatus.RECEIVED,
    ),
    (
        "accepted",
        change(ReferralAccepted),
        "UWV heeft de verwijzing geaccepteerd.",
        "UWV accepted the referral.",
        lambda c: _ref(c).status is ReferralStatus.ACCEPTED,
    ),
    (
        "declined",
        change(ReferralDeclined, reason=DeclineReason.REFERRED_ELSEWHERE),
        "UWV heeft de verwijzing afgewezen: zij verwijzen door naar een andere instantie.",
        "UWV declined the referral: they referred the citizen to another agency.",
        lambda c: _ref(c).decline_reason is DeclineReason.REFERRED_ELSEWHERE,
    ),
    (
        "started",
        change(ReferralStarted),
        "UWV is ermee aan de slag gegaan.",
        "UWV started working on it.",
        lambda c: _ref(c).status is ReferralStatus.IN_PROGRESS,
    ),
    (
        "completed",
        change(ReferralCompleted, outcome="Uitkering van 1234 euro toegekend"),
        "UWV heeft de verwijzing afgerond.",
        "UWV completed the referral.",
        lambda c: _ref(c).outcome == "Uitkering van 1234 euro toegekend",
    ),
    (
        "returned",
        change(ReferralReturned),
        "UWV heeft de verwijzing teruggegeven aan het voorportaal.",
        "UWV handed the referral back to the voorportaal.",
        lambda c: _ref(c).status is ReferralStatus.RETURNED,
    ),
    (
        "withdrawn",
        change(ReferralWithdrawn),
        "De verwijzing naar UWV is ingetrokken.",
        "The referral to UWV was withdrawn.",
        lambda c: _ref(c).status is ReferralStatus.WITHDRAWN,
    ),
    (
        "expired",
        change(ReferralExpired),
        "De verwijzing naar UWV is verlopen zonder antwoord.",
        "The referral to UWV expired without an answer.",
        lambda c: _ref(c).status is ReferralStatus.EXPIRED,
    ),
    (
        "released",
        ReferralReleased(
            case_id=CASE,
            referral_id="ref-uwv",
            agency_code="uwv",
            after="ref-x",
            due_at=at(days=9),
            released_at=at(50),
        ),
        "De verwijzing naar UWV is gestuurd, nu de vorige stap klaar is.",
        "The referral to UWV was sent, now that the previous step is done.",
        lambda c: _ref(c).due_at == at(days=9),
    ),
    (
        "reminded",
        ReferralReminded(
            case_id=CASE,
            referral_id="ref-uwv",
            agency_code="uwv",
            by="system",
            due_at=at(days=5),
            reminded_at=at(50),
        ),
        "UWV heeft een herinnering gekregen.",
        "UWV was sent a reminder.",
        lambda c: _ref(c).reminders == 1,
    ),
    (
        "overdue",
        ReferralOverdue(
            case_id=CASE,
            referral_id="ref-uwv",
            agency_code="uwv",
            due_at=at(days=5),
            detected_at=at(days=6),
        ),
        "UWV heeft niet op tijd gereageerd.",
        "UWV did not respond in time.",
        lambda c: _ref(c).overdue,
    ),
    (
        "chain stalled",
        ChainStalled(
            case_id=CASE,
            referral_id="ref-uwv",
            waits_on="ref-x",
            reason="declined_upstream",
            text=reason(),
            detected_at=at(50),
        ),
        "Een stap staat stil, omdat een eerdere stap niet verder komt.",
        "A step is stuck, because an earlier step is not moving.",
        lambda c: _ref(c).stalled_reason == "declined_upstream",
    ),
    (
        "buddy recommended",
        BuddyRecommended(case_id=CASE, reasons=[reason()], recommended_at=at(5)),
        "Er is een buddy voorgesteld.",
        "A buddy was proposed.",
        lambda c: (
            c.recommendation is not None
            and c.recommendation.reasons[0].rule == "acute_risk"
            and c.ownership.status is own.OwnershipStatus.RECOMMENDED
        ),
    ),
    (
        "buddy assigned",
        buddy_assigned(),
        "Een casemanager is de buddy geworden.",
        "A casemanager became the buddy.",
        lambda c: c.ownership.owner is not None and c.ownership.owner.id == "cm-anna",
    ),
    (
        "handed over (contract)",
        CaseHandedOver(
            case_id=CASE,
            from_casemanager_id="cm-anna",
            to_casemanager_id="cm-bram",
            to_casemanager_name="Bram",
            handed_over_at=at(99),
        ),
        "De zaak is overgedragen aan een nieuwe buddy.",
        "The case was handed over to a new buddy.",
        lambda c: c.ownership.owner is not None and c.ownership.owner.id == "cm-bram",
    ),
    (
        "handover requested",
        own.HandoverRequested(
            case_id=CASE,
            from_casemanager_id="cm-anna",
            to_casemanager_id="cm-bram",
            to_casemanager_name="Bram",
            to_team="team-zuid",
            requested_at=at(99),
        ),
        "De buddy heeft een collega gevraagd de zaak over te nemen.",
        "The buddy asked a colleague to take over the case.",
        lambda c: c.ownership.status is own.OwnershipStatus.HANDOVER_REQUESTED,
    ),
    (
        "handover declined",
        own.HandoverDeclined(
            case_id=CASE,
            from_casemanager_id="cm-anna",
            to_casemanager_id="cm-bram",
            declined_at=at(99),
        ),
        "De collega heeft de overdracht afgewezen; de buddy blijft dezelfde.",
        "The colleague declined the handover; the buddy stays the same.",
        lambda c: c.ownership.pending is None,
    ),
    (
        "handover cancelled",
        own.HandoverCancelled(
            case_id=CASE,
            from_casemanager_id="cm-anna",
            to_casemanager_id="cm-bram",
            cancelled_by="cm-anna",
            cancelled_at=at(99),
        ),
        "Het verzoek om de zaak over te dragen is ingetrokken.",
        "The request to hand over the case was withdrawn.",
        lambda c: c.ownership.pending is None,
    ),
    (
        "released by owner",
        own.CaseReleased(
            case_id=CASE, casemanager_id="cm-anna", released_by="cm-anna", released_at=at(99)
        ),
        "De buddy heeft de zaak losgelaten; er wordt een nieuwe buddy gezocht.",
        "The buddy let go of the case; a new buddy is being found.",
        lambda c: c.ownership.status is own.OwnershipStatus.RELEASED and c.ownership.owner is None,
    ),
    (
        "reassigned",
        own.CaseReassigned(
            case_id=CASE,
            to_casemanager_id="cm-cees",
            to_casemanager_name="Cees",
            to_team="team-noord",
            reassigned_by="sv-1",
            reassigned_at=at(99),
        ),
        "Een leidinggevende heeft de zaak aan een buddy toegewezen.",
        "A supervisor assigned the case to a buddy.",
        lambda c: c.ownership.team == "team-noord",
    ),
    (
        "promise by agency",
        promise_recorded(),
        "UWV heeft een toezegging gedaan: uiterlijk 5-3-2025.",
        "UWV made a promise: by 5 March 2025.",
        lambda c: c.promises[0].made_by_kind is MadeBy.AGENCY,
    ),
    (
        "promise by the citizen",
        promise_recorded(made_by="citizen"),
        "De burger heeft een termijn afgesproken: uiterlijk 5-3-2025.",
        "The citizen agreed a term: by 5 March 2025.",
        lambda c: c.promises[0].made_by_kind is MadeBy.CITIZEN,
    ),
    (
        "promise broken",
        PromiseBroken(case_id=CASE, promise_id="p-1", made_by="cm-anna", due_at=at(days=2)),
        "Een toezegging van de buddy is niet op tijd nagekomen.",
        "A promise by the buddy was not kept in time.",
        lambda c: c.promises[0].status is PromiseStatus.BROKEN,
    ),
    (
        "promise fulfilled",
        PromiseFulfilled(
            case_id=CASE, promise_id="p-1", made_by="gemeente", fulfilled_at=at(99), late=False
        ),
        "Een toezegging van de gemeente is nagekomen.",
        "A promise by the municipality was kept.",
        lambda c: c.promises[0].status is PromiseStatus.FULFILLED,
    ),
    (
        "consent granted",
        consent(scopes=[SharingScope.SUMMARY, SharingScope.DOCUMENTS]),
        "Het dossier en de documenten worden tot 1-6-2025 gedeeld met UWV.",
        "The dossier and the documents are shared with UWV until 1 June 2025.",
        lambda c: c.grants[0].scopes == {SharingScope.SUMMARY, SharingScope.DOCUMENTS},
    ),
    (
        "consent revoked",
        ConsentRevoked(case_id=CASE, grant_id="grant-uwv", agency_code="uwv", revoked_at=at(99)),
        "Het delen met UWV is gestopt.",
        "Sharing with UWV has stopped.",
        lambda c: c.grants == (),  # nothing to revoke without the grant
    ),
    (
        "mandate granted",
        MandateGranted(
            case_id=CASE,
            mandate_id="m-1",
            relation=RepresentativeRelation.BEWINDVOERDER,
            scopes=[SharingScope.SUMMARY],
            valid_from=at(0),
            valid_until=at(days=365),
            granted_by=GrantedBy.CITIZEN.value,
            recorded_by=None,
            channel=Channel.WEB,
        ),
        "Er is een machtiging vastgelegd voor een bewindvoerder.",
        "A mandate was recorded for a bewindvoerder (administrator).",
        lambda c: c.mandates[0].relation is RepresentativeRelation.BEWINDVOERDER,
    ),
    (
        "mandate revoked",
        MandateRevoked(case_id=CASE, mandate_id="m-1", revoked_by="citizen", revoked_at=at(99)),
        "Een machtiging is ingetrokken.",
        "A mandate was revoked.",
        lambda c: c.mandates == (),
    ),
    (
        "notification sent",
        NotificationSent(
            case_id=CASE, notification_id="n-1", channel=MessageChannel.SMS, sent_at=at(5)
        ),
        "Er is een bericht per sms verstuurd.",
        "A message was sent by text message.",
        lambda c: c.notifications_sent == 1,
    ),
    (
        "notification failed",
        NotificationFailed(
            case_id=CASE,
            notification_id="n-1",
            channels_tried=[MessageChannel.SMS],
            reason_code="bounced",
            failed_at=at(5),
        ),
        "Een bericht kon niet worden bezorgd.",
        "A message could not be delivered.",
        lambda c: c.notifications_failed == 1,
    ),
    (
        "promise due soon",
        PromiseDueSoon(case_id=CASE, promise_id="p-1", made_by="uwv", due_at=at(days=2)),
        "Een toezegging van UWV moet binnenkort worden nagekomen.",
        "A promise by UWV falls due soon.",
        lambda c: c.promises == (),
    ),
    (
        "contact with confirmation",
        ContactRecorded(
            case_id=CASE,
            contact_id="c-1",
            channel=Channel.PHONE,
            by="cm-anna",
            confirmation_requested=True,
            recorded_at=at(9),
        ),
        "Er is contact geweest telefonisch; de burger krijgt een schriftelijke bevestiging.",
        "There was contact by phone; the citizen gets a written confirmation.",
        lambda c: c.citizen is None,
    ),
    (
        "action requested",
        ActionRequested(case_id=CASE, action_id="a-1", requested_by="cm-anna", requested_at=at(9)),
        "De burger is gevraagd iets te doen.",
        "The citizen was asked to do something.",
        lambda c: c.citizen is None,
    ),
    (
        "message requested",
        CitizenMessageRequested(case_id=CASE, message_id="msg-1", by="cm-anna", requested_at=at(9)),
        "Er staat een bericht voor de burger klaar.",
        "A message for the citizen is ready.",
        lambda c: c.citizen is None,
    ),
    (
        "doorbraak",
        OverrideDecided(
            case_id=CASE,
            override_id="o-1",
            proposed_by="cm-anna",
            approved_by="sv-1",
            reason_code="blocking_rule",
            decided_at=at(9),
        ),
        "Er is een doorbraak besloten, met instemming van een leidinggevende.",
        "A breakthrough decision (doorbraak) was made, approved by a supervisor.",
        lambda c: c.citizen is None,
    ),
    (
        "case closed",
        CaseClosed(case_id=CASE, closed_by="cm-anna", outcome="completed", closed_at=at(99)),
        "De zaak is afgesloten.",
        "The case was closed.",
        lambda c: c.closed_at == at(99),
    ),
    (
        "case reopened",
        CaseReopened(case_id=CASE, reopened_by="cm-anna", reopened_at=at(99)),
        "De zaak is heropend.",
        "The case was reopened.",
        lambda c: c.closed_at is None,
    ),
    (
        "checklist issued",
        checklist_issued(),
        "De burger heeft een checklist gekregen (1 taak).",
        "The citizen received a checklist (1 task).",
        lambda c: [i.item_id for i in c.checklist.items] == ["uwv-ww"],
    ),
    (
        "checklist item done",
        item_done(),
        "De burger heeft een taak afgevinkt.",
        "The citizen ticked off a task.",
        lambda c: c.checklist.item_done("uwv-ww"),
    ),
    (
        "checklist item overdue",
        item_overdue(),
        "Een taak is te laat: dit moest uiterlijk 10-3-2025.",
        "A task is late: it was due by 10 March 2025.",
        lambda c: c.checklist.overdue[0].item_id == "uwv-ww",
    ),
    (
        "person requested",
        person_requested(),
        "De burger wil met een persoon praten (telefonisch).",
        "The citizen asked to talk to a person (by phone).",
        lambda c: c.ownership.status is own.OwnershipStatus.RECOMMENDED,
    ),
    (
        "case anonymised",
        CaseAnonymised(case_id=CASE, anonymised_at=at(99)),
        "De persoonsgegevens zijn verwijderd na de bewaartermijn.",
        "The personal data was removed after the retention period.",
        lambda c: c.anonymised_at == at(99),
    ),
]


@pytest.mark.parametrize(
    ("event", "nl", "en", "check"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS]
)
def test_each_event_updates_the_case_and_reads_as_one_sentence(
    event: Any, nl: str, en: str, check: Check
) -> None:
    before = case_from(*BASE)
    after = apply(before, env(event, time=at(200)))
    assert check(after)
    assert len(after.timeline) == len(before.timeline) + 1
    assert after.timeline[-1].nl == nl
    assert after.timeline[-1].en == en


def test_every_event_type_the_projection_knows_has_a_row_in_the_table() -> None:
    tested = {type(row[1]).event_type for row in ROWS}
    assert tested == KNOWN_EVENT_TYPES


def test_timeline_never_holds_bsn_names_amounts_or_health_details() -> None:
    events = [*story(), env(change(ReferralCompleted, outcome="1234 euro"), time=at(50))]
    case = case_from(*events)
    text = " ".join(sentences(case, "nl") + sentences(case, "en"))
    assert BSN not in text
    assert NAME.split()[0] not in text
    assert "Anna" not in text
    assert not re.search(r"\d+ ?euro|€", text)
    assert "ziek" not in text.lower()
    assert "ill" not in text.lower().split()


def test_applying_the_same_event_twice_changes_nothing() -> None:
    events = story()
    once = case_from(*events)
    again = apply(once, events[3])
    assert again == once
    assert project(once, events[3]).note is not None


def test_replaying_the_whole_stream_again_gives_an_equal_case() -> None:
    events = story()
    first = apply_all(events)
    assert apply_all(events, first) == first
    assert apply_all(events) == first  # a second run from scratch


def test_an_unknown_event_type_leaves_the_case_unchanged_with_a_note() -> None:
    class Unknown:
        event_type = "nl.voorportaal.case.something-new"
        case_id = CASE

        def subject(self) -> str:
            return CASE

    case = case_from(*BASE)
    result = project(case, env(Unknown(), key="unknown"))
    assert result.state is case
    assert result.note is not None
    assert "unknown event type" in result.note


def test_an_event_for_another_case_is_a_wiring_error() -> None:
    case = case_from(*BASE)
    with pytest.raises(ValueError, match="another case"):
        apply(case, env(intake_submitted(OTHER_CASE)))


def test_the_case_round_trips_through_json_storage() -> None:
    case = case_from(*story())
    assert load_case(dump_case(case)) == case


def test_the_case_exposes_the_facts_the_console_shows() -> None:
    case = case_from(*story())
    assert case.redzaamheid == "niet_redzaam"
    assert case.municipality_code == "GM0344"
    assert case.needs == ("income", "care")
    assert _ref(case).status is ReferralStatus.COMPLETED
    assert _ref(case, "ref-gem").status is ReferralStatus.HELD
    assert case.ownership.owner is not None
    assert case.ownership.owner.name == "Anna de Vries"
    assert case.notifications_sent == 1
    assert case.grants[0].agency_code == "uwv"
    assert case.promises[0].due_at == at(days=2)


def test_an_older_intake_revision_arriving_late_does_not_overwrite_a_newer_one() -> None:
    newer = env(intake_amended(revision=3, urgency="acute"), time=at(30))
    older = env(intake_amended(revision=2, urgency="normal"), time=at(20))
    case = case_from(env(intake_submitted()), newer, older)
    assert case.intake_revision == 3
    assert case.urgency is Urgency.ACUTE
    assert [e.event_id for e in case.timeline] == [
        str(env(intake_submitted()).id),
        str(older.id),
        str(newer.id),
    ]  # the timeline follows event time, whatever the arrival order


def test_a_stale_identity_does_not_overwrite_a_newer_one() -> None:
    new = env(citizen_identified(postcode="1011AA"), time=at(10))
    old = env(citizen_identified(postcode="3511AB"), time=at(5))
    case = case_from(new, old)
    assert case.citizen is not None
    assert case.citizen.postcode == "1011AA"


def test_an_answer_clears_the_overdue_flag_but_receipt_does_not() -> None:
    overdue = env(
        ReferralOverdue(
            case_id=CASE, referral_id="ref-uwv", agency_code="uwv", due_at=at(1), detected_at=at(9)
        ),
        time=at(9),
    )
    received = case_from(*BASE, overdue, env(change(ReferralReceived), time=at(10)))
    assert _ref(received).overdue
    accepted = apply(received, env(change(ReferralAccepted), time=at(11)))
    assert not _ref(accepted).overdue


def test_household_members_are_kept_when_an_identity_names_them() -> None:
    data = citizen_identified().model_copy(
        update={"household": [{"name": "Sami", "relation": "child", "date_of_birth": None}]}
    )
    case = case_from(env(data))
    assert case.citizen is not None
    assert [m.name for m in case.citizen.household] == ["Sami"]


def test_identity_arriving_after_anonymisation_is_not_stored() -> None:
    case = case_from(*BASE, env(CaseAnonymised(case_id=CASE, anonymised_at=at(50)), time=at(50)))
    case = apply(case, env(citizen_identified(), time=at(60)))
    assert case.citizen is None or case.citizen.bsn is None


# --------------------------------------------------------------------------- property

CASES = [CASE, OTHER_CASE, "case-000003"]
STREAMS = {case_id: story(case_id) for case_id in CASES}


@st.composite
def interleaved_with_duplicates(draw: st.DrawFn) -> tuple[list[Any], list[Any]]:
    """A valid interleaving of the cases' streams, and the same with redeliveries mixed in
    anywhere after each event's first delivery."""
    labels = draw(st.permutations([c for c in CASES for _ in STREAMS[c]]))
    cursor = dict.fromkeys(CASES, 0)
    base = []
    for label in labels:
        base.append(STREAMS[label][cursor[label]])
        cursor[label] += 1
    delivered = list(base)
    for _ in range(draw(st.integers(0, 25))):
        event = base[draw(st.integers(0, len(base) - 1))]
        first = delivered.index(event)
        delivered.insert(draw(st.integers(first + 1, len(delivered))), event)
    return base, delivered


@settings(max_examples=60, deadline=None)
@given(interleaved_with_duplicates())
def test_duplicates_anywhere_after_the_first_delivery_give_the_same_cases(
    streams: tuple[list[Any], list[Any]],
) -> None:
    base, delivered = streams
    expected = {case_id: case_from(*STREAMS[case_id]) for case_id in CASES}
    assert apply_all(base) == expected
    assert apply_all(delivered) == expected


def test_grants_from_the_contract_event_take_the_event_time_as_start() -> None:
    case = case_from(env(consent(), time=at(42)))
    assert case.grants[0].valid_from == at(42)
    assert case.grants[0].granted_by is None
