"""The citizen's status link at submission: a short signed link into the portal.

The token is the one notify puts in every message and the dossier checks
(`voorportaal_contracts.citizen_links`), signed with the key those two share; the portal's
`/l/<token>` page opens the citizen's status with it. Without that key the intake gives no
link (the citizen gets one by SMS or e-mail from notify).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from voorportaal_contracts.citizen_links import citizen_link, sign_link_token
from voorportaal_kit.clock import Clock


@dataclass(frozen=True)
class StatusLinks:
    """Signs a case's status link into the portal."""

    clock: Clock
    portal_url: str
    key: bytes | None
    ttl: timedelta

    def for_case(self, case_id: str) -> str | None:
        """`<portal>/l/<token>` for the case's overview, or None without a key."""
        if self.key is None:
            return None
        token = sign_link_token(
            self.key,
            case_id=case_id,
            page="overview",
            expires_at=self.clock.now().replace(microsecond=0) + self.ttl,
        )
        return citizen_link(f"{self.portal_url.rstrip('/')}/l", token)
