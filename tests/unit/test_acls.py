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


def test_every_municipality_is_its_own_principal_and_no_agency_reads_a_shared_gemeente_topic() -> (
    None
):
    codes = agency_codes()
    assert {"gemeente-gm0363", "wijkteam-gm0363", "schuldhulp-gm0363", "gemeente-gm0599"} <= set(
        codes
    )
    grants = acls(codes)
    principals = {g.principal for g in grants}
    for kind in ("gemeente", "wijkteam", "schuldhulp"):
        assert f"User:agency-{kind}" not in principals, f"one {kind} principal for all"
        assert not [g for g in grants if g.name == f"referrals.{kind}"], f"a shared {kind} topic"


def test_rotterdams_principal_gets_no_right_on_amsterdams_topic() -> None:
    grants = acls(agency_codes())
    rotterdam = [g for g in grants if g.principal == "User:agency-gemeente-gm0599"]
    assert {g.name for g in rotterdam if g.resource == "topic"} == {
        "referrals.gemeente-gm0599",
        "referral.responses",
    }
    on_amsterdam = [g for g in grants if g.name == "referrals.gemeente-gm0363"]
    assert {g.principal for g in on_amsterdam} == {"User:agency-gemeente-gm0363"}
    # The only prefixed topic grant on referrals. is routing's, which writes every topic.
    prefixed = [g for g in grants if g.prefixed and g.resource == "topic"]
    assert {g.principal for g in prefixed if "referrals." in g.name} == {"User:voorportaal-routing"}
    # Group names: Rotterdam's prefix `agency-gemeente-gm0599` cannot cover Amsterdam's groups.
    groups = [g for g in rotterdam if g.resource == "group"]
    assert [g.name for g in groups] == ["agency-gemeente-gm0599"]
