"""Every rule a citizen is sent somewhere by names its source and the day it was checked.

Checklist items and triage rules carry `source` (the agency's page or the article of law) and
`checked` (the day someone last compared the item with that source). Content without them is
refused by the content check; content checked more than a year ago is listed for a new review,
because agencies change their rules every January.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MAX_AGE = timedelta(days=365)
"""After this long an item is listed for review (a warning, not a failure)."""


def source_problems(source: str | None, checked: date | None) -> list[str]:
    """What is missing or wrong in an item's source and checked date."""
    out = []
    if source is None:
        out.append("no source (the agency's page or the article of law)")
    else:
        for scheme in re.findall(r"([A-Za-z][A-Za-z0-9+.-]*)://", source):
            if scheme != "https":
                out.append(f"source {source!r} names a {scheme}:// address, not https")
    if checked is None:
        out.append("no checked date (the day it was compared with its source)")
    return out


def is_stale(checked: date, today: date) -> bool:
    """Whether an item checked on `checked` is due for a new review on `today`."""
    return today - checked > MAX_AGE
