"""A small directory and rule set to test routing with, and builders for intake facts."""

from __future__ import annotations

import copy
from typing import Any

from voorportaal_contracts.types import LifeEvent, Redzaamheid
from voorportaal_routing.domain.directory import Directory
from voorportaal_routing.domain.rules import IntakeFacts, RuleSet


def t(text: str) -> dict[str, str]:
    return {"nl": text, "en": text}


def service(sid: str, org: str, needs: list[str], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": sid,
        "organization": org,
        "name": t(sid),
        "description": t(sid),
        "eligibility": {"needs": needs},
        "service_areas": "national",
        "contact": [{"kind": "web", "value": "https://example.nl"}],
        "accepts_electronic_referrals": True,
        "response_norm_working_days": 5,
        "reminder_lead_working_days": 1,
        "expiry_working_days": 15,
        "norm_basis": t("test"),
    }
    data.update(extra)
    return data


DIRECTORY: dict[str, Any] = {
    "vocabulary": {
        "needs": ["income_gap", "debts", "care", "taxes", "legal"],
        "risks": ["eviction", "no_income"],
    },
    "municipalities": [{"code": "GM0344", "name": "Utrecht"}, {"code": "GM0363", "name": "A"}],
    "organizations": [
        {
            "code": code,
            "name": t(code),
            "web": "https://example.nl",
            "per_municipality": code in ("gemeente", "schuldhulp", "wijkteam"),
        }
        for code in ("uwv", "gemeente", "schuldhulp", "wijkteam", "belastingdienst")
    ],
    # Onboarded: Utrecht and Amsterdam (their gemeente is gemeente-gm0344, gemeente-gm0363).
    "tenants": [{"code": "GM0344", "name": "Utrecht"}, {"code": "GM0363", "name": "Amsterdam"}],
    "services": [
        service("uwv_ww", "uwv", ["income_gap"]),
        service(
            "gemeente_bijstand", "gemeente", ["income_gap"], urgent_response_norm_working_days=2
        ),
        service("gemeente_top_up", "gemeente", ["income_gap"]),
        service(
            "schuldhulp_gesprek",
            "schuldhulp",
            ["debts"],
            response_norm_working_days=20,
            urgent_response_norm_working_days=3,
            reminder_lead_working_days=3,
            expiry_working_days=30,
        ),
        service("wijkteam_hulp", "wijkteam", ["care", "debts"]),
        service(
            "wijkteam_utrecht",
            "wijkteam",
            ["care", "debts"],
            service_areas=["GM0344"],
            variant_of="wijkteam_hulp",
        ),
        service("belasting", "belastingdienst", ["taxes"], accepts_electronic_referrals=False),
    ],
}

RULES: dict[str, Any] = {
    "rules": [
        {
            "id": "eviction",
            "reason": t("eviction threatens"),
            "when": {"risks_any": ["eviction"]},
            "refer": ["schuldhulp_gesprek"],
            "urgent": True,
        },
        {
            "id": "ww",
            "reason": t("apply for WW"),
            "when": {"needs_any": ["income_gap"], "life_events_any": ["income_loss"]},
            "refer": ["uwv_ww"],
        },
        {
            "id": "top_up",
            "reason": t("top up after WW"),
            "when": {"needs_any": ["income_gap"], "life_events_any": ["income_loss"]},
            "refer": ["gemeente_top_up"],
            "after": "ww",
        },
        {
            "id": "debts",
            "reason": t("debts"),
            "when": {"needs_any": ["debts"]},
            "refer": ["schuldhulp_gesprek", "wijkteam_hulp"],
        },
        {
            "id": "taxes",
            "reason": t("taxes"),
            "when": {"needs_any": ["taxes"]},
            "refer": ["belasting"],
        },
        {
            "id": "care_after_debts",
            "reason": t("care once debt help started"),
            "when": {"needs_all": ["care", "debts"]},
            "refer": ["wijkteam_hulp"],
            "after": "schuldhulp_gesprek",
        },
    ]
}


def directory(edit: Any = None) -> Directory:
    data = copy.deepcopy(DIRECTORY)
    if edit is not None:
        edit(data)
    return Directory.model_validate(data)


def rules(edit: Any = None) -> RuleSet:
    data = copy.deepcopy(RULES)
    if edit is not None:
        edit(data)
    return RuleSet.model_validate(data)


def facts(
    *events: LifeEvent,
    needs: tuple[str, ...] = (),
    risks: tuple[str, ...] = (),
    redzaamheid: Redzaamheid = Redzaamheid.MIDDENGROEP,
    municipality: str | None = None,
    share_with: tuple[str, ...] = (),
) -> IntakeFacts:
    return IntakeFacts(
        life_events=events or (LifeEvent.INCOME_LOSS,),
        redzaamheid=redzaamheid,
        needs=needs,
        risks=risks,
        municipality_code=municipality,
        share_with=share_with,
    )


def find(data: dict[str, Any], key: str, item_id: str) -> dict[str, Any]:
    return next(x for x in data[key] if x.get("id", x.get("code")) == item_id)
