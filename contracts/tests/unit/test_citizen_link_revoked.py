"""`CitizenLinkRevoked` names one link (by its hashed id) or every link of one mandate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from voorportaal_contracts.citizen_links import short_link_id
from voorportaal_contracts.events import CitizenLinkRevoked

AT = datetime(2026, 12, 6, 12, tzinfo=UTC)
CASE = "vp-0000000000000000case"


@pytest.mark.parametrize(
    "fields", [{}, {"link_id": "link-s1", "holder": "mandate-1"}], ids=["neither", "both"]
)
def test_a_revoked_link_event_names_exactly_one_link_or_one_mandate(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="exactly one of link_id"):
        CitizenLinkRevoked(case_id=CASE, revoked_at=AT, **fields)
    CitizenLinkRevoked(case_id=CASE, link_id="link-s1", revoked_at=AT)
    CitizenLinkRevoked(case_id=CASE, holder="mandate-1", revoked_at=AT)


def test_a_short_link_is_known_by_a_hash_never_by_the_token() -> None:
    token = "vp-0000000000000000case.abc123o.AAAAAAAAAAAAAAAA"
    link_id = short_link_id(token)
    assert link_id.startswith("link-s") and len(link_id) == 38
    assert token not in link_id and link_id == short_link_id(token)
