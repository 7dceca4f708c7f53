"""One-time codes, holding unconfirmed intakes, consent grants and rate limits, over HTTP
(SQLite, a fixed clock; the outbox is read back, Kafka is not needed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from intake_api import START, Api, serve, walk
from sqlalchemy import create_engine, text

from voorportaal_contracts.consent import (
    INTAKE_CONSENT_SCOPES,
    intake_grant_id,
    intake_grant_valid_until,
)
from voorportaal_contracts.events import ConsentGranted
from voorportaal_contracts.registry import registry

STAFF = ("casemanager", "cm-anna", "Anna")
"""Who `api.staff()` is when not told otherwise."""


def _api(tmp_path: Path, **settings: Any) -> Iterator[Api]:
    yield from serve(tmp_path, STAFF, **settings)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _api(tmp_path)


def start(
    api: Api, headers: dict[str, str] | None = None, event: str = "turning_18"
) -> tuple[dict[str, Any], dict[str, str]]:
    response = api.client.post("/intakes", json={"life_events": [event]}, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    return body, headers or {"Authorization": f"Bearer {body['token']}"}


def contact(api: Api, intake: dict[str, Any], auth: dict[str, str], **body: Any) -> Any:
    payload = {"channels": ["sms"], "phone": "0612345678", **body}
    return api.client.put(f"/intakes/{intake['id']}/contact", json=payload, headers=auth)


def submit(api: Api, intake: dict[str, Any], auth: dict[str, str]) -> dict[str, Any]:
    walk(api.client, intake, auth)
    response = api.client.post(f"/intakes/{intake['id']}/submit", headers=auth)
    assert response.status_code == 200, response.text
    return dict(response.json())


def verify(api: Api, intake: dict[str, Any], auth: dict[str, str], code: str) -> Any:
    return api.client.post(
        f"/intakes/{intake['id']}/contact/verify", json={"code": code}, headers=auth
    )


def test_the_contact_step_sends_a_code_to_the_address_and_stores_only_its_hash(api: Api) -> None:
    intake, auth = start(api)
    assert contact(api, intake, auth, language="tr").status_code == 204
    (code,) = api.codes()
    assert code["case_id"] == intake["case_id"]
    assert code["phone"] == "+31612345678" and code["channel"] == "sms"
    assert code["language"] == "tr"
    assert datetime.fromisoformat(code["expires_at"]) == START + timedelta(minutes=15)
    (stored,) = api.sql("SELECT * FROM intake_verifications")
    assert "pending" in stored
    assert not any(code["code"] in str(column) for column in stored)


def test_the_same_contact_step_again_sends_no_second_code_but_a_new_address_gets_one(
    api: Api,
) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    contact(api, intake, auth)
    assert len(api.codes()) == 1
    contact(api, intake, auth, phone="0687654321")
    assert [c["phone"] for c in api.codes()] == ["+31612345678", "+31687654321"]


def test_an_anonymous_intake_without_a_confirmed_address_is_held(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth, share_with=["uwv"])
    result = submit(api, intake, auth)
    assert result["awaiting_confirmation"] is True
    (submitted,) = api.of_type("nl.voorportaal.intake.submitted")
    assert submitted["awaiting_confirmation"] is True
    (points,) = api.of_type("nl.voorportaal.contact.points-updated")
    assert points["verified"] == []


def test_confirming_the_code_after_submission_releases_the_intake_and_the_address(
    api: Api,
) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    submit(api, intake, auth)
    (code,) = api.codes()
    response = verify(api, intake, auth, code["code"])
    assert response.status_code == 200, response.text
    assert response.json() == {
        "verified": ["sms"],
        "awaiting_confirmation": False,
        "confirmed_by": "citizen",
        "representative_verified": [],
    }
    (confirmed,) = api.of_type("nl.voorportaal.intake.confirmed")
    assert confirmed["confirmed_by"] == "citizen" and confirmed["case_id"] == intake["case_id"]
    points = api.of_type("nl.voorportaal.contact.points-updated")
    assert [p["verified"] for p in points] == [[], ["sms"]]
    again = verify(api, intake, auth, code["code"])
    assert again.status_code == 400  # used: nothing pending any more
    assert len(api.of_type("nl.voorportaal.intake.confirmed")) == 1


def test_an_address_confirmed_before_submission_is_not_held(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth, channels=["email"], phone=None, email="sevda@example.org")
    (code,) = api.codes()
    assert verify(api, intake, auth, f" {code['code']} ").status_code == 200
    result = submit(api, intake, auth)
    assert result["awaiting_confirmation"] is False
    (submitted,) = api.of_type("nl.voorportaal.intake.submitted")
    assert submitted["awaiting_confirmation"] is False
    (points,) = api.of_type("nl.voorportaal.contact.points-updated")
    assert points["verified"] == ["email"]
    assert api.of_type("nl.voorportaal.intake.confirmed") == []


def test_a_changed_address_must_be_confirmed_again(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    verify(api, intake, auth, api.codes()[0]["code"])
    submit(api, intake, auth)
    contact(api, intake, auth, phone="0687654321")
    points = api.of_type("nl.voorportaal.contact.points-updated")
    assert [p["verified"] for p in points] == [["sms"], []]
    assert len(api.codes()) == 2


def test_wrong_codes_spend_attempts_and_the_last_one_spends_the_code(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    (code,) = api.codes()
    wrong = "000000" if code["code"] != "000000" else "111111"
    for left in (4, 3, 2, 1, 0):
        response = verify(api, intake, auth, wrong)
        assert response.status_code == 400
        problem = response.json()
        assert problem["errors"][0]["field"] == "code"
        if left:
            assert f"{left} attempts left" in problem["detail"]
    spent = verify(api, intake, auth, code["code"])
    assert spent.status_code == 400
    assert "ask for a new one" in spent.json()["detail"]


def test_an_expired_code_is_refused(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    api.clock.advance(timedelta(minutes=15, seconds=1))
    response = verify(api, intake, auth, api.codes()[0]["code"])
    assert response.status_code == 400
    assert "ask for a new one" in response.json()["detail"]


def test_a_resent_code_replaces_the_earlier_one(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    resent = api.client.post(f"/intakes/{intake['id']}/contact/resend", headers=auth)
    assert resent.status_code == 202, resent.text
    assert resent.json() == {"sent_to": ["sms"]}
    first, second = api.codes()
    if first["code"] != second["code"]:
        assert verify(api, intake, auth, first["code"]).status_code == 400
    assert verify(api, intake, auth, second["code"]).status_code == 200
    nothing = api.client.post(f"/intakes/{intake['id']}/contact/resend", headers=auth)
    assert nothing.status_code == 409


def test_codes_to_one_address_are_limited_over_all_intakes_with_429_and_retry_after(
    api: Api,
) -> None:
    for _ in range(3):
        intake, auth = start(api)
        assert contact(api, intake, auth).status_code == 204
    intake, auth = start(api)
    refused = contact(api, intake, auth)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(3600)  # START is on the hour
    problem = refused.json()
    assert problem["type"] == "urn:voorportaal:problem:rate_limited"
    assert problem["errors"][0]["field"] == "phone"
    assert len(api.codes()) == 3
    assert contact(api, intake, auth, phone="0687654321").status_code == 204  # another address
    api.clock.advance(timedelta(hours=1))
    assert contact(api, intake, auth).status_code == 204  # a new hour
    resend = api.client.post(f"/intakes/{intake['id']}/contact/resend", headers=auth)
    assert resend.status_code == 202
    for _ in range(2):
        api.clock.advance(timedelta(hours=1))
        api.client.post(f"/intakes/{intake['id']}/contact/resend", headers=auth)
    api.clock.advance(timedelta(hours=1))
    daily = api.client.post(f"/intakes/{intake['id']}/contact/resend", headers=auth)
    assert daily.status_code == 429  # six a day
    assert int(daily.headers["retry-after"]) == 24 * 3600 - 4 * 3600 - 9 * 3600


def test_a_code_refused_by_its_limit_names_the_field_in_english_and_dutch(api: Api) -> None:
    for _ in range(3):
        intake, auth = start(api)
        assert contact(api, intake, auth).status_code == 204
    intake, auth = start(api)
    refused = contact(api, intake, auth)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    (error,) = refused.json()["errors"]
    assert error["field"] == "phone"
    assert error["reason"].startswith("Too many codes were sent to this address")
    assert error["reason_nl"].startswith("Er zijn te veel codes naar dit adres")


def test_one_intake_cannot_send_codes_to_ever_new_addresses(tmp_path: Path) -> None:
    for api in _api(tmp_path, codes_per_intake_day=2):
        intake, auth = start(api)
        assert contact(api, intake, auth, phone="0611111111").status_code == 204
        assert contact(api, intake, auth, phone="0622222222").status_code == 204
        refused = contact(api, intake, auth, phone="0633333333")
        assert refused.status_code == 429
        assert len(api.codes()) == 2
        other, other_auth = start(api)
        assert contact(api, other, other_auth, phone="0633333333").status_code == 204


def test_published_codes_are_swept_from_the_outbox(api: Api) -> None:
    import asyncio

    intake, auth = start(api)
    contact(api, intake, auth)
    contact(api, intake, auth, channels=["email"], phone=None, email="a@example.org")
    engine = create_engine(f"sqlite:///{api.db}")
    with engine.begin() as conn:  # the relay published the first one
        conn.execute(
            text(
                "UPDATE outbox SET sent_at = '2026-12-01 09:00:01' WHERE id = "
                "(SELECT min(id) FROM outbox WHERE topic = 'contact.verifications')"
            )
        )
    engine.dispose()
    assert asyncio.run(api.runtime.state["intakes"].forget_sent_codes()) == 1
    (left,) = api.codes()
    assert left["email"] == "a@example.org", "the one not yet published stays"


def test_anonymous_starts_are_limited_per_client_with_429_and_retry_after(tmp_path: Path) -> None:
    for api in _api(tmp_path, starts_per_client_hour=2):
        start(api)
        start(api)
        refused = api.client.post("/intakes", json={"life_events": ["divorce"]})
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "3600"
        assert refused.json()["type"] == "urn:voorportaal:problem:rate_limited"
        assert api.sql("SELECT count(*) FROM intakes") == [(2,)]
        metrics = api.client.get("/metrics").text
        assert 'voorportaal_intake_rate_limited_total{kind="starts",period_s="3600"}' in metrics
        start(api, api.staff())  # staff are not limited
        api.clock.advance(timedelta(hours=1))
        start(api)


def test_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    for api in _api(tmp_path, starts_per_client_hour=1, trusted_proxies=["0.0.0.0/0"]):
        # The test client's peer is no IP address, so it is never a trusted proxy: a forged
        # X-Forwarded-For must not give it a fresh count.
        start(api)
        forged = api.client.post(
            "/intakes",
            json={"life_events": ["divorce"]},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        assert forged.status_code == 429


def test_staff_take_in_a_held_intake_and_nobody_else_may(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    submit(api, intake, auth)
    url = f"/intakes/{intake['id']}/take-in"
    assert api.client.post(url, headers=auth).status_code == 403
    signaleerder = api.staff("signaleerder", "wijk-1")
    assert api.client.post(url, headers=signaleerder).status_code == 403
    # A casemanager who neither started nor owns the case (it waits in the queue) may not.
    assert api.client.post(url, headers=api.staff()).status_code == 403
    supervisor = api.staff("supervisor", "sup-1")
    taken = api.client.post(url, headers=supervisor)
    assert taken.status_code == 200, taken.text
    assert taken.json()["awaiting_confirmation"] is False
    assert taken.json()["confirmed_by"] == "staff"
    assert api.client.post(url, headers=supervisor).status_code == 200  # again: nothing new
    (confirmed,) = api.of_type("nl.voorportaal.intake.confirmed")
    assert confirmed["confirmed_by"] == "staff"
    assert api.sql("SELECT taken_in_by FROM intakes") == [("sup-1",)]
    audited = [
        (r[0], r[1])
        for r in api.sql("SELECT actor, outcome, record FROM intake_audit_log ORDER BY seq")
        if json.loads(r[2])["purpose"] == "take_in"
    ]
    assert audited == [
        (f"intake:{intake['id']}", "refused"),
        ("wijk-1", "refused"),
        ("cm-anna", "refused"),
        ("sup-1", "allowed"),
        ("sup-1", "allowed"),
    ]


def test_an_open_intake_taken_in_by_staff_is_not_held(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    taken = api.client.post(
        f"/intakes/{intake['id']}/take-in", headers=api.staff("supervisor", "sup-1")
    )
    assert taken.status_code == 200, taken.text
    assert submit(api, intake, auth)["awaiting_confirmation"] is False
    assert api.of_type("nl.voorportaal.intake.confirmed") == []


@pytest.mark.parametrize(("role", "held"), [("casemanager", False), ("signaleerder", True)])
def test_intakes_started_by_staff_are_not_held(api: Api, role: str, held: bool) -> None:
    headers = api.staff(role, f"{role}-1")
    intake, auth = start(api, headers)
    contact(api, intake, auth)
    assert submit(api, intake, auth)["awaiting_confirmation"] is held


def lives_in_utrecht(api: Api, intake: dict[str, Any], auth: dict[str, str]) -> None:
    response = api.client.put(
        f"/intakes/{intake['id']}/citizen", json={"postcode": "3512 JK"}, headers=auth
    )
    assert response.status_code == 204, response.text


def test_submit_publishes_one_consent_grant_per_agency_with_the_shared_grant_id(api: Api) -> None:
    intake, auth = start(api)
    lives_in_utrecht(api, intake, auth)
    contact(api, intake, auth, share_with=["uwv", "gemeente"])
    submit(api, intake, auth)
    rows = [(topic, value) for topic, kind, value in api.outbox() if kind.endswith("granted")]
    assert [topic for topic, _ in rows] == ["case.events", "case.events"]
    grants = [ConsentGranted.model_validate(value) for _, value in rows]
    # "My gemeente" is the citizen's own: Utrecht's (GM0344), never every municipality.
    assert {g.agency_code for g in grants} == {"uwv", "gemeente-gm0344"}
    (submitted,) = api.of_type("nl.voorportaal.intake.submitted")
    assert sorted(submitted["share_with"]) == ["gemeente-gm0344", "uwv"]
    for grant in grants:
        assert grant.grant_id == intake_grant_id(intake["id"], grant.agency_code)
        assert tuple(grant.scopes) == INTAKE_CONSENT_SCOPES
        assert grant.valid_until == intake_grant_valid_until(START)
        assert grant.granted_by == "citizen" and grant.recorded_by is None
        assert grant.case_id == intake["case_id"]
    assert registry.lookup("nl.voorportaal.case.consent-granted", 1) is ConsentGranted


def test_consent_recorded_by_staff_names_the_casemanager_and_the_channel(api: Api) -> None:
    headers = api.staff()
    response = api.client.post(
        "/intakes", json={"life_events": ["turning_18"], "channel": "phone"}, headers=headers
    )
    intake = response.json()
    contact(api, intake, headers, share_with=["svb"])
    submit(api, intake, headers)
    (grant,) = [
        ConsentGranted.model_validate(v) for v in api.of_type("nl.voorportaal.case.consent-granted")
    ]
    assert grant.granted_by == "casemanager"
    assert grant.recorded_by == "cm-anna"
    assert grant.channel is not None and grant.channel.value == "phone"


def test_an_anonymised_case_is_purged_and_tombstoned(api: Api) -> None:
    import asyncio

    from voorportaal_contracts.envelope import Envelope
    from voorportaal_contracts.events import CaseAnonymised

    intake, auth = start(api, event="moving_rented_home")
    api.client.put(
        f"/intakes/{intake['id']}/citizen",
        json={"name": "Sevda Yilmaz", "bsn": "111222333", "postcode": "3512 JK"},
        headers=auth,
    )
    contact(api, intake, auth)
    submit(api, intake, auth)
    other, other_auth = start(api)
    contact(api, other, other_auth, phone="0687654321")
    erasure = api.runtime.state["erasure"]
    event = Envelope(
        CaseAnonymised(case_id=intake["case_id"], anonymised_at=START), source="/t", time=START
    )

    async def apply() -> None:
        async with api.runtime.sessions.begin() as session:
            await erasure.on_case_anonymised(session, event)

    asyncio.run(apply())
    # Only the other case's contact details and code are left.
    for table, left in (
        ("intake_contacts", 1),
        ("intake_citizens", 0),
        ("intake_verifications", 1),
    ):
        assert api.sql(f"SELECT count(*) FROM {table}") == [(left,)], table  # noqa: S608 - fixed names
    dumped = json.dumps([list(map(str, r)) for r in api.sql("SELECT * FROM intakes")])
    assert "Yilmaz" not in dumped and "111222333" not in dumped
    assert "3511" not in dumped, "the new postcode the citizen typed is blanked"
    assert "moving_rented_home" in dumped, "what the intake was about stays"
    rows = [(t, k, v) for t, k, v in api.outbox()]
    personal = [r for r in rows if r[0] in ("contact.points", "citizen.identity")]
    assert [(t, k, v) for t, k, v in personal] == [
        ("contact.points", "tombstone", None),
        ("citizen.identity", "tombstone", None),
    ], "the details waiting in the outbox are gone; only the tombstones remain"
    assert not any(
        t == "contact.verifications" and v and v["case_id"] == intake["case_id"] for t, _, v in rows
    )
    refused = contact(api, intake, auth)
    assert refused.status_code == 410
    asyncio.run(apply())  # again: nothing more
    assert len(api.outbox()) == len(rows)


def test_sharing_with_my_gemeente_without_a_known_municipality_grants_no_gemeente(
    api: Api,
) -> None:
    intake, auth = start(api)
    contact(api, intake, auth, share_with=["uwv", "gemeente"])
    submit(api, intake, auth)
    grants = api.of_type("nl.voorportaal.case.consent-granted")
    assert [g["agency_code"] for g in grants] == ["uwv"]
    (submitted,) = api.of_type("nl.voorportaal.intake.submitted")
    assert submitted["share_with"] == ["uwv"]


def test_a_changed_sharing_choice_after_submission_grants_and_revokes(api: Api) -> None:
    intake, auth = start(api)
    lives_in_utrecht(api, intake, auth)
    contact(api, intake, auth, share_with=["uwv", "svb"])
    submit(api, intake, auth)
    api.clock.advance(timedelta(days=2))
    assert contact(api, intake, auth, share_with=["svb", "gemeente"]).status_code == 204
    grants = api.of_type("nl.voorportaal.case.consent-granted")
    assert [g["agency_code"] for g in grants] == ["svb", "uwv", "gemeente-gm0344"]
    added = ConsentGranted.model_validate(grants[-1])
    assert added.grant_id == intake_grant_id(intake["id"], "gemeente-gm0344")
    assert added.valid_until == intake_grant_valid_until(START)
    (revoked,) = api.of_type("nl.voorportaal.case.consent-revoked")
    assert revoked["grant_id"] == intake_grant_id(intake["id"], "uwv")
    contact(api, intake, auth, share_with=["svb", "gemeente"])  # the same again: nothing new
    assert len(api.of_type("nl.voorportaal.case.consent-granted")) == 3


# -- a representative's address is confirmed too, before copies go to it ---------------------

REPRESENTATIVE = {
    "name": "J. Jansen",
    "relation": "bewindvoerder",
    "email": "bewind@example.org",
}


def citizen(api: Api, intake: dict[str, Any], auth: dict[str, str], **representative: Any) -> None:
    response = api.client.put(
        f"/intakes/{intake['id']}/citizen",
        json={"representative": {**REPRESENTATIVE, **representative}},
        headers=auth,
    )
    assert response.status_code == 204, response.text


def test_a_representative_who_receives_copies_gets_a_code_confirmed_with_the_verify_route(
    api: Api,
) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    citizen(api, intake, auth)
    submit(api, intake, auth)
    codes = api.codes()
    assert [(c["channel"], c["for_representative"]) for c in codes] == [
        ("sms", False),
        ("email", True),
    ]
    (for_copies,) = [c for c in codes if c["for_representative"]]
    assert for_copies["email"] == "bewind@example.org" and for_copies["language"] == "nl"
    points = api.of_type("nl.voorportaal.contact.points-updated")
    assert points[-1]["representative"]["verified"] == [], "not confirmed: no copies yet"

    response = verify(api, intake, auth, for_copies["code"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["representative_verified"] == ["email"] and body["verified"] == []
    assert body["awaiting_confirmation"] is True, "a representative's address vouches for nothing"
    latest = api.of_type("nl.voorportaal.contact.points-updated")[-1]
    assert latest["representative"]["verified"] == ["email"] and latest["verified"] == []
    assert api.of_type("nl.voorportaal.intake.confirmed") == []


def test_a_representative_without_copies_gets_no_code(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    citizen(api, intake, auth, receives_copies=False)
    assert [c["for_representative"] for c in api.codes()] == [False]


def test_the_citizens_code_does_not_confirm_the_representatives_address(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth, channels=["email"], phone=None, email="bewind@example.org")
    citizen(api, intake, auth)  # the same address, for copies: a code of its own
    submit(api, intake, auth)
    mine, theirs = api.codes()
    assert (mine["for_representative"], theirs["for_representative"]) == (False, True)
    response = verify(api, intake, auth, mine["code"])
    assert response.status_code == 200, response.text
    assert response.json()["verified"] == ["email"]
    assert (
        api.of_type("nl.voorportaal.contact.points-updated")[-1]["representative"]["verified"] == []
    ), "each address is confirmed for whom it was given"


def test_a_resend_sends_the_representative_a_new_code_too(api: Api) -> None:
    intake, auth = start(api)
    contact(api, intake, auth)
    citizen(api, intake, auth)
    response = api.client.post(f"/intakes/{intake['id']}/contact/resend", headers=auth)
    assert response.status_code in (200, 202), response.text
    assert [c["for_representative"] for c in api.codes()] == [False, True, False, True]


def test_a_representatives_phone_and_email_each_get_a_code_in_e164(api: Api) -> None:
    intake, auth = start(api)
    citizen(api, intake, auth, phone="06 8765 4321")
    assert sorted((c["channel"], c["email"], c["phone"]) for c in api.codes()) == [
        ("email", "bewind@example.org", None),
        ("sms", None, "+31687654321"),
    ]
    assert all(c["for_representative"] for c in api.codes())


def test_moving_to_another_municipality_moves_the_gemeente_grant_with_the_citizen(
    api: Api,
) -> None:
    intake, auth = start(api, event="moving_rented_home")
    lives_in_utrecht(api, intake, auth)
    contact(api, intake, auth, share_with=["gemeente", "uwv"])
    submit(api, intake, auth)
    move = {"step": "moving_rented_home", "question": "new_postcode", "value": "1012 AB"}
    amended = api.client.post(
        f"/intakes/{intake['id']}/amendments", json={"changes": [move]}, headers=auth
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["result"]["municipality_code"] == "GM0363"
    granted = [g["agency_code"] for g in api.of_type("nl.voorportaal.case.consent-granted")]
    revoked = [r["agency_code"] for r in api.of_type("nl.voorportaal.case.consent-revoked")]
    # Utrecht's gemeente had the consent; now Amsterdam's has it and Utrecht's no longer.
    assert granted == ["gemeente-gm0344", "uwv", "gemeente-gm0363"]
    assert revoked == ["gemeente-gm0344"]
