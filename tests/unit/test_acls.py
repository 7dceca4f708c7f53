"""Production ACLs: every agency reads only its own referral topic and writes only answers."""

from __future__ import annotations

from voorportaal.acls import acls
from voorportaal.cli import agency_codes


def test_each_agency_reads_only_its_own_topic_and_writes_only_responses() -> None:
    codes = agency_codes()
    grants = acls(codes)
    for code in codes:
        mine = [g for g in grants if g.principal == f"User:agency-{code}"]
        read_topics = {g.name for g in mine if g.operation == "Read" and g.resource == "topic"}
        written = {g.name for g in mine if g.operation == "Write"}
        assert read_topics == {f"referrals.{code}"}
        assert written == {"referral.responses"}
        assert not any(g.prefixed and g.resource == "topic" for g in mine)


def test_only_routing_writes_the_agency_topics_and_only_intake_writes_identities() -> None:
    grants = acls(agency_codes())
    referral_writers = {
        g.principal for g in grants if g.operation == "Write" and g.name.startswith("referrals.")
    }
    assert referral_writers == {"User:voorportaal-routing"}
    identity_writers = {
        g.principal for g in grants if g.operation == "Write" and g.name == "citizen.identity"
    }
    assert identity_writers == {"User:voorportaal-intake"}
    readers = {g.principal for g in grants if g.operation == "Read" and g.name == "contact.points"}
    assert readers == {"User:voorportaal-dossier", "User:voorportaal-notify"}
    assert all("--cluster kafka" not in g.command("b:9093", "a.properties") for g in grants)
