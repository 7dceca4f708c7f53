"""The citizen's pages open only with a link for that case: the citizen's own (the dossier's
long link or a message's short link) or a representative's within its mandate. Staff and
agency tokens, another case's link and a representative without the needed scope get what
`/cases/{id}` gives them (403, or 404 for staff on an unknown case), audited either way; the
citizen lists the links to their dossier and revokes them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from dossier_factories import checklist_entry, checklist_issued
from test_dossier_api import CASE, OTHER, PDF, START, Api, api

from voorportaal_contracts.citizen_links import short_link_id, sign_link_token
from voorportaal_dossier.service_layer import audit_log
from voorportaal_kit.audit import AuditRecord

__all__ = ["api"]  # the fixture, shared with the API tests

UNTIL = (START + timedelta(days=30)).isoformat()
ALL_SCOPES = ["summary", "identity", "documents", "act_on_behalf"]


@dataclass
class World:
    """A case owned by cm-anna, shared with uwv, with three mandates and their links."""

    citizen_link: str
    citizen_short: str
    other_case_link: str
    rep_full: str
    """A representative's short link whose mandate covers everything."""
    rep_docs: str
    """A representative's long link (issued by staff) whose mandate covers documents only."""
    m_full: str
    m_docs: str
    m_spare: str
    grant_id: str
    rep_full_link_id: str


def _mandate(api: Api, link: str, name: str, scopes: list[str]) -> str:
    made = api.client.post(
        f"/citizen/cases/{CASE}/mandates",
        params={"link": link},
        json={
            "holder_name": name,
            "relation": "family",
            "scopes": scopes,
            "valid_until": UNTIL,
        },
    )
    assert made.status_code == 201, made.text
    mandate_id: str = made.json()["mandate_id"]
    return mandate_id


def _world(api: Api) -> World:
    anna = api.h("cm-anna", "casemanager")
    api.feed(checklist_issued(CASE, items=[checklist_entry("apply_ww")]))
    assert api.client.post(f"/cases/{CASE}/claim", headers=anna).status_code == 200
    issued = api.client.post(f"/cases/{CASE}/citizen-link", headers=anna)
    assert issued.status_code == 201, issued.text
    citizen = issued.json()["link"]
    granted = api.client.post(
        f"/citizen/cases/{CASE}/grants",
        params={"link": citizen},
        json={"agency_code": "uwv", "scopes": ["summary", "identity"], "valid_until": UNTIL},
    )
    assert granted.status_code == 201, granted.text
    m_full = _mandate(api, citizen, "Jan Jansen", ALL_SCOPES)
    m_docs = _mandate(api, citizen, "Piet Pieters", ["documents"])
    m_spare = _mandate(api, citizen, "Klaas Klaassen", ["summary"])
    key, until = api.settings.link_key, START + timedelta(days=2)
    rep_full = sign_link_token(key, case_id=CASE, page="overview", expires_at=until, holder=m_full)
    rep_docs = api.client.post(
        f"/cases/{CASE}/citizen-link", headers=anna, json={"mandate_id": m_docs}
    )
    assert rep_docs.status_code == 201, rep_docs.text
    # The representative opens their link once: the dossier keeps it from then on.
    seen = api.client.get(f"/citizen/cases/{CASE}", params={"link": rep_full})
    assert seen.status_code == 200, seen.text
    other, _ = api.dossier.citizen_links.issue_link(OTHER)
    return World(
        citizen_link=citizen,
        citizen_short=sign_link_token(key, case_id=CASE, page="overview", expires_at=until),
        other_case_link=other,
        rep_full=rep_full,
        rep_docs=rep_docs.json()["link"],
        m_full=m_full,
        m_docs=m_docs,
        m_spare=m_spare,
        grant_id=granted.json()["grant_id"],
        rep_full_link_id=short_link_id(rep_full),
    )


