"""Demo data for `voorportaal up`: a few intakes walked and submitted through the real API.

Runs against the intake service that `up` started (over HTTP, as a desk worker would), so the
demo cases travel the whole way: database, outbox, Kafka.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import issue_token

DEMO_CASES = (
    ["divorce", "moving_rented_home", "income_loss"],
    ["death_of_relative"],
    ["turning_18"],
    ["falling_ill", "income_loss"],
)

DEMO_PEOPLE: tuple[dict[str, Any], ...] = (
    # Fictional people; the BSNs pass the 11-proof but are test numbers, example.org mail.
    {
        "citizen": {"name": "Sevda Yilmaz", "bsn": "111222333", "postcode": "3512 JK"},
        "contact": {
            "channels": ["sms"],
            "language": "tr",
            "phone": "0612345678",
            "share_with": ["uwv", "gemeente", "toeslagen"],
        },
    },
    {
        "citizen": {
            "name": "Jan de Boer",
            "postcode": "3011 AB",
            "representative": {
                "name": "Ria de Boer",
                "relation": "family",
                "email": "ria@example.org",
            },
        },
        "contact": {"channels": ["email"], "email": "jan@example.org", "share_with": ["svb"]},
    },
    {
        "citizen": {"name": "Noah Bakker", "bsn": "123456782", "postcode": "1012 AB"},
        "contact": {
            "channels": ["email", "sms"],
            "language": "nl",
            "email": "noah@example.org",
            "phone": "+31687654321",
            "quiet_from": "21:00",
            "quiet_until": "08:00",
        },
    },
    {
        "citizen": {
            "name": "Ewa Nowak",
            "postcode": "5611 AA",
            "representative": {
                "name": "Bureau Bewind Zuid",
                "relation": "bewindvoerder",
                "email": "bewind@example.org",
            },
        },
        "contact": {
            "channels": ["email"],
            "language": "pl",
            "email": "ewa@example.org",
            "share_with": ["uwv", "schuldhulp"],
        },
        "by": "signaleerder",
    },
)


def sample_answer(question: dict[str, Any], today: str = "2026-11-20") -> Any:
    """A valid answer to a question as the API shows it (the first option, a date, …)."""
    options = question.get("options") or []
    return {
        "yes_no": False,
        "number": question.get("minimum") or 0,
        "postcode": "3511 AB",
        "text": "Demo",
        "date": today,
        "single": options[0]["value"] if options else None,
        "multi": [options[0]["value"]] if options else [],
    }[question["type"]]


def _call(method: str, url: str, token: str, body: Any = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 - the local intake service
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        raw = response.read()
    return json.loads(raw) if raw else None


def seed() -> list[str]:
    """Walk and submit the demo intakes as a desk worker; returns their case ids."""
    settings = IntakeSettings()
    port = int(os.environ.get("VOORPORTAAL_INTAKE_HTTP_PORT", settings.http_port))
    base = f"http://127.0.0.1:{port}"
    desk = issue_token(settings.auth, "demo-desk", ["casemanager"], name="Demo balie")
    wijkteam = issue_token(settings.auth, "demo-wijkteam", ["signaleerder"], name="Wijkteam Zuid")
    cases = []
    for events, person in zip(DEMO_CASES, DEMO_PEOPLE, strict=True):
        by_signaleerder = person.get("by") == "signaleerder"
        token = wijkteam if by_signaleerder else desk
        channel = "home_visit" if by_signaleerder else "desk"
        intake = _call(
            "POST", f"{base}/intakes", token, {"life_events": events, "channel": channel}
        )
        _call("PUT", f"{base}/intakes/{intake['id']}/citizen", token, person["citizen"])
        _call("PUT", f"{base}/intakes/{intake['id']}/contact", token, person["contact"])
        while intake["next"] is not None:
            step, question = intake["next"]["step"], intake["next"]["question"]
            intake = _call(
                "PUT",
                f"{base}/intakes/{intake['id']}/answers/{step}/{question['id']}",
                token,
                {"value": sample_answer(question)},
            )
        submitted = _call("POST", f"{base}/intakes/{intake['id']}/submit", token)
        cases.append(submitted["case_id"])
    return cases
