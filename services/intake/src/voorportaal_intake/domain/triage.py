"""Triage: a proposal of self-reliance (*redzaamheid*) and urgency, always with its reasons.

Rules are data (`content/<version>/triage.toml`): each names a condition over the *facts* of
an intake and the points it adds or the urgency it sets. Facts are the answers to the profile
questions (digital and language skills, wish for personal help, earlier failed contacts …),
`risk_<code>` for every acute risk found, and the counts `agencies`, `life_events` and
`acute_risks`. The result proposes; a person decides whether a buddy is assigned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from voorportaal_contracts.types import Redzaamheid, Urgency
from voorportaal_intake.domain.content import Condition, Id, Question, Source, Text, _Strict
from voorportaal_intake.domain.sources import is_stale, source_problems

COUNT_FACTS = ("agencies", "life_events", "acute_risks")


class TriageRule(_Strict):
    """One transparent rule: when it holds, it adds points and/or raises the urgency."""

    id: Id
    text: Text
    when: Condition
    points: int = Field(default=0, ge=0, le=10)
    urgency: Literal["high", "acute"] | None = None
    source: Source | None = None
    """What the rule rests on (the research report, a law, an agency's page)."""
    checked: date | None = None
    """The day the rule was last compared with its source."""

    @model_validator(mode="after")
    def _does_something(self) -> TriageRule:
        if not self.points and self.urgency is None:
            raise ValueError(f"rule {self.id} adds no points and sets no urgency")
        return self


class Thresholds(_Strict):
    """Points from which an intake counts as middengroep and as niet redzaam."""

    middengroep: int = Field(ge=1)
    niet_redzaam: int = Field(ge=2)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.niet_redzaam <= self.middengroep:
            raise ValueError("niet_redzaam must lie above middengroep")
        return self


class TriageContent(_Strict):
    """The profile questions everyone is asked, and the triage rules."""

    profile: list[Question] = Field(min_length=1)
    thresholds: Thresholds
    rules: list[TriageRule] = Field(min_length=1)


@dataclass(frozen=True)
class Reason:
    """Why the triage came out as it did: a rule that held."""

    rule: str
    text: Text
    points: int


@dataclass(frozen=True)
class Triage:
    """The proposal, with every reason."""

    redzaamheid: Redzaamheid
    urgency: Urgency
    points: int
    reasons: list[Reason]
    buddy_proposed: bool
    """Proposed to a person, who decides; never assigned by this rule alone."""


def facts(
    profile_answers: dict[str, Any], risks: list[str], agencies: set[str], life_events: int
) -> dict[str, Any]:
    """The facts the triage rules read."""
    found: dict[str, Any] = dict(profile_answers)
    found.update({f"risk_{code}": True for code in risks})
    found.update(agencies=len(agencies), life_events=life_events, acute_risks=len(risks))
    return found


def triage(content: TriageContent, known: dict[str, Any]) -> Triage:
    """Apply the rules to the facts."""
    reasons = [Reason(r.id, r.text, r.points) for r in content.rules if r.when.holds(known)]
    urgencies = {r.urgency for r in content.rules if r.urgency and r.when.holds(known)}
    points = sum(reason.points for reason in reasons)
    if points >= content.thresholds.niet_redzaam:
        level = Redzaamheid.NIET_REDZAAM
    elif points >= content.thresholds.middengroep:
        level = Redzaamheid.MIDDENGROEP
    else:
        level = Redzaamheid.ZELFREDZAAM
    urgency = (
        Urgency.ACUTE
        if "acute" in urgencies
        else Urgency.HIGH
        if "high" in urgencies
        else Urgency.NORMAL
    )
    return Triage(
        level,
        urgency,
        points,
        reasons,
        buddy_proposed=level is Redzaamheid.NIET_REDZAAM or urgency is Urgency.ACUTE,
    )


def triage_problems(content: TriageContent, risk_codes: set[str]) -> list[str]:
    """What is wrong with the triage content: rules reading facts that do not exist."""
    known = {q.id for q in content.profile} | {f"risk_{c}" for c in risk_codes} | set(COUNT_FACTS)
    out = []
    for rule in content.rules:
        for name in sorted(rule.when.questions() - known):
            out.append(f"triage rule {rule.id} reads unknown fact {name}")
    ids = [r.id for r in content.rules]
    if len(ids) != len(set(ids)):
        out.append("triage rule ids repeat")
    for rule in content.rules:
        out += [f"triage rule {rule.id}: {p}" for p in source_problems(rule.source, rule.checked)]
    return out


def stale_triage_rules(content: TriageContent, today: date) -> list[str]:
    """Triage rules last compared with their source more than a year before `today`."""
    return [
        f"triage rule {rule.id}: checked {rule.checked.isoformat()}, more than a year ago"
        for rule in content.rules
        if rule.checked is not None and is_stale(rule.checked, today)
    ]
