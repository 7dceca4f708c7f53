"""Buddy recommendation: when a case needs one steady person, and why.

Routing only recommends (`BuddyRecommended`, with reasons); a person decides. The rules are
data (`data/<version>/buddy.toml`): each names a kind of signal this module knows how to read,
a threshold where the signal is a count, and the reason in plain Dutch and English.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from voorportaal_contracts.types import Redzaamheid, Urgency
from voorportaal_routing.domain.directory import Text
from voorportaal_routing.domain.rules import IntakeFacts, PlannedReferral

BuddyRuleKind = Literal[
    "niet_redzaam", "acute_risk", "agencies", "declined_referrals", "overdue_referrals"
]
_COUNTS: frozenset[str] = frozenset({"agencies", "declined_referrals", "overdue_referrals"})


class BuddyRule(BaseModel):
    """One reason to recommend a buddy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
    kind: BuddyRuleKind
    at_least: int | None = Field(default=None, ge=1, le=100)
    text: Text

    @model_validator(mode="after")
    def _threshold_matches_kind(self) -> BuddyRule:
        if (self.kind in _COUNTS) != (self.at_least is not None):
            raise ValueError(
                f"rule {self.id}: `at_least` belongs to the counting kinds "
                f"({', '.join(sorted(_COUNTS))}) and only to them"
            )
        return self


class BuddyPolicy(BaseModel):
    """Every buddy rule of one data version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: list[BuddyRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> BuddyPolicy:
        ids = [rule.id for rule in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("buddy rule ids repeat")
        return self


@dataclass(frozen=True)
class CaseSummary:
    """What the buddy rules read about a case (no personal details)."""

    redzaamheid: Redzaamheid
    urgency: Urgency = Urgency.NORMAL
    risks: tuple[str, ...] = ()
    """Acute risk codes found by the intake."""
    agencies: frozenset[str] = field(default_factory=frozenset)
    """Codes of the agencies involved (referred to, or that the citizen must contact)."""
    declined_referrals: int = 0
    overdue_referrals: int = 0


@dataclass(frozen=True)
class BuddyReason:
    """A rule that speaks for a buddy, with its reason."""

    rule_id: str
    text: Text


@dataclass(frozen=True)
class BuddyRecommendation:
    """The reasons to recommend a buddy; no reasons means no recommendation."""

    reasons: tuple[BuddyReason, ...] = ()

    @property
    def recommended(self) -> bool:
        """Whether a buddy is recommended."""
        return bool(self.reasons)


def case_summary(
    facts: IntakeFacts,
    referrals: Iterable[PlannedReferral],
    *,
    declined_referrals: int = 0,
    overdue_referrals: int = 0,
) -> CaseSummary:
    """The summary of a freshly routed case (and, later, its decline and overdue counts)."""
    return CaseSummary(
        redzaamheid=facts.redzaamheid,
        urgency=facts.urgency,
        risks=facts.risks,
        agencies=frozenset(referral.agency_code for referral in referrals),
        declined_referrals=declined_referrals,
        overdue_referrals=overdue_referrals,
    )


def recommend_buddy(summary: CaseSummary, policy: BuddyPolicy) -> BuddyRecommendation:
    """Whether the case calls for a buddy, with every rule that says so (in policy order)."""
    reasons = tuple(
        BuddyReason(rule.id, rule.text) for rule in policy.rules if _holds(rule, summary)
    )
    return BuddyRecommendation(reasons)


def _holds(rule: BuddyRule, summary: CaseSummary) -> bool:
    if rule.kind == "niet_redzaam":
        return summary.redzaamheid is Redzaamheid.NIET_REDZAAM
    if rule.kind == "acute_risk":
        return bool(summary.risks) or summary.urgency is Urgency.ACUTE
    count = {
        "agencies": len(summary.agencies),
        "declined_referrals": summary.declined_referrals,
        "overdue_referrals": summary.overdue_referrals,
    }[rule.kind]
    return rule.at_least is not None and count >= rule.at_least
