"""Demo data for `voorportaal up`: a few intakes walked and submitted through the real API.

Runs against the intake service that `up` started (over HTTP, as a desk worker would), so the
demo cases travel the whole way: database, outbox, Kafka.

Every address (a representative's too) is confirmed as a citizen would: the intake sends a
one-time code through notify, the local SMTP server or SMS stub keeps it (`var/outbox-dev`, or
`VOORPORTAAL_DEV_OUTBOX`), and the demo reads it there and types it in. When no code arrives
(notify sends to a real gateway, or does not send codes), a supervisor takes the intakes in
instead, so they still reach the agencies.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
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


CODE_WAIT_S = 30.0
"""How long the demo waits for the one-time codes to arrive in the dev outbox."""

_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def _e164(phone: str) -> str:
    digits = re.sub(r"[\s-]", "", phone)
    return "+31" + digits[1:] if digits.startswith("0") else digits


def _addresses(person: dict[str, Any]) -> list[str]:
    """The addresses that get a code: those of the chosen SMS and e-mail channels, and those
    of a representative who receives copies (confirmed the same way)."""
    contact = person["contact"]
    found = []
    if "sms" in contact["channels"] and contact.get("phone"):
        found.append(_e164(contact["phone"]))
    if "email" in contact["channels"] and contact.get("email"):
        found.append(contact["email"])
    representative = person["citizen"].get("representative") or {}
    if representative.get("receives_copies", True):
        if representative.get("phone"):
            found.append(_e164(representative["phone"]))
        if representative.get("email"):
            found.append(representative["email"])
    return found


def dev_outbox_reader(store: Path) -> Callable[[], dict[str, list[str]]]:
    """Reads what the local SMTP server and SMS stub received since this call: the six-digit
    codes per address. Empty when notify's dev servers are not installed."""
    try:
        from voorportaal.devservers import read_sent_emails, read_sent_sms
    except ImportError:  # the intake deployed on its own: no dev outbox to read
        return dict
    mails_before = len(read_sent_emails(store)) if store.exists() else 0
    sms_before = len(read_sent_sms(store)) if store.exists() else 0

    def codes() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        if not store.exists():
            return found
        for sms in read_sent_sms(store)[sms_before:]:
            found.setdefault(sms.to, []).extend(_CODE.findall(sms.text))
        for mail in read_sent_emails(store)[mails_before:]:
            body = mail.message().get_body(("plain", "html"))
            text = body.get_content() if body is not None else ""
            for to in mail.rcpt_tos:
                found.setdefault(to, []).extend(_CODE.findall(text))
        return found

    return codes


def seed(read_codes: Callable[[], dict[str, list[str]]] | None = None) -> list[str]:
    """Walk the demo intakes as a desk worker (one by a wijkteam), confirm every address with
    the code it received, and submit them; returns their case ids."""
    settings = IntakeSettings()
    port = int(os.environ.get("VOORPORTAAL_INTAKE_HTTP_PORT", settings.http_port))
    base = f"http://127.0.0.1:{port}"
    desk = issue_token(settings.auth, "demo-desk", ["casemanager"], name="Demo balie")
    wijkteam = issue_token(settings.auth, "demo-wijkteam", ["signaleerder"], name="Wijkteam Zuid")
    # Taking in an intake someone else started is for its owner or a supervisor.
    supervisor = issue_token(settings.auth, "demo-supervisor", ["supervisor"], name="Demo")
    store = Path(os.environ.get("VOORPORTAAL_DEV_OUTBOX", Path.cwd() / "var" / "outbox-dev"))
    read_codes = read_codes or dev_outbox_reader(store)
    walked: list[tuple[dict[str, Any], str, list[str]]] = []
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
        walked.append((intake, token, _addresses(person)))
    _confirm(base, walked, read_codes)
    cases = []
    for intake, token, _ in walked:
        submitted = _call("POST", f"{base}/intakes/{intake['id']}/submit", token)
        if submitted["awaiting_confirmation"]:  # no code came: a supervisor vouches for them
            _call("POST", f"{base}/intakes/{intake['id']}/take-in", supervisor)
        cases.append(submitted["case_id"])
    return cases


def _confirm(
    base: str,
    walked: list[tuple[dict[str, Any], str, list[str]]],
    read_codes: Callable[[], dict[str, list[str]]],
) -> None:
    """Type in each address's code as it arrives (bounded by `CODE_WAIT_S`)."""
    waiting = {(i, address) for i, (_, _, addresses) in enumerate(walked) for address in addresses}
    deadline = time.monotonic() + CODE_WAIT_S
    while waiting and time.monotonic() < deadline:
        arrived = read_codes()
        for i, address in sorted(waiting):
            codes = arrived.get(address) or []
            if codes:
                intake, token, _ = walked[i]
                _call(
                    "POST",
                    f"{base}/intakes/{intake['id']}/contact/verify",
                    token,
                    {"code": codes[-1]},
                )
                waiting.discard((i, address))
        if waiting:
            time.sleep(0.5)
