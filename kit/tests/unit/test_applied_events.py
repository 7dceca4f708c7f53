"""`applied_events`: what groups applied, read from the consumed-events counter alone."""

from __future__ import annotations

from voorportaal_kit.metrics import EVENTS_CONSUMED, applied_events


def test_counts_only_applied_events_of_the_groups_and_topics_asked_for() -> None:
    before_a = applied_events(["g.test-a"])
    before_a_on_t1 = applied_events(["g.test-a"], ["t1"])
    EVENTS_CONSUMED.labels("t1", "g.test-a", "applied").inc(3)
    EVENTS_CONSUMED.labels("t2", "g.test-a", "applied").inc(2)
    EVENTS_CONSUMED.labels("t1", "g.test-a", "duplicate").inc(5)
    EVENTS_CONSUMED.labels("t1", "g.test-b", "applied").inc(7)

    assert applied_events(["g.test-a"]) - before_a == 5
    assert applied_events(["g.test-a"], ["t1"]) - before_a_on_t1 == 3
