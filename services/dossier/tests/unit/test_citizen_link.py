"""The citizen's signed link, their plain-language view, and the export of their dossier."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest
from dossier_factories import (
    CASE,
    OTHER_CASE,
    at,
    case_from,
    env,
    promise_recorded,
    referral_issued,
    story,
)
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_dossier.domain.citizen_link import (
    InvalidLink,
    LinkProblem,
    citizen_view,
    export,
    sign_link,
    verify_link,
)
from voorportaal_dossier.domain.projection import apply
from voorportaal_kit import audit

KEY = b"k" * 32
LINK = sign_link(KEY, case_id=CASE, purpose="view", expires_at=at(days=7))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


PAYLOAD, SIGNATURE = LINK.split(".")
SHORT_SIGNATURE = f"{PAYLOAD}.{_b64(_unb64(SIGNATURE)[:-1])}"
FLIPPED_SIGNATURE = f"{PAYLOAD}.{_b64(bytes([_unb64(SIGNATURE)[0] ^ 1]) + _unb64(SIGNATURE)[1:])}"


def test_a_fresh_link_verifies_for_its_case_and_purpose() -> None:
    claims = verify_link(KEY, LINK, case_id=CASE, purpose="view", now=at(days=1))
    assert (claims.case_id, claims.purpose, claims.expires_at) == (CASE, "view", at(days=7))
    assert all(c.isalnum() or c in "-_." for c in LINK)  # url-safe as it is


@pytest.mark.parametrize(
    ("token", "case_id", "purpose", "now", "problem"),
    [
        (LINK, CASE, "view", at(days=7), LinkProblem.EXPIRED),
        (LINK, CASE, "view", at(days=30), LinkProblem.EXPIRED),
        (LINK, OTHER_CASE, "view", at(0), LinkProblem.WRONG_CASE),
        (LINK, CASE, "export", at(0), LinkProblem.WRONG_PURPOSE),
        (
            sign_link(b"x" * 32, case_id=CASE, purpose="view", expires_at=at(days=7)),
            CASE,
            "view",
            at(0),
            LinkProblem.BAD_SIGNATURE,
        ),
        (SHORT_SIGNATURE, CASE, "view", at(0), LinkProblem.BAD_SIGNATURE),
        (FLIPPED_SIGNATURE, CASE, "view", at(0), LinkProblem.BAD_SIGNATURE),
        (LINK[:-2], CASE, "view", at(0), LinkProblem.MALFORMED),
        (LINK.replace(".", ""), CASE, "view", at(0), LinkProblem.MALFORMED),
        ("", CASE, "view", at(0), LinkProblem.MALFORMED),
        ("a.b.c", CASE, "view", at(0), LinkProblem.MALFORMED),
        ("%%%.###", CASE, "view", at(0), LinkProblem.MALFORMED),
    ],
)
def test_refused_links_say_why(
    token: str, case_id: str, purpose: str, now: object, problem: LinkProblem
) -> None:
    with pytest.raises(InvalidLink) as refused:
        verify_link(KEY, token, case_id=case_id, purpose=purpose, now=now)  # type: ignore[arg-type]
    assert refused.value.problem is problem


def test_a_link_whose_expiry_was_pushed_out_is_refused() -> None:
    stamp = str(int(at(days=7).timestamp())).encode()
    later = str(int(at(days=700).timestamp())).encode()
    forged = f"{_b64(_unb64(PAYLOAD).replace(stamp, later))}.{SIGNATURE}"
    with pytest.raises(InvalidLink) as refused:
        verify_link(KEY, forged, case_id=CASE, purpose="view", now=at(days=8))
    assert refused.value.problem is LinkProblem.BAD_SIGNATURE


@given(
    st.integers(0, len(LINK) - 1),
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
)
def test_any_changed_character_invalidates_the_link(position: int, char: str) -> None:
    if LINK[position] == char or LINK[position] == ".":
        return
    tampered = LINK[:position] + char + LINK[position + 1 :]
    with pytest.raises(InvalidLink):
        verify_link(KEY, tampered, case_id=CASE, purpose="view", now=at(0))


def test_keys_must_be_long_enough() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        sign_link(b"short", case_id=CASE, purpose="view", expires_at=at(1))


def test_the_citizen_view_tells_what_is_arranged_what_waits_and_who_the_buddy_is() -> None:
    case = case_from(*story())
    view = citizen_view(case, now=at(days=1))
    assert view["buddy"]["nl"] == "Uw vaste contactpersoon is Anna de Vries."
    assert view["arranged"][0]["nl"] == "UWV is klaar."
    assert view["waiting"][0]["nl"] == "De gemeente komt aan de beurt als UWV klaar is."
    assert view["waiting"][0]["en"] == "The municipality is next, once UWV has finished."
    assert view["next_steps"][0]["en"] == "There is nothing you need to do now."
    assert view["sharing"][0]["status"] == "current"
    assert view["promises"][0]["nl"].startswith("UWV heeft beloofd")
    assert view["status"]["closed"] is False


def test_the_citizen_view_lists_their_own_terms_and_self_contact_as_next_steps() -> None:
    case = case_from(
        env(referral_issued(referral_id="ref-duo", agency="duo", mode="self_contact")),
        env(promise_recorded(promise_id="p-c", made_by="citizen")),
    )
    view = citizen_view(case, now=at(0))
    assert [s["nl"] for s in view["next_steps"]] == [
        "Neem zelf contact op met DUO.",
        "U heeft afgesproken:  (uiterlijk 5-3-2025).",
    ]
    assert view["buddy"]["en"] == "You do not have a contact person yet."


def test_the_export_holds_the_case_its_timeline_and_who_looked() -> None:
    case = case_from(*story())
    log = audit.chain(
        [
            audit.record(
                at=at(100),
                actor="uwv-7",
                role="agency:uwv",
                case_id=CASE,
                data_kind="summary",
                purpose="referral",
                action=audit.AuditAction.READ,
                allowed=True,
                basis="grant:grant-uwv",
                reason="shared with the agency for summary",
            )
        ]
    )
    data = export(case, case.timeline, log)
    assert data["case"]["citizen"]["bsn"] == "123456782"  # their own data, all of it
    assert "applied" not in data["case"]
    assert len(data["timeline"]) == len(case.timeline)
    assert data["access_log"] == [
        {
            "at": at(100).isoformat(),
            "who": "uwv-7",
            "role": "agency:uwv",
            "on_behalf_of": None,
            "data": "summary",
            "object_id": None,
            "purpose": "referral",
            "action": "read",
            "allowed": True,
        }
    ]


def test_the_export_refuses_audit_records_of_another_case() -> None:
    case = case_from(*story())
    other = audit.chain(
        [
            audit.record(
                at=at(1),
                actor="cm-1",
                role="casemanager",
                case_id=OTHER_CASE,
                data_kind="summary",
                purpose="coordination",
                action=audit.AuditAction.READ,
                allowed=True,
                basis="owner",
                reason="owner of the case",
            )
        ]
    )
    with pytest.raises(ValueError, match="another case"):
        export(case, case.timeline, other)


def test_a_closed_case_says_so() -> None:
    case = replace(apply(None, story()[0]), closed_at=at(9))
    assert citizen_view(case, now=at(10))["status"]["en"] == "Your case is closed."
