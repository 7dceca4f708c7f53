"""Demo data for `voorportaal up`: a casemanager takes one recommended case and works on it.

Runs after the intake demo submitted its cases and the demo agencies answered, over HTTP
against the running dossier service, as the console would: Anna (team Noord) claims the first
case routing recommended for a buddy, records a phone call with a written confirmation, and a
promise with a deadline. The other recommended cases stay in the queue for the console.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.auth import issue_token

CASEMANAGER = ("cm-anna", "Anna Jansen", "team-noord")
"""The console's demo casemanager (frontends/buddy/buddy/data/accounts.toml)."""


def _call(method: str, url: str, token: str, body: Any = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 - the local dossier service
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        raw = response.read()
    return json.loads(raw) if raw else None


def _queue(base: str, token: str) -> list[dict[str, Any]]:
    try:
        found: list[dict[str, Any]] = _call("GET", f"{base}/queue?view=recommended", token) or []
    except (urllib.error.URLError, OSError):
        return []
    return found


def seed(cases: Sequence[str] = (), wait_s: float = 30.0) -> list[str]:
    """Claim and work one recommended case of the demo's `cases`; returns its case id (none
    when none arrived)."""
    settings = DossierSettings()
    port = int(os.environ.get("VOORPORTAAL_DOSSIER_HTTP_PORT", settings.http_port))
    base = f"http://127.0.0.1:{port}"
    subject, name, team = CASEMANAGER
    token = issue_token(settings.auth, subject, ["casemanager"], name=name, team=team)
    deadline = time.monotonic() + wait_s
    case_id = None
    while time.monotonic() < deadline and case_id is None:
        for candidate in cases or [r["case_id"] for r in _queue(base, token)]:
            try:
                _call("POST", f"{base}/cases/{candidate}/claim", token)
            except urllib.error.HTTPError:
                continue  # not projected yet, not recommended for a buddy, or owned already
            except (urllib.error.URLError, OSError):
                time.sleep(1)  # the service is not answering yet
                break
            case_id = str(candidate)
            break
        else:
            time.sleep(1)
    if case_id is None:
        return []
    _call(
        "POST",
        f"{base}/cases/{case_id}/contacts",
        token,
        {
            "channel": "phone",
            "summary": "Eerste gesprek: situatie doorgenomen, verwijzingen uitgelegd.",
            "next_steps": "Burger belt UWV niet zelf; ik volg de aanvraag.",
            "send_confirmation": True,
        },
    )
    due = datetime.now(UTC) + timedelta(days=5)
    _call(
        "POST",
        f"{base}/cases/{case_id}/promises",
        token,
        {
            "made_by_kind": "casemanager",
            "what": "Terugbellen over de stand van zaken bij UWV",
            "due_at": due.isoformat(),
        },
    )
    return [case_id]