# Who calls, and how: a staff or agency token (header), or a link (`?link=`).
CALLERS: dict[str, tuple[str, Any]] = {
    "owner": ("token", ("cm-anna", "casemanager")),
    "same_team": ("token", ("cm-bram", "casemanager")),
    "other_team": ("token", ("cm-cees", "casemanager")),
    "supervisor": ("token", ("sv-1", "supervisor")),
    "agency_with_grant": ("token", ("uwv-1", "agency:uwv")),
    "agency_without_grant": ("token", ("svb-1", "agency:svb")),
    "anonymous_intake_token": ("citizen_token", None),
    "citizen": ("link", "citizen_link"),
    "citizen_short_link": ("link", "citizen_short"),
    "citizen_of_another_case": ("link", "other_case_link"),
    "representative_in_scope": ("link", "rep_full"),
    "representative_out_of_scope": ("link", "rep_docs"),
}
CITIZEN = {"citizen", "citizen_short_link"}
FILE: dict[str, Any] = {"file": ("loonstrook.pdf", PDF)}
"""Sent as a multipart upload rather than JSON."""
REP_OK = CITIZEN | {"representative_in_scope"}

# (name, method, path template, body, who is allowed)
ROUTES: list[tuple[str, str, str, dict[str, Any] | None, set[str]]] = [
    ("view", "GET", "/citizen/cases/{case}", None, REP_OK),
    ("access_log", "GET", "/citizen/cases/{case}/access-log", None, REP_OK),
    ("export", "GET", "/citizen/cases/{case}/export", None, REP_OK),
    ("export_html", "GET", "/citizen/cases/{case}/export.html", None, REP_OK),
    (
        "grant",
        "POST",
        "/citizen/cases/{case}/grants",
        {"agency_code": "cak", "scopes": ["summary"], "valid_until": UNTIL},
        REP_OK,
    ),
    ("revoke_grant", "POST", "/citizen/cases/{case}/grants/{grant_id}/revoke", None, REP_OK),
    (
        "mandate",
        "POST",
        "/citizen/cases/{case}/mandates",
        {"holder_name": "Els", "relation": "partner", "scopes": ["summary"], "valid_until": UNTIL},
        CITIZEN,  # never a representative, whatever their mandate says
    ),
    (
        "revoke_mandate",
        "POST",
        "/citizen/cases/{case}/mandates/{m_spare}/revoke",
        None,
        CITIZEN,
    ),
    (
        "upload",
        "POST",
        "/citizen/cases/{case}/documents",
        FILE,
        REP_OK | {"representative_out_of_scope"},  # that mandate covers documents only
    ),
    (
        "checklist_mark",
        "PUT",
        "/citizen/cases/{case}/checklist/apply_ww",
        {"done": True},
        REP_OK,  # a representative: with act_on_behalf
    ),
    ("person_request", "POST", "/citizen/cases/{case}/person", {"channel": "phone"}, REP_OK),
    (
        "revoke_link",
        "POST",
        "/citizen/cases/{case}/links/{rep_full_link_id}/revoke",
        None,
        REP_OK,  # the citizen, or the representative whose link it is
    ),
]


def _records(api: Api) -> list[AuditRecord]:
    async def run() -> list[AuditRecord]:
        async with api.runtime.sessions() as session:
            return list(await audit_log.query(session, case_id=CASE, limit=100_000))

    return api.call(run)


def _request(api: Api, world: World, caller: str, method: str, url: str, body: Any) -> Any:
    how, what = CALLERS[caller]
    sent: dict[str, Any] = {"files": body} if body is FILE else {"json": body}
    if how == "token":
        return api.client.request(method, url, headers=api.h(*what), **sent)
    if how == "citizen_token":
        # What the intake hands an anonymous citizen: a citizen token scoped to the case.
        headers = api.h(f"intake:{CASE}", "citizen", case_id=CASE)
        return api.client.request(method, url, headers=headers, **sent)
    return api.client.request(method, url, params={"link": getattr(world, what)}, **sent)


