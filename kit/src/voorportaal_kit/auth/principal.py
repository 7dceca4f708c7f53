"""Who a request is: the roles, the agency codes and the case scope a token carries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

AGENCY_PREFIX: Final = "agency:"
ANY_AGENCY: Final = "agency:*"
"""Wildcard accepted by `Principal.has_role` and `requires_role`: any `agency:<code>` role."""

# Same shape as `voorportaal_contracts.types.AgencyCode`, so an agency role always names a
# valid referral topic.
_AGENCY_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")
# Same shape as `voorportaal_contracts.types.CaseId`.
_CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{5,63}")


class Role(StrEnum):
    """The fixed roles. Agency roles are written `agency:<code>`; build them with `Role.agency`."""

    CASEMANAGER = "casemanager"
    SUPERVISOR = "supervisor"
    OPERATOR = "operator"
    CITIZEN = "citizen"
    SIGNALEERDER = "signaleerder"
    """A partner who spots trouble (wijkteam, schuldhulp, police …) and may start an intake on a
    citizen's behalf; sees only the intakes they started."""

    @staticmethod
    def agency(code: str) -> str:
        """The role of staff at the agency with this code, e.g. `agency:uwv`."""
        if not _AGENCY_CODE.fullmatch(code):
            raise ValueError("agency code must be 2-32 lowercase letters, digits or hyphens")
        return f"{AGENCY_PREFIX}{code}"


STAFF_ROLES: Final = frozenset({Role.CASEMANAGER, Role.SUPERVISOR, Role.OPERATOR})
"""Roles of government staff (agency roles are staff too; see `Principal.is_staff`)."""

_FIXED_ROLES: Final = frozenset(str(role) for role in Role)


def is_valid_role(role: str) -> bool:
    """Whether `role` is one of the fixed roles or a well-formed `agency:<code>`."""
    if role in _FIXED_ROLES:
        return True
    return role.startswith(AGENCY_PREFIX) and bool(
        _AGENCY_CODE.fullmatch(role.removeprefix(AGENCY_PREFIX))
    )


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as established from a verified token."""

    subject: str
    roles: frozenset[str]
    # The display name is personal data: keep it out of reprs that end up in logs.
    name: str | None = field(default=None, repr=False)
    case_id: str | None = None
    """The one case a citizen's signed link is scoped to."""
    token_id: str | None = None
    team: str | None = None
    """The staff member's team (casemanagers see their team's cases), from the `team` claim."""

    def has_role(self, *roles: str) -> bool:
        """Whether the principal holds at least one of `roles` (`agency:*` means any agency)."""
        return any(
            bool(self.agency_codes) if role == ANY_AGENCY else role in self.roles for role in roles
        )

    @property
    def agency_codes(self) -> frozenset[str]:
        """The codes of the agencies this principal works for."""
        return frozenset(
            role.removeprefix(AGENCY_PREFIX)
            for role in self.roles
            if role.startswith(AGENCY_PREFIX)
        )

    def is_agency(self, code: str) -> bool:
        """Whether the principal works for the agency with this code."""
        return f"{AGENCY_PREFIX}{code}" in self.roles

    @property
    def is_staff(self) -> bool:
        """Whether the principal holds any staff role (including an agency role)."""
        return bool(self.roles & STAFF_ROLES) or bool(self.agency_codes)
