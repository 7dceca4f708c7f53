"""The confirmation routes by every relation to the case, as the intake's other routes are
(see test_intake_access_matrix): allowed or refused as the case decides, audited either way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_intake_access_matrix import (
    CHANGERS,
    RELATIONS,
    Api,
    Call,
    matrix,
)

TAKERS = {"owner", "same_team", "supervisor"}
"""Staff who may take an intake in: not the citizen (that is what the code is for)."""


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp("confirmation-matrix")
    # Codes enough for every relation's attempt.
    with matrix(
        tmp, codes_per_address_hour=100, codes_per_address_day=100, codes_per_intake_day=100
    ) as api:
        submitted = api.submitted
        body = {"channels": ["sms"], "phone": "0612345678"}
        auth = {"Authorization": f"Bearer {submitted.citizen}"}
        response = api.client.put(f"/intakes/{submitted.id}/contact", json=body, headers=auth)
        assert response.status_code == 204, response.text
        api.feed_access()
        yield api


def _verify(api: Api, who: str) -> Any:
    # Never the right code (it is only a hash here): allowed means "400, wrong code".
    return api.client.post(
        f"/intakes/{api.submitted.id}/contact/verify",
        json={"code": "000000"},
        headers=api.headers(who, api.submitted),
    )


def _resend(api: Api, who: str) -> Any:
    return api.client.post(
        f"/intakes/{api.submitted.id}/contact/resend", headers=api.headers(who, api.submitted)
    )


def _take_in(api: Api, who: str) -> Any:
    return api.client.post(
        f"/intakes/{api.submitted.id}/take-in", headers=api.headers(who, api.submitted)
    )


ROUTES: dict[str, tuple[Call, str, str, set[str], int]] = {
    # route: (call, data kind, purpose, who may, status when allowed)
    "verifyContact": (_verify, "identity", "verify_contact", CHANGERS, 400),
    "resendContactCode": (_resend, "identity", "resend_code", CHANGERS, 202),
    "takeInIntake": (_take_in, "intake_answers", "take_in", TAKERS, 200),
}


@pytest.mark.parametrize("who", sorted(RELATIONS))
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_confirmation_route_is_decided_per_case_and_audited(
    api: Api, route: str, who: str
) -> None:
    call, kind, purpose, may, ok = ROUTES[route]
    before = len(api.audit())
    response = call(api, who)
    allowed = who in may
    assert response.status_code == (ok if allowed else 403), (route, who, response.text)
    outcome = "allowed" if allowed else "refused"
    assert api.audit()[before:] == [(api.subject(who, api.submitted), kind, purpose, outcome)]