@pytest.mark.parametrize(("route", "method", "template", "body", "allowed"), ROUTES)
@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_citizen_routes_open_only_for_the_citizen_or_a_representative_in_scope_audited(
    api: Api,
    caller: str,
    route: str,
    method: str,
    template: str,
    body: dict[str, Any] | None,
    allowed: set[str],
) -> None:
    world = _world(api)
    url = template.format(case=CASE, **world.__dict__)
    before = len(_records(api))
    response = _request(api, world, caller, method, url, body)
    new = _records(api)[before:]
    assert new, f"{caller} on {route}: nothing was audited"
    if caller in allowed:
        assert response.status_code < 300, (caller, route, response.text)
        assert all(r.outcome.value == "allowed" for r in new), (caller, route)
    else:
        assert response.status_code == 403, (caller, route, response.text)
        assert any(r.outcome.value == "refused" for r in new), (caller, route)


def test_a_staff_token_on_the_citizen_view_shows_none_of_what_the_case_page_refuses(
    api: Api,
) -> None:
    world = _world(api)
    agency = api.client.get(f"/citizen/cases/{CASE}", headers=api.h("uwv-1", "agency:uwv"))
    assert agency.status_code == 403
    assert "Jan Jansen" not in agency.text and world.grant_id not in agency.text
    page = api.client.get(f"/cases/{CASE}", headers=api.h("uwv-1", "agency:uwv")).json()
    assert "sharing" in page["refused"]  # the case page refuses the same part


def test_citizen_routes_say_401_without_a_valid_link_and_404_to_staff_on_an_unknown_case(
    api: Api,
) -> None:
    world = _world(api)
    assert api.client.get(f"/citizen/cases/{CASE}").status_code == 401
    damaged = world.citizen_link[:-2] + "xx"
    assert api.client.get(f"/citizen/cases/{CASE}", params={"link": damaged}).status_code == 401
    unknown = "/citizen/cases/vp-nobody-000"
    assert api.client.get(unknown, headers=api.h("sv-1", "supervisor")).status_code == 404
    assert api.client.get(unknown, headers=api.h("uwv-1", "agency:uwv")).status_code == 403


def test_a_representative_sees_the_view_without_sharing_choices_unless_their_mandate_says_so(
    api: Api,
) -> None:
    world = _world(api)
    summary_only = sign_link_token(
        api.settings.link_key,
        case_id=CASE,
        page="overview",
        expires_at=START + timedelta(days=1),
        holder=world.m_spare,
    )
    view = api.client.get(f"/citizen/cases/{CASE}", params={"link": summary_only})
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["mandates"] == [] and body["sharing"] == [] and body["links"] == []
    assert "act_on_behalf" in body["refused"]["sharing"]
    assert "Jan Jansen" not in view.text


def test_the_citizen_lists_the_links_to_their_dossier_and_a_revoked_link_is_refused(
    api: Api,
) -> None:
    world = _world(api)
    view = api.client.get(f"/citizen/cases/{CASE}", params={"link": world.citizen_link}).json()
    by_holder = {link["holder"]: link for link in view["links"]}
    assert set(by_holder) == {None, world.m_full, world.m_docs}
    rep = by_holder[world.m_full]
    assert rep["link_id"] == world.rep_full_link_id and rep["status"] == "current"
    assert rep["holder_name"] == "Jan Jansen" and rep["kind"] == "short"
    assert rep["expires_at"] == (START + timedelta(days=2)).isoformat()
    revoked = api.client.post(
        f"/citizen/cases/{CASE}/links/{world.rep_full_link_id}/revoke",
        params={"link": world.citizen_link},
    )
    assert revoked.status_code == 204, revoked.text
    refused = api.client.get(f"/citizen/cases/{CASE}", params={"link": world.rep_full})
    assert refused.status_code == 403 and "revoked" in refused.text
    # The short link itself no longer leads anywhere either.
    opened = api.client.get(f"/citizen/l/{world.rep_full}", follow_redirects=False)
    assert opened.status_code == 401
    view = api.client.get(f"/citizen/cases/{CASE}", params={"link": world.citizen_link}).json()
    assert {x["link_id"]: x["status"] for x in view["links"]}[world.rep_full_link_id] == "revoked"


