"""The citizen's own work over the dossier API (SQLite): the view in the citizen's language with
the checklist, ticking an item off from the status page, asking to talk to a person, and what
the console sees of both (the case page's checklist part, the queue's marker)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from dossier_factories import checklist_entry, checklist_issued, texts
from test_dossier_api import CASE, OTHER, START, Api, api

from voorportaal_contracts.citizen_links import sign_link_token
from voorportaal_contracts.events import ContactPointsUpdated
from voorportaal_contracts.events.checklist import ChecklistItemOverdue
from voorportaal_dossier.service_layer import audit_log
from voorportaal_kit.audit import AuditRecord

__all__ = ["api"]  # the fixture, shared with the API tests

LANGUAGES = ("nl", "en", "tr", "ar", "pl")
ITEMS = [
    checklist_entry("apply_ww", due_on=date(2026, 12, 8)),
    checklist_entry(
        "apply_bijstand",
        agency="gemeente",
        agency_name=texts("Gemeente", "Municipality"),
        title=texts("Vraag bijstand aan", "Apply for social assistance"),
        due_on=date(2026, 11, 30),
    ),
]


def _link(api: Api, case_id: str = CASE) -> str:
    link, _ = api.dossier.citizen_links.issue_link(case_id)
    return link


def _with_checklist(api: Api) -> str:
    api.feed(checklist_issued(CASE, items=ITEMS))
    return _link(api)


def _records(api: Api) -> list[AuditRecord]:
    async def run() -> list[AuditRecord]:
        async with api.runtime.sessions() as session:
            return list(await audit_log.query(session, case_id=CASE, limit=100_000))

    return api.call(run)


def _view(api: Api, link: str, **params: str) -> dict[str, Any]:
    response = api.client.get(f"/citizen/cases/{CASE}", params={"link": link, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --------------------------------------------------------------------------- the view


def test_the_view_shows_the_checklist_in_the_asked_language_done_and_late(api: Api) -> None:
    link = _with_checklist(api)
    view = _view(api, link, lang="tr")
    assert view["language"] == "tr"
    items = {i["item_id"]: i for i in view["checklist"]}
    assert items["apply_ww"]["title"] == "TR Apply for unemployment benefit"
    assert items["apply_ww"]["why"] == ["TR You are losing your job."]
    assert items["apply_ww"]["agency_name"] == "TR UWV"
    assert items["apply_ww"]["phone"] == "088 898 92 94"
    assert items["apply_ww"]["deadline_rule"] == "TR within a week"
    assert items["apply_ww"]["late"] is False
    # Due on 30 November, it is 1 December in the Netherlands: late without any report.
    assert items["apply_bijstand"]["late"] is True and items["apply_bijstand"]["done"] is False
    steps = [s["tr"] for s in view["next_steps"]]
    assert "Listenizde 2 görev kaldı." in steps
    assert "1 görevin süresi geçti." in steps


def test_the_view_defaults_to_the_cases_language(api: Api) -> None:
    link = _with_checklist(api)
    assert _view(api, link)["language"] == "nl"
    api.feed(
        ContactPointsUpdated(case_id=CASE, channels=["sms"], language="ar", phone="+31612345678")
    )
    view = _view(api, link)
    assert view["language"] == "ar"
    assert view["checklist"][0]["title"] == "AR Apply for unemployment benefit"


def test_an_unknown_language_is_a_400_naming_lang(api: Api) -> None:
    response = api.client.get(f"/citizen/cases/{CASE}", params={"link": _link(api), "lang": "de"})
    assert response.status_code == 400
    assert "lang" in response.text


def test_every_line_of_the_view_is_in_every_citizen_language(api: Api) -> None:
    link = _with_checklist(api)
    api.client.post(f"/cases/{CASE}/claim", headers=api.h("cm-anna", "casemanager"))
    api.clock.advance(timedelta(minutes=5))  # a wish after the claim stays open
    api.client.post(
        f"/citizen/cases/{CASE}/person", params={"link": link}, json={"channel": "chat"}
    )
    view = _view(api, link)
    lines = [view["status"], view["buddy"], view["person_request"]]
    lines += view["arranged"] + view["waiting"] + view["next_steps"] + view["promises"]
    for line in lines:
        for language in LANGUAGES:
            assert line[language], (language, line)
    assert view["buddy"]["tr"] == "Sabit irtibat kişiniz: Cm-Anna."


def test_promises_in_the_view_say_whether_they_were_kept(api: Api) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.post(f"/cases/{CASE}/claim", headers=anna)
    due = (START + timedelta(days=1)).isoformat()
    made = api.client.post(
        f"/cases/{CASE}/promises",
        json={"made_by_kind": "agency", "made_by": "uwv", "what": "Terugbellen", "due_at": due},
        headers=anna,
    )
    assert made.status_code == 201, made.text
    link = _link(api)
    assert _view(api, link)["promises"][0]["status"] == "open"
    api.clock.advance(timedelta(days=2))
    api.call(api.dossier.promises.promise_sweep)
    line = _view(api, _link(api))["promises"][0]
    assert line["status"] == "broken"
    assert line["en"].endswith("This was not done in time.")
    assert line["pl"].endswith("Obietnica nie została dotrzymana na czas.")


# --------------------------------------------------------------------------- ticking off


def test_ticking_off_publishes_checklist_item_done_through_the_outbox_audited(api: Api) -> None:
    link = _with_checklist(api)
    before = len(_records(api))
    response = api.client.put(
        f"/citizen/cases/{CASE}/checklist/apply_ww", params={"link": link}, json={"done": True}
    )
    assert response.status_code == 200, response.text
    assert response.json()["done"] is True
    done = [v for t, v in api.outbox() if t.endswith("checklist-item-done")]
    assert len(done) == 1
    assert done[0]["item_id"] == "apply_ww" and done[0]["by_role"] == "citizen"
    assert done[0]["intake_id"] == "intake-1" and done[0]["done"] is True
    new = _records(api)[before:]
    assert any(r.data_kind == "checklist" and r.action.value == "change" for r in new)
    # Ticking what is ticked publishes nothing more; undoing publishes `done` false.
    again = api.client.put(
        f"/citizen/cases/{CASE}/checklist/apply_ww", params={"link": link}, json={"done": True}
    )
    assert again.status_code == 200
    assert api.types().count("checklist-item-done") == 1
    undo = api.client.put(
        f"/citizen/cases/{CASE}/checklist/apply_ww",
        params={"link": link, "lang": "pl"},
        json={"done": False},
    )
    assert undo.json()["done"] is False
    assert undo.json()["title"] == "PL Apply for unemployment benefit"
    assert [v["done"] for t, v in api.outbox() if t.endswith("checklist-item-done")] == [
        True,
        False,
    ]


def test_a_representative_with_act_on_behalf_ticks_off_as_representative(api: Api) -> None:
    link = _with_checklist(api)
    mandate = api.client.post(
        f"/citizen/cases/{CASE}/mandates",
        params={"link": link},
        json={
            "holder_name": "Jan Jansen",
            "relation": "family",
            "scopes": ["summary", "act_on_behalf"],
            "valid_until": (START + timedelta(days=30)).isoformat(),
        },
    )
    assert mandate.status_code == 201, mandate.text
    rep = sign_link_token(
        api.settings.link_key,
        case_id=CASE,
        page="checklist",
        expires_at=START + timedelta(days=1),
        holder=mandate.json()["mandate_id"],
    )
    response = api.client.put(
        f"/citizen/cases/{CASE}/checklist/apply_ww", params={"link": rep}, json={"done": True}
    )
    assert response.status_code == 200, response.text
    done = [v for t, v in api.outbox() if t.endswith("checklist-item-done")]
    assert done[0]["by_role"] == "representative"


def test_ticking_an_unknown_item_is_a_404_naming_it(api: Api) -> None:
    link = _with_checklist(api)
    response = api.client.put(
        f"/citizen/cases/{CASE}/checklist/no_such_item", params={"link": link}, json={"done": True}
    )
    assert response.status_code == 404
    assert "no_such_item" in response.text and "item_id" in response.text
    assert api.types().count("checklist-item-done") == 0


def test_a_bad_mark_is_a_400_naming_the_field_and_never_reaches_the_outbox(api: Api) -> None:
    link = _with_checklist(api)
    response = api.client.put(
        f"/citizen/cases/{CASE}/checklist/apply_ww", params={"link": link}, json={"done": "ja"}
    )
    assert response.status_code == 400
    assert "done" in response.text
    assert api.types().count("checklist-item-done") == 0


# --------------------------------------------------------------------------- a person


def test_asking_for_a_person_publishes_person_requested_answered_in_two_working_days(
    api: Api,
) -> None:
    link = _link(api)
    # Thursday 24 December 2026: Christmas, Boxing Day and the weekend are no working days.
    api.clock.advance(datetime(2026, 12, 24, 10, tzinfo=UTC) - api.clock.now())
    response = api.client.post(
        f"/citizen/cases/{CASE}/person",
        params={"link": _link(api)},
        json={"channel": "phone", "preferred_time": "morning", "language": "pl"},
    )
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["already_requested"] is False
    assert datetime.fromisoformat(answer["answer_by"]) == datetime(2026, 12, 29, 16, tzinfo=UTC)
    published = [v for t, v in api.outbox() if t.endswith("person-requested")]
    assert len(published) == 1
    assert published[0]["via"] == "portal_status" and published[0]["language"] == "pl"
    assert published[0]["request_id"] == answer["request_id"]
    assert link  # the first link stays valid for what follows


def test_an_open_wish_answers_with_itself_and_is_not_published_twice(api: Api) -> None:
    link = _link(api)
    first = api.client.post(
        f"/citizen/cases/{CASE}/person", params={"link": link}, json={"channel": "video"}
    ).json()
    second = api.client.post(
        f"/citizen/cases/{CASE}/person", params={"link": link}, json={"channel": "desk"}
    )
    assert second.status_code == 201
    assert second.json()["request_id"] == first["request_id"]
    assert second.json()["already_requested"] is True
    assert api.types().count("person-requested") == 1


def test_a_bad_channel_is_a_400_naming_it(api: Api) -> None:
    response = api.client.post(
        f"/citizen/cases/{CASE}/person", params={"link": _link(api)}, json={"channel": "pigeon"}
    )
    assert response.status_code == 400
    assert "channel" in response.text
    assert api.types().count("person-requested") == 0


def test_the_queue_shows_the_wish_as_recommended_and_taking_the_case_closes_it(
    api: Api,
) -> None:
    anna = api.h("cm-anna", "casemanager")
    api.client.post(
        f"/citizen/cases/{CASE}/person",
        params={"link": _link(api)},
        json={"channel": "phone", "preferred_time": "afternoon"},
    )
    queue = api.client.get("/queue?view=recommended", headers=anna).json()
    item = next(c for c in queue if c["case_id"] == CASE)
    assert item["person_request"]["channel"] == "phone"
    assert item["person_request"]["preferred_time"] == "afternoon"
    assert item["person_request"]["answer_by"]
    assert next(c for c in queue if c["case_id"] == OTHER)["person_request"] is None
    page = api.client.get(f"/cases/{CASE}", headers=anna).json()
    assert "person_requested" in [r["rule"] for r in page["summary"]["recommendation"]]
    assert api.client.post(f"/cases/{CASE}/claim", headers=anna).status_code == 200
    mine = api.client.get("/queue?view=mine", headers=anna).json()
    assert mine[0]["case_id"] == CASE and mine[0]["person_request"] is None
    view = _view(api, _link(api))
    assert view.get("person_request") is None


# --------------------------------------------------------------------------- the console


def test_the_case_page_has_the_checklist_part_authorised_and_audited(api: Api) -> None:
    link = _with_checklist(api)
    api.client.put(
        f"/citizen/cases/{CASE}/checklist/apply_ww", params={"link": link}, json={"done": True}
    )
    api.feed(
        ChecklistItemOverdue(
            case_id=CASE,
            intake_id="intake-1",
            item_id="apply_bijstand",
            due_on=date(2026, 11, 30),
            at=START,
        )
    )
    anna = api.h("cm-anna", "casemanager")
    before = len(_records(api))
    page = api.client.get(f"/cases/{CASE}", headers=anna).json()
    checklist = page["checklist"]
    assert checklist["to_do"] == 1 and checklist["late"] == 1
    items = {i["item_id"]: i for i in checklist["items"]}
    assert items["apply_ww"]["title"] == "WW aanvragen"
    assert items["apply_ww"]["done"] is True and items["apply_ww"]["done_by"] == "citizen"
    assert items["apply_bijstand"]["late"] is True
    assert items["apply_bijstand"]["agency_name"] == "Gemeente"
    audited = [r for r in _records(api)[before:] if r.data_kind == "checklist"]
    assert [r.outcome.value for r in audited] == ["allowed"]
    agency = api.client.get(f"/cases/{CASE}", headers=api.h("svb-1", "agency:svb"))
    assert agency.status_code == 403
    queue = api.client.get("/queue?view=recommended", headers=anna).json()
    marker = next(c for c in queue if c["case_id"] == CASE)
    assert marker["checklist_todo"] == 1 and marker["checklist_late"] == 1
    timeline = [e["en"] for e in page["timeline"]]
    assert "The citizen ticked off 'Apply for unemployment benefit'." in timeline
    assert "'Apply for social assistance' is late: it was due by 30 November 2026." in timeline


def test_the_short_link_answers_json_for_the_portal(api: Api) -> None:
    token = sign_link_token(
        api.settings.link_key,
        case_id=CASE,
        page="checklist",
        expires_at=START + timedelta(days=2),
    )
    response = api.client.get(f"/citizen/l/{token}", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["case_id"] == CASE and body["page"] == "checklist"
    assert _view(api, body["link"])["case_id"] == CASE
    redirect = api.client.get(f"/citizen/l/{token}", follow_redirects=False)
    assert redirect.status_code == 303
