"""Routing rules as data, and `route`: from the facts of an intake to planned referrals.

Like Signalen's routing expressions, every rule is a condition over the intake plus the
services it sends the citizen to, with a plain-language reason a citizen and a casemanager can
read. Rules live in `voorportaal_routing/data/<version>/rules.toml`.

How a referral goes out depends on consent and on the agency:

- `warm_handover`: the agency takes electronic referrals and the citizen agreed to share with
  it; the referral carries the story so far.
- `anonymous`: the agency takes electronic referrals but the citizen did not agree to share;
  the referral carries no personal details.
- `self_contact`: the agency takes no electronic referrals; the checklist tells the citizen
  to get in touch (with the contact channels from the directory).

A rule may say `after = "<rule or service id>"`: its referrals wait for that other referral's
outcome (an *estafette*), e.g. supplementary assistance from the gemeente after UWV decided
on WW. Waiting is the exception: when two rules choose the same service and one of them does
not wait, the referral does not wait.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from voorportaal_contracts.events.intake import IntakeAmended, IntakeSubmitted
from voorportaal_contracts.types import LifeEvent, Redzaamheid, Urgency
from voorportaal_routing.domain.directory import (
    Directory,
    Id,
    MunicipalityCode,
    Service,
    Text,
)

RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
ReferralMode = Literal["warm_handover", "anonymous", "self_contact"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Condition(_Strict):
    """When a rule applies: every part that is given must hold (an AND of the parts).

    A `..._any` part holds when the intake has at least one of the listed codes; `needs_all`
    when it has all of them; `redzaamheid_in` and `municipality_in` when the intake's value is
    listed (an intake without a municipality matches no `municipality_in`).
    """

    needs_any: list[Id] | None = Field(default=None, min_length=1)
    needs_all: list[Id] | None = Field(default=None, min_length=1)
    risks_any: list[Id] | None = Field(default=None, min_length=1)
    life_events_any: list[LifeEvent] | None = Field(default=None, min_length=1)
    redzaamheid_in: list[Redzaamheid] | None = Field(default=None, min_length=1)
    municipality_in: list[MunicipalityCode] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if all(value is None for value in self.model_dump().values()):
            raise ValueError("a condition needs at least one part (a rule that always applies)")
        return self

    def holds(self, facts: IntakeFacts, sets: _FactSets | None = None) -> bool:
        """Whether this condition holds for the facts of an intake (`sets`: the facts' sets,
        when the caller made them once for many conditions)."""
        sets = sets or _FactSets.of(facts)
        needs, risks = sets.needs, sets.risks
        return (
            (self.needs_any is None or not needs.isdisjoint(self.needs_any))
            and (self.needs_all is None or needs.issuperset(self.needs_all))
            and (self.risks_any is None or not risks.isdisjoint(self.risks_any))
            and (
                self.life_events_any is None
                or not sets.life_events.isdisjoint(self.life_events_any)
            )
            and (self.redzaamheid_in is None or facts.redzaamheid in self.redzaamheid_in)
            and (
                self.municipality_in is None
                or (
                    facts.municipality_code is not None
                    and facts.municipality_code in self.municipality_in
                )
            )
        )

    def needs(self) -> set[str]:
        """Every need code the condition reads."""
        return set(self.needs_any or ()) | set(self.needs_all or ())


class Rule(_Strict):
    """One routing rule: when it applies, why, where to, and whether it waits."""

    id: RuleId
    reason: Text
    when: Condition
    refer: list[Id] = Field(min_length=1)
    """Service ids. Name the national service; a local variant is swapped in by municipality."""
    after: Id | None = None
    """A rule or service id whose referral must have an outcome first (an estafette)."""
    urgent: bool = False
    """Apply the service's urgent response norm (e.g. eviction threatens)."""
    source: str | None = Field(default=None, min_length=1, max_length=300)
    """The agency's page (https URL) or the article of law the rule rests on."""
    checked: date | None = None
    """When someone last checked the rule against `source`."""


class RuleSet(_Strict):
    """Every routing rule of one data version, in the order they are read."""

    rules: list[Rule] = Field(min_length=1)

    @cached_property
    def by_id(self) -> Mapping[str, Rule]:
        """The rules by id (made once; not to be changed)."""
        return {rule.id: rule for rule in self.rules}

    @cached_property
    def _index(self) -> _RuleIndex:
        return _RuleIndex.of(self.rules)

    def applicable(self, facts: IntakeFacts, sets: _FactSets | None = None) -> list[Rule]:
        """The rules whose condition holds for these facts, in rule order.

        Only the rules that can hold are tested: a rule that asks for a need (or a risk) is
        looked up by the intake's needs (risks), so an intake is tested against the handful
        of rules its needs and risks name instead of all of them."""
        sets = sets or _FactSets.of(facts)
        rules = self.rules
        return [rules[i] for i in self._index.candidates(sets) if rules[i].when.holds(facts, sets)]


