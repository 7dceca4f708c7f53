"""The consent a citizen gives in the intake, as the same grant in every service.

The intake's `share_with` is the citizen's first sharing choice. The intake publishes it as one
`ConsentGranted` per agency on `case.events` (the one truth every service keeps), and a service
that sees the intake before that event (routing, whose `intake.events` and `case.events` are
separate topics) may seed the same grant from the intake: the grant id and its terms follow from
the intake alone, so both sources name one grant and a `ConsentRevoked` of it wins in any order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final

from voorportaal_contracts.topics import MUNICIPAL_AGENCIES, municipal_agency_code
from voorportaal_contracts.types import SharingScope

INTAKE_CONSENT_VALIDITY: Final = timedelta(days=365)
"""How long a sharing choice made in the intake holds before the citizen must renew it."""

INTAKE_CONSENT_SCOPES: Final = (SharingScope.SUMMARY, SharingScope.IDENTITY)
"""What sharing with an agency in the intake means: the story so far and who the citizen is."""


def intake_grant_id(intake_id: str, agency_code: str) -> str:
    """The grant id of the intake's consent for one agency (at most 64 characters)."""
    grant = f"intake-{intake_id}-{agency_code}"
    if len(grant) > 64:
        raise ValueError("intake id and agency code too long for a grant id")
    return grant


def intake_grant_valid_until(submitted_at: datetime) -> datetime:
    """The end of the intake's consent: a year after the intake was submitted."""
    return submitted_at + INTAKE_CONSENT_VALIDITY


def sharing_agencies(share_with: Iterable[str], municipality_code: str | None) -> list[str]:
    """The agencies a citizen's sharing choice names, with "my gemeente" (and wijkteam and
    schuldhulp) resolved to their own municipality's agency (`gemeente-gm0363`).

    Without a known municipality a per-municipality choice names no agency and is left out:
    it never becomes consent for every municipality. Sorted, without repeats."""
    agencies: set[str] = set()
    for code in share_with:
        if code not in MUNICIPAL_AGENCIES:
            agencies.add(code)
        elif municipality_code is not None:
            agencies.add(municipal_agency_code(code, municipality_code))
    return sorted(agencies)
