"""The personal link: short enough for an SMS, bound to one case, tamper-proof, expiring."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_contracts.citizen_links import (
    InvalidLink,
    citizen_link,
    sign_link_token,
    verify_link_token,
)
from voorportaal_notify.domain.sms import measure
from voorportaal_notify.settings import NotifySettings

KEY = b"k" * 32
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CASE = "vp-0000000000000000case"


def token(**changes: object) -> str:
    fields: dict[str, object] = {
        "case_id": CASE,
        "page": "checklist",
        "expires_at": NOW + timedelta(days=30),
    }
    return sign_link_token(KEY, **{**fields, **changes})  # type: ignore[arg-type]


def test_a_link_opens_its_case_and_page_until_it_expires() -> None:
    claims = verify_link_token(KEY, token(), now=NOW)
    assert (claims.case_id, claims.page) == (CASE, "checklist")
    with pytest.raises(InvalidLink, match="expired"):
        verify_link_token(KEY, token(), now=NOW + timedelta(days=30))


def test_a_link_fits_easily_in_one_sms_segment() -> None:
    link = citizen_link("https://mijn.voorportaal.nl/citizen/l", token())
    assert len(token()) <= 50
    assert measure(link).encoding.value == "gsm7" and measure(link).units <= 90


def test_another_key_or_a_changed_case_is_refused() -> None:
    with pytest.raises(InvalidLink, match="not issued"):
        verify_link_token(b"x" * 32, token(), now=NOW)
    forged = token().replace(CASE, "vp-0000000000000000othr")
    with pytest.raises(InvalidLink, match="not issued"):
        verify_link_token(KEY, forged, now=NOW)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        sign_link_token(b"short", case_id=CASE, page="overview", expires_at=NOW)


@given(st.text(max_size=120))
def test_no_string_crashes_the_verifier(text: str) -> None:
    with contextlib.suppress(InvalidLink):
        verify_link_token(KEY, text, now=NOW)


def test_a_representatives_link_names_its_mandate_and_the_holder_cannot_be_changed() -> None:
    rep = token(holder="mandate-01")
    claims = verify_link_token(KEY, rep, now=NOW)
    assert (claims.case_id, claims.holder) == (CASE, "mandate-01")
    assert verify_link_token(KEY, token(), now=NOW).holder is None
    case_part, middle, signature = rep.split(".")
    for forged in (
        f"{case_part}.{middle.split('~')[0]}.{signature}",  # holder dropped: the citizen's link
        f"{case_part}.{middle.replace('mandate-01', 'mandate-02')}.{signature}",
    ):
        with pytest.raises(InvalidLink, match="not issued"):
            verify_link_token(KEY, forged, now=NOW)


def test_a_message_link_opens_the_citizen_portal_by_default() -> None:
    # The portal's /l/<token> page (frontends/portal, port 3001), not the dossier's JSON; it
    # reads the dossier's /citizen/l/<token> itself. A representative's link uses the same base.
    assert NotifySettings().citizen_link_base_url == "http://127.0.0.1:3001/l"
    assert citizen_link(NotifySettings().citizen_link_base_url, "abc.def") == (
        "http://127.0.0.1:3001/l/abc.def"
    )