class IntakeFacts(_Strict):
    """What routing needs to know about a submitted intake (no personal details)."""

    life_events: tuple[LifeEvent, ...] = Field(min_length=1)
    redzaamheid: Redzaamheid
    urgency: Urgency = Urgency.NORMAL
    needs: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    municipality_code: MunicipalityCode | None = None
    share_with: tuple[str, ...] = ()
    """Agency codes the citizen agreed may receive the story so far."""

    @classmethod
    def from_submitted(cls, event: IntakeSubmitted | IntakeAmended) -> IntakeFacts:
        """The facts of an `IntakeSubmitted` event (or an amendment's, which replace them)."""
        return cls(
            life_events=tuple(event.life_events),
            redzaamheid=event.redzaamheid,
            urgency=event.urgency,
            needs=tuple(event.needs),
            risks=tuple(event.risks),
            municipality_code=event.municipality_code,
            share_with=tuple(event.share_with),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedReferral:
    """One referral routing means to issue (one per service), with why and how.

    A plain value built by `plan_for` from the validated directory, rules and facts (routing
    plans a few per intake on the consumer's hot path, so nothing is validated twice)."""

    service_id: str
    agency_code: str
    rule_ids: tuple[str, ...]
    """The rules that chose this service, in rule order; the first is the primary rule."""
    reasons: tuple[Text, ...]
    """One per rule."""
    may_share: bool
    """The citizen agreed to share the story so far with this agency."""
    mode: ReferralMode
    waits_on: str | None = None
    """The service id of the planned referral this one waits on (None: it goes now)."""
    urgent: bool = False
    needs: tuple[str, ...] = ()
    """The intake's needs this service answers (what the agency is told the referral is for)."""
    response_norm_working_days: int
    """The service's norm, or its urgent norm when a rule that chose it is urgent."""
    reminder_lead_working_days: int
    """The service's lead, shortened so the reminder never falls on the day of issue."""
    expiry_working_days: int

    @property
    def rule_id(self) -> str:
        """The primary rule (the first that chose the service), for `ReferralIssued.rule_id`."""
        return self.rule_ids[0]


def route(facts: IntakeFacts, directory: Directory, rules: RuleSet) -> list[PlannedReferral]:
    """The referrals an intake leads to: one per service, explained, in a deterministic order.

    The order: referrals that wait come after the one they wait on; otherwise the order of
    the first rule that chose them, then the order of the services within that rule.
    """
    chosen: dict[str, _Choice] = {}
    sets = _FactSets.of(facts)
    for rule in rules.applicable(facts, sets):
        for requested in rule.refer:
            service = directory.local_service(requested, facts.municipality_code)
            if not service.serves(facts.municipality_code):
                continue  # `rule_problems` refuses such rules; kept as a guard for edited data
            agency = directory.agency_for(service, facts.municipality_code)
            choice = chosen.setdefault(service.id, _Choice(service, requested, agency))
            choice.add(rule)

    planned_for = {choice.requested: service_id for service_id, choice in chosen.items()}
    planned_for.update({sid: sid for sid in chosen})
    waits: dict[str, str | None] = {}
    for service_id, choice in chosen.items():
        waits[service_id] = choice.waits_on(rules.by_id, planned_for)

    referrals = [choice.plan(facts, waits[service_id]) for service_id, choice in chosen.items()]
    depth = {r.service_id: _depth(r.service_id, waits) for r in referrals}
    position = {service_id: i for i, service_id in enumerate(chosen)}
    return sorted(referrals, key=lambda r: (depth[r.service_id], position[r.service_id]))


@dataclass(frozen=True, slots=True)
class _RuleIndex:
    """Which rules may hold, by the needs and risks an intake has (see `RuleSet.applicable`).

    A rule with `needs_any` can only hold when the intake has one of those needs, so it is
    filed under each; with `needs_all` under its first need (the intake must have all); with
    `risks_any` under each risk. A rule with none of these is a candidate for every intake."""

    by_need: dict[str, tuple[int, ...]]
    by_risk: dict[str, tuple[int, ...]]
    always: tuple[int, ...]

    @classmethod
    def of(cls, rules: list[Rule]) -> _RuleIndex:
        by_need: dict[str, list[int]] = {}
        by_risk: dict[str, list[int]] = {}
        always: list[int] = []
        for i, rule in enumerate(rules):
            when = rule.when
            if when.needs_any is not None:
                for need in set(when.needs_any):
                    by_need.setdefault(need, []).append(i)
            elif when.needs_all is not None:
                by_need.setdefault(when.needs_all[0], []).append(i)
            elif when.risks_any is not None:
                for risk in set(when.risks_any):
                    by_risk.setdefault(risk, []).append(i)
            else:
                always.append(i)
        return cls(
            {k: tuple(v) for k, v in by_need.items()},
            {k: tuple(v) for k, v in by_risk.items()},
            tuple(always),
        )

    def candidates(self, sets: _FactSets) -> list[int]:
        """The positions of the rules that may hold, in rule order."""
        found = set(self.always)
        for need in sets.needs:
            found.update(self.by_need.get(need, ()))
        for risk in sets.risks:
            found.update(self.by_risk.get(risk, ()))
        return sorted(found)


@dataclass(frozen=True, slots=True)
class _FactSets:
    """An intake's needs, risks and life events as sets, made once for all conditions."""

    needs: frozenset[str]
    risks: frozenset[str]
    life_events: frozenset[str]

    @classmethod
    def of(cls, facts: IntakeFacts) -> _FactSets:
        return cls(frozenset(facts.needs), frozenset(facts.risks), frozenset(facts.life_events))


class _Choice:
    """A service chosen by one or more rules, while routing collects them."""

    def __init__(self, service: Service, requested: str, agency_code: str | None) -> None:
        self.service = service
        self.requested = requested
        self.agency_code = agency_code
        self.rules: list[Rule] = []

    def add(self, rule: Rule) -> None:
        if rule not in self.rules:
            self.rules.append(rule)

    def waits_on(self, rules: Mapping[str, Rule], planned_for: dict[str, str]) -> str | None:
        predecessors: list[str | None] = []
        for rule in self.rules:
            target = _after_service(rule, rules)
            predecessor = planned_for.get(target) if target is not None else None
            if predecessor == self.service.id:
                predecessor = None
            predecessors.append(predecessor)
        if None in predecessors:
            return None
        return predecessors[0]

    def plan(self, facts: IntakeFacts, waits_on: str | None) -> PlannedReferral:
        return plan_for(
            self.service,
            facts,
            agency_code=self.agency_code,
            rule_ids=tuple(rule.id for rule in self.rules),
            reasons=tuple(rule.reason for rule in self.rules),
            urgent=any(rule.urgent for rule in self.rules),
            waits_on=waits_on,
        )


def plan_for(
    service: Service,
    facts: IntakeFacts,
    *,
    agency_code: str | None,
    rule_ids: tuple[str, ...],
    reasons: tuple[Text, ...],
    urgent: bool = False,
    waits_on: str | None = None,
) -> PlannedReferral:
    """The referral to `service` for these facts: how it goes (the citizen's sharing choice and
    whether the agency takes electronic referrals), which norm applies, what it is for.

    `agency_code` is `Directory.agency_for`'s answer; None (a per-municipality organisation for
    a citizen whose municipality is unknown or not onboarded) makes a self-contact referral
    under the organisation's kind: the citizen gets in touch with their own gemeente, and no
    referral goes to any agency's topic."""
    norm = service.response_norm_working_days
    if urgent and service.urgent_response_norm_working_days is not None:
        norm = service.urgent_response_norm_working_days
    may_share = agency_code is not None and agency_code in facts.share_with
    mode: ReferralMode
    if agency_code is None or not service.accepts_electronic_referrals:
        mode = "self_contact"
    elif may_share:
        mode = "warm_handover"
    else:
        mode = "anonymous"
    if not rule_ids or len(reasons) != len(rule_ids):
        raise ValueError("a planned referral needs its rules, each with its reason")
    return PlannedReferral(
        service_id=service.id,
        agency_code=agency_code or service.organization,
        rule_ids=rule_ids,
        reasons=reasons,
        may_share=may_share,
        mode=mode,
        waits_on=waits_on,
        urgent=urgent,
        needs=tuple(n for n in dict.fromkeys(facts.needs) if n in service.eligibility.needs),
        response_norm_working_days=norm,
        reminder_lead_working_days=min(service.reminder_lead_working_days, norm - 1),
        expiry_working_days=service.expiry_working_days,
    )


def manual_referral(
    service: Service, facts: IntakeFacts, note: str, *, directory: Directory
) -> PlannedReferral:
    """A referral a casemanager adds by hand: the rule is `manual`, the note its reason."""
    return plan_for(
        service,
        facts,
        agency_code=directory.agency_for(service, facts.municipality_code),
        rule_ids=("manual",),
        reasons=(Text(nl=note, en=note),),
    )


def _after_service(rule: Rule, rules: Mapping[str, Rule]) -> str | None:
    """The service a rule's `after` names (a rule's `after` names that rule's one service)."""
    if rule.after is None:
        return None
    other = rules.get(rule.after)
    return other.refer[0] if other is not None else rule.after


def _depth(service_id: str, waits: dict[str, str | None]) -> int:
    depth, seen = 0, {service_id}
    current = waits.get(service_id)
    while current is not None and current not in seen:
        depth += 1
        seen.add(current)
        current = waits.get(current)
    return depth


def rule_problems(rules: RuleSet, directory: Directory) -> list[str]:
    """Everything wrong with a rule set against a directory (empty when it is valid)."""
    out: list[str] = []
    services = {s.id: s for s in directory.services}
    by_id = {rule.id: rule for rule in rules.rules}
    needs = set(directory.vocabulary.needs)
    risks = set(directory.vocabulary.risks)
    municipalities = {m.code for m in directory.municipalities}
    out += [
        f"rule id {rid} appears {n} times"
        for rid, n in Counter(r.id for r in rules.rules).items()
        if n > 1
    ]
    out += [f"rule id {rid} is also a service id" for rid in by_id if rid in services]

    for rule in rules.rules:
        where = f"rule {rule.id}"
        cond = rule.when
        out += [f"{where}: unknown need {n}" for n in sorted(cond.needs()) if n not in needs]
        out += [f"{where}: unknown risk {r}" for r in cond.risks_any or () if r not in risks]
        out += [
            f"{where}: municipality {m} is not in the municipality list"
            for m in cond.municipality_in or ()
            if m not in municipalities
        ]
        out += _repeats(f"{where}: service", rule.refer)
        for service_id in rule.refer:
            service = services.get(service_id)
            if service is None:
                out.append(f"{where}: unknown service {service_id}")
                continue
            out += [f"{where}: {p}" for p in _fit_problems(rule, service)]
        out += [f"{where}: {p}" for p in _after_problems(rule, by_id, services)]
    out += _cycles(rules, by_id)
    return out


def _fit_problems(rule: Rule, service: Service) -> Iterable[str]:
    """Whether a rule's service can serve everyone the rule applies to, and for what."""
    areas = service.service_areas
    if areas != "national":
        limited = rule.when.municipality_in
        if limited is None or not set(limited) <= set(areas):
            yield (
                f"service {service.id} is not offered everywhere the rule applies; name the "
                f"national service or limit the rule with municipality_in"
            )
    asked = rule.when.needs()
    if asked and asked.isdisjoint(service.eligibility.needs):
        yield f"service {service.id} answers none of the needs {sorted(asked)}"
    events = rule.when.life_events_any
    tied = service.eligibility.life_events
    if tied and events is not None and not set(events) <= set(tied):
        yield (
            f"service {service.id} is for life events {sorted(e.value for e in tied)}, "
            f"the rule also applies to {sorted(e.value for e in set(events) - set(tied))}"
        )
    if (
        rule.urgent
        and service.urgent_response_norm_working_days is None
        and service.accepts_electronic_referrals
    ):
        yield f"urgent, but service {service.id} has no urgent norm"


def _after_problems(rule: Rule, rules: dict[str, Rule], services: dict[str, Service]) -> list[str]:
    if rule.after is None:
        return []
    other = rules.get(rule.after)
    if other is not None:
        if len(other.refer) != 1:
            return [f"waits on rule {other.id}, which refers to more than one service"]
        target = other.refer[0]
    elif rule.after in services:
        target = rule.after
    else:
        return [f"waits on {rule.after}, which is neither a rule nor a service"]
    if target in rule.refer:
        return [f"waits on its own service {target}"]
    return []


def _cycles(rules: RuleSet, by_id: dict[str, Rule]) -> list[str]:
    """Estafettes that go round: service A waits on B, which (through other rules) waits on A."""
    edges: dict[str, set[str]] = {}
    for rule in rules.rules:
        target = _after_service(rule, by_id)
        if target is None:
            continue
        for service_id in rule.refer:
            edges.setdefault(service_id, set()).add(target)
    found: list[str] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            found.append("estafette goes round: " + " -> ".join([*path, node]))
            return
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            visit(nxt, [*path, node])
        state[node] = 2

    for node in sorted(edges):
        visit(node, [])
    return found


def _repeats(what: str, values: list[str]) -> list[str]:
    return [f"{what} {value} appears {n} times" for value, n in Counter(values).items() if n > 1]
