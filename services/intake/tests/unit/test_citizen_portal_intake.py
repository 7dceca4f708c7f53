"""The intake's side of the citizen portal (issue 15): five languages through the API, the
case's language, the checklist+ issued as an event, ticked off and announced when overdue,
"I want to talk to a person", the citizen's own words, the status link into the portal and a
token that lasts to continue later. Over HTTP on SQLite with a fixed clock; the outbox is
read back (the same rules on the real broker: tests/integration/test_intake_checklist_on_kafka).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jwt
import pytest
from intake_api import START, Api, serve, walk
from sqlalchemy import create_engine, text

from voorportaal_contracts.citizen_links import verify_link_token
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import CaseAnonymised
from voorportaal_contracts.events.checklist import ChecklistItemDone
from voorportaal_intake.adapters.content_files import load_catalogue, load_life_events
from voorportaal_intake.domain.citizen_work import answer_by, is_overdue
from voorportaal_intake.domain.content import Text
from voorportaal_intake.entrypoints.http.life_events import local
from voorportaal_intake.service_layer.checklist import on_item_done
from voorportaal_intake.settings import DEV_CITIZEN_LINK_KEY
from voorportaal_kit.auth import AuthenticationError, TokenVerifier

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ISSUED = "nl.voorportaal.case.checklist-issued"
DONE = "nl.voorportaal.case.checklist-item-done"
OVERDUE = "nl.voorportaal.case.checklist-item-overdue"
PERSON = "nl.voorportaal.case.person-requested"


STAFF = ("supervisor", "sup-ria", "Ria")
"""Who `api.staff()` is when not told otherwise."""


def _api(tmp_path: Path, **settings: Any) -> Iterator[Api]:
    yield from serve(tmp_path, STAFF, **settings)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _api(tmp_path)


def start(
    api: Api, *events: str, language: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    body: dict[str, Any] = {"life_events": list(events or ["moving_rented_home"])}
    if language:
        body["language"] = language
    response = api.client.post("/intakes", json=body)
    assert response.status_code == 201, response.text
    found = response.json()
    return found, {"Authorization": f"Bearer {found['token']}"}


def submit(
    api: Api, intake: dict[str, Any], auth: dict[str, str], own_words: str | None = None
) -> dict[str, Any]:
    walk(api.client, intake, auth, {"own_words": own_words})
    response = api.client.post(f"/intakes/{intake['id']}/submit", headers=auth)
    assert response.status_code == 200, response.text
    return dict(response.json())


def contact(api: Api, intake: dict[str, Any], auth: dict[str, str], **body: Any) -> None:
    payload = {"channels": ["sms"], "phone": "0612345678", **body}
    response = api.client.put(f"/intakes/{intake['id']}/contact", json=payload, headers=auth)
    assert response.status_code == 204, response.text


# -- five languages -------------------------------------------------------------------------


def test_a_content_text_reaches_the_api_in_all_five_languages() -> None:
    text_ = Text(nl="Verhuizen", en="Moving", tr="Taşınma", ar="الانتقال", pl="Przeprowadzka")
    assert local(text_).model_dump() == {
        "nl": "Verhuizen",
        "en": "Moving",
        "tr": "Taşınma",
        "ar": "الانتقال",
        "pl": "Przeprowadzka",
    }


def test_every_citizen_text_of_the_api_is_the_contents_text_in_every_language(api: Api) -> None:
    contents = load_life_events()
    for event in api.client.get("/life-events").json():
        content = contents[next(c for c in contents if c.value == event["code"])]
        assert event["title"] == content.title.model_dump()
        assert event["intro"] == content.intro.model_dump()
    intake, _ = start(api, "divorce")
    question = intake["next"]["question"]
    first = contents[next(c for c in contents if c.value == "divorce")].questions[0]
    assert question["text"] == first.text.model_dump()
    assert set(question["text"]) == {"nl", "en", "tr", "ar", "pl"}


# -- the case's language --------------------------------------------------------------------


def test_the_language_chosen_at_the_start_is_the_language_of_the_intakes_events(api: Api) -> None:
    intake, auth = start(api, language="ar")
    assert intake["language"] == "ar"
    contact(api, intake, auth)  # no language: the intake's stays
    result = submit(api, intake, auth)
    assert result["language"] == "ar"
    (submitted,) = api.of_type("nl.voorportaal.intake.submitted")
    (points,) = api.of_type("nl.voorportaal.contact.points-updated")
    (issued,) = api.of_type(ISSUED)
    assert submitted["language"] == points["language"] == issued["language"] == "ar"


def test_a_language_chosen_in_the_contact_step_becomes_the_intakes(api: Api) -> None:
    intake, auth = start(api, language="tr")
    contact(api, intake, auth, language="pl")
    assert api.client.get(f"/intakes/{intake['id']}", headers=auth).json()["language"] == "pl"
    submit(api, intake, auth)
    (submitted,) = api.of_type("nl.voorportaal.intake.submitted")
    assert submitted["language"] == "pl"


def test_a_language_that_is_not_a_citizen_language_is_refused_naming_the_field(api: Api) -> None:
    response = api.client.post("/intakes", json={"life_events": ["divorce"], "language": "de"})
    assert response.status_code == 400
    assert "language" in response.text


# -- the checklist issued -------------------------------------------------------------------


def test_submitting_issues_the_checklist_with_real_dates_and_the_agencies_contacts(
    api: Api,
) -> None:
    intake, auth = start(api, "moving_rented_home", "income_loss")
    result = submit(api, intake, auth)
    (issued,) = api.of_type(ISSUED)
    assert issued["case_id"] == intake["case_id"] and issued["revision"] == 1
    shown = {item["id"]: item for item in result["result"]["checklist"]}
    assert [i["item_id"] for i in issued["items"]] == list(shown)
    agencies = {a.code: a for a in load_catalogue().agencies}
    for item in issued["items"]:
        assert item["due_on"] == shown[item["item_id"]]["deadline"]
        agency = agencies[item["agency"]]
        assert item["agency_name"] == agency.name.model_dump()
        assert item["phone"] == agency.phone and item["web"] == agency.web
        assert set(item["title"]) == {"nl", "en", "tr", "ar", "pl"}
        listed = shown[item["item_id"]]
        assert listed["done"] is False
        assert listed["agency_name"] == agency.name.model_dump()
        assert (listed["phone"], listed["web"]) == (agency.phone, agency.web)
    assert any(i["due_on"] for i in issued["items"]), "real deadlines travel"
    # Submitting again publishes nothing twice.
    api.client.post(f"/intakes/{intake['id']}/submit", headers=auth)
    assert len(api.of_type(ISSUED)) == 1


def test_an_amendment_issues_the_checklist_of_its_revision_keeping_done_items(api: Api) -> None:
    intake, auth = start(api)
    result = submit(api, intake, auth)
    first = result["result"]["checklist"][0]["id"]
    mark = api.client.put(
        f"/intakes/{intake['id']}/checklist/{first}", json={"done": True}, headers=auth
    )
    assert mark.status_code == 200, mark.text
    step, question = "profile", "wants_personal_help"
    amended = api.client.post(
        f"/intakes/{intake['id']}/amendments",
        json={"changes": [{"step": step, "question": question, "value": True}]},
        headers=auth,
    )
    assert amended.status_code == 200, amended.text
    assert [i["revision"] for i in api.of_type(ISSUED)] == [1, 2]
    done = {i["id"]: i["done"] for i in amended.json()["result"]["checklist"]}
    assert done[first] is True


# -- ticking off ----------------------------------------------------------------------------


def test_ticking_an_item_off_stores_it_publishes_checklist_item_done_and_answers_the_item(
    api: Api,
) -> None:
    intake, auth = start(api)
    result = submit(api, intake, auth)
    item = result["result"]["checklist"][0]
    url = f"/intakes/{intake['id']}/checklist/{item['id']}"
    response = api.client.put(url, json={"done": True}, headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == item["id"] and response.json()["done"] is True
    (done,) = api.of_type(DONE)
    assert done["item_id"] == item["id"] and done["done"] is True
    assert done["by_role"] == "citizen" and done["intake_id"] == intake["id"]
    shown = api.client.get(f"/intakes/{intake['id']}", headers=auth).json()
    assert {i["id"]: i["done"] for i in shown["result"]["checklist"]}[item["id"]] is True
    # The same mark again changes nothing and publishes nothing; staff can undo it.
    assert api.client.put(url, json={"done": True}, headers=auth).status_code == 200
    assert len(api.of_type(DONE)) == 1
    undo = api.client.put(url, json={"done": False}, headers=api.staff())
    assert undo.status_code == 200 and undo.json()["done"] is False
    assert [(d["done"], d["by_role"]) for d in api.of_type(DONE)] == [
        (True, "citizen"),
        (False, "staff"),
    ]


def test_ticking_off_an_unknown_item_is_404_naming_it(api: Api) -> None:
    intake, auth = start(api)
    submit(api, intake, auth)
    response = api.client.put(
        f"/intakes/{intake['id']}/checklist/lottery_ticket", json={"done": True}, headers=auth
    )
    assert response.status_code == 404
    assert "lottery_ticket" in response.text
    assert api.of_type(DONE) == []


def test_ticking_off_before_submission_is_409(api: Api) -> None:
    intake, auth = start(api)
    response = api.client.put(
        f"/intakes/{intake['id']}/checklist/anything", json={"done": True}, headers=auth
    )
    assert response.status_code == 409


def test_ticking_off_needs_this_intakes_token_or_staff_on_the_case(api: Api) -> None:
    intake, auth = start(api)
    item = submit(api, intake, auth)["result"]["checklist"][0]["id"]
    _, other = start(api)
    url = f"/intakes/{intake['id']}/checklist/{item}"
    assert api.client.put(url, json={"done": True}).status_code == 401
    assert api.client.put(url, json={"done": True}, headers=other).status_code == 403
    casemanager = api.staff("casemanager", "cm-not-on-this-case")
    assert api.client.put(url, json={"done": True}, headers=casemanager).status_code == 403
    bad = api.client.put(url, json={"done": "yes please"}, headers=auth)
    assert bad.status_code == 400 and "done" in bad.text
    assert api.of_type(DONE) == []


def test_a_mark_made_at_the_dossier_is_applied_once_and_an_older_one_never_wins(
    api: Api,
) -> None:
    intake, auth = start(api)
    item = submit(api, intake, auth)["result"]["checklist"][0]["id"]

    def feed(done: bool, at: datetime) -> None:
        event = ChecklistItemDone(
            case_id=intake["case_id"],
            intake_id=intake["id"],
            item_id=item,
            done=done,
            by_role="citizen",
            at=at,
        )

        async def run() -> None:
            async with api.runtime.sessions.begin() as session:
                await on_item_done(session, Envelope(event, source="/dossier", time=at))

        api.run(run())

    def shown() -> bool:
        found = api.client.get(f"/intakes/{intake['id']}", headers=auth).json()
        return bool({i["id"]: i["done"] for i in found["result"]["checklist"]}[item])

    feed(True, START + timedelta(minutes=5))
    assert shown() is True
    feed(False, START + timedelta(minutes=1))  # older: ignored
    assert shown() is True
    feed(True, START + timedelta(minutes=5))  # the same again: nothing changes
    feed(False, START + timedelta(minutes=9))
    assert shown() is False
    assert api.of_type(DONE) == [], "marks made elsewhere are not published again"


# -- overdue --------------------------------------------------------------------------------


def test_an_item_past_its_due_date_is_announced_overdue_once_per_item_and_date(api: Api) -> None:
    intake, auth = start(api)
    result = submit(api, intake, auth)
    items = result["result"]["checklist"]
    due = [i for i in items if i["deadline"]]
    assert due, "the walk's dates (20 November) give deadlines"
    housekeeping = api.runtime.state["intakes"].housekeeping
    late_day = max(date.fromisoformat(i["deadline"]) for i in due) + timedelta(days=1)
    api.move_to(
        datetime.combine(late_day, datetime.min.time(), tzinfo=AMSTERDAM) + timedelta(hours=1)
    )
    ticked = due[0]["id"]
    api.client.put(f"/intakes/{intake['id']}/checklist/{ticked}", json={"done": True}, headers=auth)
    announced = api.run(housekeeping.announce_overdue())
    overdue = api.of_type(OVERDUE)
    assert announced == len(overdue) == len(due) - 1
    assert {o["item_id"] for o in overdue} == {i["id"] for i in due} - {ticked}
    assert all(
        o["due_on"] == next(i["deadline"] for i in due if i["id"] == o["item_id"]) for o in overdue
    )
    # A second round, or a second replica, a day later: nothing again.
    api.clock.advance(timedelta(days=1))
    assert api.run(housekeeping.announce_overdue()) == 0
    assert len(api.of_type(OVERDUE)) == len(due) - 1


def test_an_item_is_not_overdue_on_its_own_dutch_day() -> None:
    due = date(2026, 12, 7)
    # 23:30 UTC on the 7th is already the 8th in Amsterdam: overdue then, not an hour earlier.
    assert not is_overdue(due, datetime(2026, 12, 7, 22, 30, tzinfo=UTC))
    assert is_overdue(due, datetime(2026, 12, 7, 23, 30, tzinfo=UTC))


# -- talk to a person -----------------------------------------------------------------------


def test_a_person_answers_within_two_dutch_working_days_at_five() -> None:
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=AMSTERDAM)
    assert answer_by(friday) == datetime(2026, 12, 8, 17, 0, tzinfo=AMSTERDAM)
    christmas_eve = datetime(2026, 12, 24, 16, 0, tzinfo=AMSTERDAM)  # Christmas and a weekend
    assert answer_by(christmas_eve) == datetime(2026, 12, 29, 17, 0, tzinfo=AMSTERDAM)


def test_asking_for_a_person_before_submitting_publishes_person_requested_once(api: Api) -> None:
    intake, auth = start(api, language="tr")
    url = f"/intakes/{intake['id']}/person"
    first = api.client.post(
        url, json={"channel": "phone", "preferred_time": "morning"}, headers=auth
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["case_id"] == intake["case_id"] and body["already_requested"] is False
    assert datetime.fromisoformat(body["answer_by"]) == answer_by(START)
    again = api.client.post(url, json={"channel": "video"}, headers=auth)
    assert again.status_code == 200
    assert again.json()["request_id"] == body["request_id"]
    assert again.json()["already_requested"] is True
    (event,) = api.of_type(PERSON)
    assert event["via"] == "portal_intake" and event["language"] == "tr"
    assert event["channel"] == "phone" and event["preferred_time"] == "morning"
    assert event["intake_id"] == intake["id"] and event["request_id"] == body["request_id"]
    # Once the answer time passed without contact, a new wish is a new request.
    api.move_to(datetime.fromisoformat(body["answer_by"]) + timedelta(minutes=1))
    later = api.client.post(url, json={"channel": "desk"}, headers=auth)
    assert later.status_code == 201 and later.json()["request_id"] != body["request_id"]


def test_asking_for_a_person_needs_this_intakes_token_or_staff_and_valid_input(api: Api) -> None:
    intake, auth = start(api)
    _, other = start(api)
    url = f"/intakes/{intake['id']}/person"
    assert api.client.post(url, json={"channel": "phone"}).status_code == 401
    assert api.client.post(url, json={"channel": "phone"}, headers=other).status_code == 403
    bad = api.client.post(url, json={"channel": "pigeon"}, headers=auth)
    assert bad.status_code == 400 and "channel" in bad.text
    assert api.of_type(PERSON) == []
    staff = api.client.post(url, json={"channel": "phone"}, headers=api.staff())
    assert staff.status_code == 201


def test_asking_for_a_person_is_rate_limited_per_client(tmp_path: Path) -> None:
    for api in _api(tmp_path, person_requests_per_client_hour=1):
        first, first_auth = start(api)
        second, second_auth = start(api)
        ok = api.client.post(
            f"/intakes/{first['id']}/person", json={"channel": "phone"}, headers=first_auth
        )
        assert ok.status_code == 201
        refused = api.client.post(
            f"/intakes/{second['id']}/person", json={"channel": "phone"}, headers=second_auth
        )
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
        assert len(api.of_type(PERSON)) == 1


# -- own words ------------------------------------------------------------------------------


STORY = "Mijn man is weg en ik kan de huur niet meer betalen."


def test_own_words_travel_only_on_citizen_identity_never_in_intake_submitted(api: Api) -> None:
    intake, auth = start(api)
    submit(api, intake, auth, own_words=STORY)
    (identified,) = api.of_type("nl.voorportaal.citizen.identified")
    assert identified["own_words"] == STORY
    assert identified.get("name") is None, "no identity was given: only the own words"
    for topic, _, value in api.outbox():
        if topic != "citizen.identity":
            assert STORY not in json.dumps(value), topic


def test_without_own_words_no_identity_is_published(api: Api) -> None:
    intake, auth = start(api)
    submit(api, intake, auth, own_words=None)
    assert api.of_type("nl.voorportaal.citizen.identified") == []


def test_changed_own_words_are_published_again_with_the_identity(api: Api) -> None:
    intake, auth = start(api)
    submit(api, intake, auth, own_words=STORY)
    response = api.client.post(
        f"/intakes/{intake['id']}/amendments",
        json={"changes": [{"step": "profile", "question": "own_words", "value": "Anders."}]},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    assert [i["own_words"] for i in api.of_type("nl.voorportaal.citizen.identified")] == [
        STORY,
        "Anders.",
    ]


def test_an_anonymised_case_loses_its_own_words(api: Api) -> None:
    intake, auth = start(api)
    submit(api, intake, auth, own_words=STORY)
    erasure = api.runtime.state["erasure"]
    event = Envelope(
        CaseAnonymised(case_id=intake["case_id"], anonymised_at=START), source="/t", time=START
    )

    async def apply() -> None:
        async with api.runtime.sessions.begin() as session:
            await erasure.on_case_anonymised(session, event)

    api.run(apply())
    engine = create_engine(f"sqlite:///{api.db}")
    with engine.connect() as conn:
        rows = [str(r) for r in conn.execute(text("SELECT * FROM intakes")).all()]
        rows += [str(r) for r in conn.execute(text("SELECT value FROM outbox")).all()]
    engine.dispose()
    assert not any(STORY in r for r in rows)


# -- status link and continuing later -------------------------------------------------------


def test_the_status_link_opens_the_portal_with_a_short_link_for_the_case(api: Api) -> None:
    intake, auth = start(api)
    assert intake["status_link"] is None
    result = submit(api, intake, auth)
    base, _, token = result["status_link"].rpartition("/")
    assert base == "http://127.0.0.1:3001/l"
    claims = verify_link_token(DEV_CITIZEN_LINK_KEY.encode(), token, now=START)
    assert claims.case_id == intake["case_id"] and claims.holder is None
    assert claims.expires_at == START + timedelta(days=30)


def test_without_a_link_key_the_status_link_is_null(tmp_path: Path) -> None:
    for api in _api(tmp_path, citizen_link_key="", portal_url="https://portal.example.nl"):
        intake, auth = start(api)
        assert submit(api, intake, auth)["status_link"] is None


def test_a_citizens_intake_token_lasts_thirty_days_to_continue_later(api: Api) -> None:
    intake, _ = start(api)
    claims = jwt.decode(intake["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 30 * 86400
    settings = api.runtime.settings.auth
    verifier = TokenVerifier(settings)
    later = int((datetime.now(UTC) + timedelta(days=29)).timestamp())
    assert verifier.verify(intake["token"]).case_id == intake["case_id"]
    assert later < claims["exp"]
    # Staff tokens keep the short limit, however well signed.
    staff = jwt.encode(
        {**claims, "sub": "cm-anna", "roles": ["casemanager"], "case_id": None},
        settings.hs256_secret.get_secret_value() if settings.hs256_secret else "",
        algorithm="HS256",
    )
    with pytest.raises(AuthenticationError, match="lifetime"):
        verifier.verify(staff)


def test_own_words_are_never_logged(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    from structlog.testing import capture_logs

    with capture_logs() as logs, caplog.at_level("INFO"):
        intake, auth = start(api)
        submit(api, intake, auth, own_words=STORY)
    assert logs, "the intake logs what happens (by id)"
    assert not any(STORY in str(line) for line in logs)
    assert STORY not in caplog.text
