"""The dossier domain's errors; the HTTP edge maps each family to one status code.

`NotAllowed` → 403, `Conflict` (and its kinds) → 409, `InvalidInput` (and its kinds) → 422.
Messages name ids and rules, never personal data.
"""

from __future__ import annotations


class DossierError(Exception):
    """Base of every error the dossier domain raises."""


class NotAllowed(DossierError):
    """The caller may not do this (403)."""


class Conflict(DossierError):
    """The request clashes with the current state (409)."""


class OwnershipConflict(Conflict):
    """A case that already has an owner (or a pending handover) was claimed."""


class InvalidTransition(Conflict):
    """The ownership state machine does not allow this step from the current state."""


class InvalidInput(DossierError, ValueError):
    """Input breaks a domain rule (422); `field` names what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
