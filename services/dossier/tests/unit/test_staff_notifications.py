"""Each staff member's notifications (`GET /me/notifications`, `POST …/{id}/read`): what
needs them on which case, made from the facts the dossier already folds, nothing personal,
audited, and only theirs."""

# ruff: noqa: F811 - the tests take the imported `api` fixture by its name

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dossier_factories import change, project_envelope, referral_issued
from test_dossier_api import CASE, OTHER, Api, api  # noqa: F401 - the API fixture, reused

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import PersonRequested, ReferralDeclined, ReferralOverdue
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.staff_notices import NoticeKind, notices_for
from voorportaal_dossier.service_layer.audit_log import verify_audit

NOTICE_FIELDS = {"id", "case_id", "kind", "at", "read"}


def _mine(api: Api, subject: str) -> dict:  # type: ignore[type-arg]
    answer = api.client.get("/me/notifications", headers=api.h(subject, "casemanager"))
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _claim_and_hand_to_cees(api: Api) -> None:
    anna = api.h("cm-anna", "casemanager")
    assert api.client.post(f"/cases/{CASE}/claim", headers=anna).status_code == 200
    body = {"to_casemanager_id": "cm-cees", "to_casemanager_name": "Cees", "note": "Bel na 10"}
    asked = api.client.post(f"/cases/{CASE}/handover", json=body, headers=anna)
    assert asked.status_code in (200, 201), asked.text


def test_a_handover_addressed_to_you_is_an_unread_notification_for_you_only(api: Api) -> None:
    _claim_and_hand_to_cees(api)
    cees = _mine(api, "cm-cees")
    assert cees["unread"] == 1
    [notice] = cees["items"]
    assert notice["case_id"] == CASE and notice["kind"] == "handover_requested"
    assert set(notice) == NOTICE_FIELDS and notice["read"] is False
    assert "Bel na 10" not in str(cees) and "Cees" not in str(cees)  # nothing personal
    assert _mine(api, "cm-anna") == {"unread": 0, "items": []}
    assert _mine(api, "cm-bram") == {"unread": 0, "items": []}


def test_marking_a_notification_read_lowers_the_count_and_only_the_addressee_may(
    api: Api,
) -> None:
    _claim_and_hand_to_cees(api)
    notice_id = _mine(api, "cm-cees")["items"][0]["id"]
    path = f"/me/notifications/{notice_id}/read"
    other = api.client.post(path, headers=api.h("cm-bram", "casemanager"))
    assert other.status_code == 404
    done = api.client.post(path, headers=api.h("cm-cees", "casemanager"))
    assert done.status_code == 200, done.text
    assert done.json()["read"] is True
    after = _mine(api, "cm-cees")
    assert after["unread"] == 0 and after["items"][0]["read"] is True


def test_a_bad_notification_id_is_a_400_naming_the_field(api: Api) -> None:
    bad = api.client.post(
        "/me/notifications/not-a-notice/read", headers=api.h("cm-cees", "casemanager")
    )
    assert bad.status_code == 400
    assert "notification_id" in bad.text


def test_notifications_need_a_staff_token_and_a_refusal_is_audited(api: Api) -> None:
    assert api.client.get("/me/notifications").status_code == 401
    refused = api.client.get("/me/notifications", headers=api.h("uwv-1", "agency:uwv"))
    assert refused.status_code == 403
    log = api.client.get("/audit?subject=uwv-1", headers=api.h("sv-1", "supervisor")).json()
    assert any(r["data"] == "staff_notices" and not r["allowed"] for r in log)


def test_reading_notifications_is_audited_per_case_named(api: Api) -> None:
    _claim_and_hand_to_cees(api)
    _mine(api, "cm-cees")
    log = api.client.get(f"/audit?case_id={CASE}", headers=api.h("sv-1", "supervisor")).json()
    reads = [r for r in log if r["who"] == "cm-cees" and r["data"] == "staff_notices"]
    assert reads and all(r["allowed"] for r in reads)
    assert verify_audit(api.settings.effective_database_url) == []


def test_an_agency_decline_on_your_case_notifies_the_owner_once_however_often_delivered(
    api: Api,
) -> None:
    anna = api.h("cm-anna", "casemanager")
    assert api.client.post(f"/cases/{CASE}/claim", headers=anna).status_code == 200
    api.feed(referral_issued(CASE))
    declined = Envelope(
        change(ReferralDeclined, CASE, reason="no_capacity"), source="/test", time=api.clock.now()
    )

    for _ in range(2):  # delivered twice
        api.call(lambda: project_envelope(api.runtime, declined))
    mine = _mine(api, "cm-anna")
    assert [(n["case_id"], n["kind"]) for n in mine["items"]] == [(CASE, "referral_declined")]


def test_a_supervisor_assigning_a_case_notifies_the_new_owner(api: Api) -> None:
    moved = api.client.post(
        f"/cases/{OTHER}/reassign",
        json={"to_casemanager_id": "cm-bram", "to_casemanager_name": "Bram"},
        headers=api.h("sv-1", "supervisor"),
    )
    assert moved.status_code in (200, 201), moved.text
    kinds = [(n["case_id"], n["kind"]) for n in _mine(api, "cm-bram")["items"]]
    assert kinds == [(OTHER, "case_assigned")]


