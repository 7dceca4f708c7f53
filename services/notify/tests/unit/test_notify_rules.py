"""The notification rules: data that matches the contracts and maps only safe fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

import voorportaal_contracts.events  # noqa: F401 - importing registers every event type
from voorportaal_contracts.registry import registry
from voorportaal_notify.domain.policy import Priority
from voorportaal_notify.domain.rules import ContextMapping, Rule, RuleSet

KNOWN_TYPES = {model.event_type for model in registry}


def test_rules_for_published_events_name_real_event_types(rules: RuleSet) -> None:
    for rule in rules.rules:
        if rule.future:
            assert rule.event_type not in KNOWN_TYPES, f"{rule.event_type} exists: drop `future`"
        else:
            assert rule.event_type in KNOWN_TYPES, rule.event_type


def test_every_required_kind_of_message_has_a_rule(rules: RuleSet) -> None:
    assert {
        "intake_received",
        "referral_accepted",
        "referral_declined",
        "buddy_assigned",
        "case_handed_over",
        "promise_due",
        "promise_broken",
        "action_required",
        "contact_confirmation",
        "case_closed",
    } <= rules.templates()


def test_a_declined_referral_maps_nothing_from_the_event(rules: RuleSet) -> None:
    (rule,) = rules.rules_for(
        "nl.voorportaal.case.referral-declined", {"reason": "not_eligible", "note": "x"}
    )
    assert rule.context == ContextMapping()
    assert rule.context_from({"reason": "not_eligible", "note": "geen recht"}) == {}


def test_a_handover_shows_the_new_contacts_name(rules: RuleSet) -> None:
    payload = {"to_casemanager_name": "Sanne de Vries", "from_casemanager_id": "s-1"}
    (rule,) = rules.rules_for("nl.voorportaal.case.handed-over", payload)
    assert rule.context_from(payload) == {"contact_name": "Sanne de Vries"}


def test_a_self_contact_referral_asks_the_citizen_to_act(rules: RuleSet) -> None:
    (rule,) = rules.rules_for("nl.voorportaal.case.referral-issued", {"mode": "self_contact"})
    assert rule.template == "action_required" and rule.priority is Priority.HIGH
    assert rules.rules_for("nl.voorportaal.case.referral-issued", {"mode": "warm_handover"}) == []


def test_a_date_field_is_read_from_json_or_datetime(rules: RuleSet) -> None:
    (rule,) = rules.rules_for("nl.voorportaal.case.promise-due-soon", {})
    when = datetime(2025, 3, 4, 23, 0, tzinfo=UTC)
    assert rule.context_from({"due_at": when})["date"].isoformat() == "2025-03-04"
    assert rule.context_from({"due_at": when.isoformat()})["date"].isoformat() == "2025-03-04"


def test_events_the_citizen_is_not_told_about_have_no_rule(rules: RuleSet) -> None:
    for event_type in (
        "nl.voorportaal.case.referral-overdue",
        "nl.voorportaal.case.consent-granted",
        "nl.voorportaal.case.chain-stalled",
    ):
        assert rules.rules_for(event_type, {}) == []


def test_a_rule_cannot_map_a_decline_reason() -> None:
    with pytest.raises(ValidationError):
        Rule.model_validate(
            {
                "event_type": "nl.voorportaal.case.referral-declined",
                "template": "news",
                "context": {"reason": "reason"},
            }
        )


def test_only_urgent_rules_may_ignore_quiet_hours() -> None:
    with pytest.raises(ValidationError, match="priority high"):
        Rule(event_type="nl.voorportaal.case.closed", template="news", ignore_quiet_hours=True)