def test_a_long_link_from_a_revoked_short_link_is_refused_too(api: Api) -> None:
    world = _world(api)
    opened = api.client.get(f"/citizen/l/{world.citizen_short}", follow_redirects=False)
    assert opened.status_code == 303
    long_link = opened.headers["location"].split("link=", 1)[1].split("#", 1)[0]
    from urllib.parse import unquote

    long_link = unquote(long_link)
    assert api.client.get(f"/citizen/cases/{CASE}", params={"link": long_link}).status_code == 200
    revoked = api.client.post(
        f"/citizen/cases/{CASE}/links/{short_link_id(world.citizen_short)}/revoke",
        params={"link": world.citizen_link},
    )
    assert revoked.status_code == 204, revoked.text
    assert api.client.get(f"/citizen/cases/{CASE}", params={"link": long_link}).status_code == 403


def test_revoking_a_mandate_refuses_its_links_and_marks_them_revoked(api: Api) -> None:
    world = _world(api)
    done = api.client.post(
        f"/citizen/cases/{CASE}/mandates/{world.m_full}/revoke",
        params={"link": world.citizen_link},
    )
    assert done.status_code == 204, done.text
    assert (
        api.client.get(f"/citizen/cases/{CASE}", params={"link": world.rep_full}).status_code == 403
    )
    # A link of that mandate the dossier never saw is refused as well: the mandate decides.
    unseen = sign_link_token(
        api.settings.link_key,
        case_id=CASE,
        page="promises",
        expires_at=START + timedelta(days=1),
        holder=world.m_full,
    )
    assert api.client.get(f"/citizen/cases/{CASE}", params={"link": unseen}).status_code == 403
    view = api.client.get(f"/citizen/cases/{CASE}", params={"link": world.citizen_link}).json()
    statuses = {x["link_id"]: x["status"] for x in view["links"]}
    assert statuses[world.rep_full_link_id] == "revoked"


def test_a_representative_cannot_revoke_the_citizens_link(api: Api) -> None:
    world = _world(api)
    opened = api.client.get(f"/citizen/l/{world.citizen_short}", follow_redirects=False)
    assert opened.status_code == 303
    refused = api.client.post(
        f"/citizen/cases/{CASE}/links/{short_link_id(world.citizen_short)}/revoke",
        params={"link": world.rep_full},
    )
    assert refused.status_code == 403, refused.text
    view = api.client.get(f"/citizen/cases/{CASE}", params={"link": world.citizen_short})
    assert view.status_code == 200


def test_staff_issue_a_representatives_link_only_for_a_current_mandate(api: Api) -> None:
    world = _world(api)
    anna = api.h("cm-anna", "casemanager")
    api.client.post(
        f"/citizen/cases/{CASE}/mandates/{world.m_spare}/revoke",
        params={"link": world.citizen_link},
    )
    for mandate_id in (world.m_spare, "mandate-unknown"):
        refused = api.client.post(
            f"/cases/{CASE}/citizen-link", headers=anna, json={"mandate_id": mandate_id}
        )
        assert refused.status_code == 400, refused.text
        assert refused.json()["errors"][0]["field"] == "mandate_id"


def test_revoking_a_link_or_a_mandate_publishes_citizen_link_revoked(api: Api) -> None:
    world = _world(api)
    opened = api.client.get(f"/citizen/l/{world.citizen_short}", follow_redirects=False)
    assert opened.status_code == 303
    link_id = short_link_id(world.citizen_short)
    revoked = api.client.post(
        f"/citizen/cases/{CASE}/links/{link_id}/revoke", params={"link": world.citizen_link}
    )
    assert revoked.status_code == 204, revoked.text
    done = api.client.post(
        f"/citizen/cases/{CASE}/mandates/{world.m_full}/revoke",
        params={"link": world.citizen_link},
    )
    assert done.status_code == 204, done.text
    published = [v for t, v in api.outbox() if t.endswith("citizen-link-revoked")]
    assert [(d["case_id"], d.get("link_id"), d.get("holder")) for d in published] == [
        (CASE, link_id, None),
        (CASE, None, world.m_full),
    ]
    assert world.citizen_short not in json.dumps(api.outbox()), "never the token itself"
