"""Kafka ACLs for production: who may read and write which topic.

Each agency's principal reads only its own `referrals.<code>` and writes only
`referral.responses`; each service reads and writes what its subscriptions and events need.
`voorportaal acls` prints the `kafka-acls.sh` commands an operator runs once per cluster
(and again when an agency joins the directory).
"""

from __future__ import annotations

from dataclasses import dataclass

from voorportaal_contracts.topics import (
    ACCESS_LOG,
    CASE_EVENTS,
    CITIZEN_IDENTITY,
    CONTACT_POINTS,
    CONTACT_VERIFICATIONS,
    DLQ_SUFFIX,
    INTAKE_EVENTS,
    NOTIFY_OUTCOMES,
    REFERRAL_RESPONSES,
    REFERRALS_PREFIX,
    referral_topic,
)


@dataclass(frozen=True)
class Acl:
    """One grant: a principal may do `operation` on a topic (or topic prefix) or group."""

    principal: str
    operation: str
    resource: str
    name: str
    prefixed: bool = False

    def command(self, bootstrap: str, command_config: str) -> str:
        """The `kafka-acls.sh` line that adds it."""
        pattern = " --resource-pattern-type prefixed" if self.prefixed else ""
        target = "--cluster" if self.resource == "cluster" else f"--{self.resource} {self.name}"
        return (
            f"kafka-acls.sh --bootstrap-server {bootstrap} --command-config {command_config} "
            f"--add --allow-principal {self.principal} --operation {self.operation} "
            f"{target}{pattern}"
        )


SERVICE_TOPICS: dict[str, tuple[list[str], list[str]]] = {
    # service: (reads, writes) — DLQs are written by every consumer of a topic
    # intake reads case.events for ownership and erasure, and writes the intake's consent there
    "intake": (
        [CASE_EVENTS],
        [
            INTAKE_EVENTS,
            CONTACT_POINTS,
            CITIZEN_IDENTITY,
            CONTACT_VERIFICATIONS,
            CASE_EVENTS,
            ACCESS_LOG,
        ],
    ),
    "routing": (
        [INTAKE_EVENTS, CITIZEN_IDENTITY, REFERRAL_RESPONSES, CASE_EVENTS],
        [CASE_EVENTS, ACCESS_LOG],
    ),
    "dossier": (
        [
            INTAKE_EVENTS,
            CONTACT_POINTS,
            CITIZEN_IDENTITY,
            CASE_EVENTS,
            NOTIFY_OUTCOMES,
            ACCESS_LOG,
        ],
        [CASE_EVENTS],
    ),
    "notify": (
        [INTAKE_EVENTS, CONTACT_POINTS, CONTACT_VERIFICATIONS, CASE_EVENTS],
        [NOTIFY_OUTCOMES, ACCESS_LOG],
    ),
}


def acls(agency_codes: list[str]) -> list[Acl]:
    """Every grant the suite needs: least privilege for each service and each agency."""
    found: list[Acl] = []
    for service, (reads, writes) in SERVICE_TOPICS.items():
        user = f"User:voorportaal-{service}"
        for topic in reads:
            found += [
                Acl(user, "Read", "topic", topic),
                Acl(user, "Write", "topic", topic + DLQ_SUFFIX),
            ]
        found += [Acl(user, "Write", "topic", topic) for topic in writes]
        found.append(Acl(user, "Read", "group", f"{service}.", prefixed=True))
        found.append(Acl(user, "IdempotentWrite", "cluster", "kafka-cluster"))
    routing = "User:voorportaal-routing"
    found.append(Acl(routing, "Write", "topic", REFERRALS_PREFIX, prefixed=True))
    for code in agency_codes:
        user = f"User:agency-{code}"
        found += [
            Acl(user, "Read", "topic", referral_topic(code)),
            Acl(user, "Describe", "topic", referral_topic(code)),
            Acl(user, "Write", "topic", REFERRAL_RESPONSES),
            Acl(user, "Read", "group", f"agency-{code}", prefixed=True),
        ]
    return found
