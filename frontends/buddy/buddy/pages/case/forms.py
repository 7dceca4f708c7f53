"""What the case page's forms offer, and how their answers are read before they go to the API."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from buddy.labels import Words, labels

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CHANNELS = ("phone", "desk", "home_visit", "email", "chat", "video", "web")
OUTCOMES = ("completed", "no_longer_needed", "moved_away", "referred_elsewhere")
DOORBRAAK_REASONS = ("waiting_on_other_agency", "income_gap", "eviction_risk", "other_rule")
GRANT_SCOPES = (
    ("summary", "grant-summary"),
    ("identity", "grant-identity"),
    ("documents", "grant-documents"),
    ("act_on_behalf", "grant-act"),
)


def agencies() -> list[tuple[str, Words]]:
    """Every agency of the label table by its name, sorted as a person looks for them."""
    return sorted(labels()["agency"].items(), key=lambda pair: pair[1].nl)


def services() -> list[tuple[str, Words]]:
    """What a case can be referred to by hand: every service of the label table (it mirrors
    routing's directory), as "Agency: service", sorted as a person looks for them."""
    agencies = labels()["agency"]
    out = []
    for code, name in labels()["service"].items():
        parts = code.split("_")
        # The agency is the code's first word(s): `uwv_ww`, `juridisch_loket_advies`.
        agency = next(
            (
                agencies["-".join(parts[:n])]
                for n in range(1, len(parts))
                if "-".join(parts[:n]) in agencies
            ),
            None,
        )
        if agency is None:
            out.append((code, Words(nl=name.nl, en=name.en)))
        else:
            out.append((code, Words(nl=f"{agency.nl}: {name.nl}", en=f"{agency.en}: {name.en}")))
    return sorted(out, key=lambda pair: pair[1].nl)


def end_of_day(value: Any) -> str | None:
    """A date from a form as the end of that working day in Amsterdam (ISO), or None."""
    try:
        day = date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None
    return datetime.combine(day, time(17, 0), AMSTERDAM).isoformat()


def text(form: dict[str, Any], key: str, limit: int) -> str:
    """A form field's text, trimmed and cut to `limit` characters."""
    return str(form.get(key) or "").strip()[:limit]


def checked(form: dict[str, Any], key: str) -> bool:
    """Whether a form's checkbox was ticked."""
    return form.get(key) in (True, "on", "true", "1", key)