def _wish(case_id: str) -> Envelope:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    return Envelope(
        PersonRequested(
            case_id=case_id,
            request_id="wish-1",
            channel="phone",
            preferred_time="morning",
            language="nl",
            via="portal_status",
            requested_at=now,
            answer_by=now + timedelta(days=1),
        ),
        source="/test",
        time=now,
    )


def test_a_citizen_asking_for_a_person_notifies_the_owner_and_nobody_on_an_unowned_case(
    api: Api,
) -> None:
    assert notices_for(CaseState.new(CASE), _wish(CASE)) == []
    anna = api.h("cm-anna", "casemanager")
    assert api.client.post(f"/cases/{CASE}/claim", headers=anna).status_code == 200
    envelope = _wish(CASE)
    api.call(lambda: project_envelope(api.runtime, envelope))
    [notice] = _mine(api, "cm-anna")["items"]
    assert notice["kind"] == NoticeKind.PERSON_REQUESTED.value


def test_the_ledger_job_tells_the_owner_a_promise_is_nearly_due_and_then_broken(api: Api) -> None:
    anna = api.h("cm-anna", "casemanager")
    assert api.client.post(f"/cases/{CASE}/claim", headers=anna).status_code == 200
    due = (api.clock.now() + timedelta(days=2)).isoformat()
    promise = api.client.post(
        f"/cases/{CASE}/promises",
        json={"made_by_kind": "agency", "made_by": "uwv", "what": "Terugbellen", "due_at": due},
        headers=anna,
    )
    assert promise.status_code == 201, promise.text
    api.clock.advance(timedelta(days=1, hours=1))
    assert api.call(api.dossier.promises.promise_sweep) == 1
    assert [n["kind"] for n in _mine(api, "cm-anna")["items"]] == ["promise_due_soon"]
    api.clock.advance(timedelta(days=1))
    assert api.call(api.dossier.promises.promise_sweep) == 1
    mine = _mine(api, "cm-anna")
    assert [n["kind"] for n in mine["items"]] == ["promise_broken", "promise_due_soon"]
    assert mine["unread"] == 2 and "Terugbellen" not in str(mine)


def test_an_overdue_referral_on_your_case_notifies_the_owner(api: Api) -> None:
    anna = api.h("cm-anna", "casemanager")
    assert api.client.post(f"/cases/{CASE}/claim", headers=anna).status_code == 200
    api.feed(referral_issued(CASE))
    api.feed(
        ReferralOverdue(
            case_id=CASE,
            referral_id="ref-uwv",
            agency_code="uwv",
            due_at=api.clock.now(),
            detected_at=api.clock.now(),
        )
    )
    assert [n["kind"] for n in _mine(api, "cm-anna")["items"]] == ["referral_overdue"]


def test_an_unowned_case_tells_nobody_of_a_decline(api: Api) -> None:
    api.feed(referral_issued(CASE), change(ReferralDeclined, CASE, reason="no_capacity"))
    for subject in ("cm-anna", "cm-bram", "cm-cees"):
        assert _mine(api, subject)["items"] == []


def test_a_staff_member_who_chose_email_gets_a_request_to_notify_with_ids_only(api: Api) -> None:
    cees = api.h("cm-cees", "casemanager")
    assert api.client.get("/me/notification-settings", headers=cees).json() == {"email": False}
    chosen = api.client.put("/me/notification-settings", json={"email": True}, headers=cees)
    assert chosen.status_code == 200 and chosen.json() == {"email": True}
    assert api.client.get("/me/notification-settings", headers=cees).json() == {"email": True}
    _claim_and_hand_to_cees(api)
    requests = [v for t, v in api.outbox() if t.endswith("staff-notification-requested")]
    notice_id = _mine(api, "cm-cees")["items"][0]["id"]
    assert [(r["staff_id"], r["case_id"], r["kind"], r["notification_id"]) for r in requests] == [
        ("cm-cees", CASE, "handover_requested", notice_id)
    ]
    assert "Bel na 10" not in str(requests) and "Cees" not in str(requests)


def test_without_the_choice_no_email_is_requested(api: Api) -> None:
    _claim_and_hand_to_cees(api)
    assert _mine(api, "cm-cees")["unread"] == 1
    assert not any(t.endswith("staff-notification-requested") for t, _ in api.outbox())


def test_the_email_choice_is_a_boolean_named_in_the_error(api: Api) -> None:
    cees = api.h("cm-cees", "casemanager")
    bad = api.client.put("/me/notification-settings", json={"email": "ja"}, headers=cees)
    assert bad.status_code == 400 and "email" in bad.text
    refused = api.client.put(
        "/me/notification-settings", json={"email": True}, headers=api.h("uwv-1", "agency:uwv")
    )
    assert refused.status_code == 403
