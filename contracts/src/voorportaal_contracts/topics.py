"""Every Kafka topic of Voorportaal, in one place.

A topic name is part of the public interface: agencies configure their consumers with these
names, and production ACLs are written against them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTAKE_EVENTS = "intake.events"
CONTACT_POINTS = "contact.points"
CITIZEN_IDENTITY = "citizen.identity"
CONTACT_VERIFICATIONS = "contact.verifications"
CASE_EVENTS = "case.events"
REFERRAL_RESPONSES = "referral.responses"
NOTIFY_OUTCOMES = "notify.outcomes"
ACCESS_LOG = "access.log"
REFERRALS_PREFIX = "referrals."
DLQ_SUFFIX = ".dlq"

_AGENCY_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")

DAY_MS = 24 * 60 * 60 * 1000


MUNICIPAL_AGENCIES: tuple[str, ...] = ("gemeente", "wijkteam", "schuldhulp")
"""Organisations that every municipality has its own of: never one agency for all 342.

Each municipality that is onboarded (a *tenant*) is its own agency of each of these kinds, with
its own referral topic, principal, ACLs and signing key; the bare kind (`gemeente`) names no
agency and has no topic."""

_MUNICIPALITY = re.compile(r"^GM\d{4}$")


def municipal_agency_code(kind: str, municipality_code: str) -> str:
    """The agency code of one municipality's organisation: `<kind>-<cbs code in lower case>`.

    `municipal_agency_code("gemeente", "GM0363")` is `gemeente-gm0363` (Amsterdam), whose
    topic is `referrals.gemeente-gm0363`. The CBS code is the one events carry
    (`municipality_code`, `GM` and four digits), lower-cased because agency codes, topic names
    and Kafka principals are lower case; it is the CBS code and not the name so that a
    municipal merger (a new code) is a new tenant, never a renamed one."""
    if kind not in MUNICIPAL_AGENCIES:
        raise ValueError(f"{kind!r} is not a per-municipality organisation {MUNICIPAL_AGENCIES}")
    if not _MUNICIPALITY.fullmatch(municipality_code):
        raise ValueError(f"municipality code {municipality_code!r} must be GM and four digits")
    return f"{kind}-{municipality_code.lower()}"


def municipal_agency(agency_code: str) -> tuple[str, str] | None:
    """The kind and CBS code (`("gemeente", "GM0363")`) of a municipality's agency code, or
    None for an agency that is not one municipality's."""
    kind, _, place = agency_code.partition("-")
    if kind in MUNICIPAL_AGENCIES and re.fullmatch(r"gm\d{4}", place):
        return kind, place.upper()
    return None


def referral_topic(agency_code: str) -> str:
    """The topic on which one agency receives its referrals (`referrals.<agency-code>`).

    A per-municipality organisation's bare kind (`gemeente`) is refused: its referrals go to
    one municipality's topic (`municipal_agency_code`), never to a topic all of them read."""
    if not _AGENCY_CODE.fullmatch(agency_code):
        raise ValueError(
            f"agency code {agency_code!r} must be 2-32 lowercase letters, digits or hyphens"
        )
    if agency_code in MUNICIPAL_AGENCIES:
        raise ValueError(
            f"{agency_code!r} is one agency per municipality: name the municipality's agency "
            f"(e.g. {municipal_agency_code(agency_code, 'GM0363')})"
        )
    return f"{REFERRALS_PREFIX}{agency_code}"


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of a topic (`<topic>.dlq`)."""
    if topic.endswith(DLQ_SUFFIX):
        raise ValueError(f"{topic!r} is already a dead-letter topic")
    return f"{topic}{DLQ_SUFFIX}"


def is_dlq(topic: str) -> bool:
    """Whether a topic is a dead-letter topic."""
    return topic.endswith(DLQ_SUFFIX)


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """How a topic is created: partitions, retention and compaction."""

    name: str
    partitions: int = 6
    retention_ms: int = 30 * DAY_MS
    compacted: bool = False
    description: str = ""

    def config(self, min_insync_replicas: int) -> dict[str, str]:
        """Broker-side topic configuration for this spec."""
        return {
            "cleanup.policy": "compact" if self.compacted else "delete",
            "retention.ms": "-1" if self.compacted else str(self.retention_ms),
            "min.insync.replicas": str(min_insync_replicas),
        }


# Case-keyed topics keep a year: a consumer that was down for a while, or a new projection,
# can rebuild from the log. contact.points is compacted so a tombstone erases the details.
TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        INTAKE_EVENTS,
        retention_ms=365 * DAY_MS,
        description="Facts from the intake service: intakes started and submitted.",
    ),
    TopicSpec(
        CONTACT_POINTS,
        compacted=True,
        description="Contact details and preferences per case (compacted; only dossier "
        "and notify may read it; a tombstone erases them).",
    ),
    TopicSpec(
        CITIZEN_IDENTITY,
        compacted=True,
        description="Who the citizen is per case: name, BSN, a representative (compacted; only "
        "dossier and routing may read it; a tombstone erases it).",
    ),
    TopicSpec(
        CONTACT_VERIFICATIONS,
        retention_ms=DAY_MS,
        description="One-time codes that confirm a citizen's phone or e-mail address before "
        "anything else is sent to it (intake writes, only notify reads; kept one day).",
    ),
    TopicSpec(
        CASE_EVENTS,
        retention_ms=365 * DAY_MS,
        description="Lifecycle of a case: referrals, ownership, promises, sharing.",
    ),
    TopicSpec(
        REFERRAL_RESPONSES,
        retention_ms=365 * DAY_MS,
        description="Agencies' answers to referrals, signed with the agency's key.",
    ),
    TopicSpec(
        NOTIFY_OUTCOMES,
        retention_ms=90 * DAY_MS,
        description="Outcomes of notifications to citizens (sent, failed).",
    ),
    TopicSpec(
        ACCESS_LOG,
        retention_ms=365 * DAY_MS,
        description="Reads and changes of a case's personal data in routing, intake and notify "
        "(ids and codes only), for the citizen's access log in the dossier.",
    ),
)

DLQ_RETENTION_MS = 90 * DAY_MS


COMPACTED_DLQ_RETENTION_MS = 7 * DAY_MS


def dlq_spec(topic: str) -> TopicSpec:
    """The dead-letter topic spec that goes with a consumed topic.

    Dead letters of a compacted topic (contact.points: personal data) are kept one week, not
    90 days: a tombstone on the topic does not reach copies in its DLQ.
    """
    compacted = any(spec.compacted for spec in TOPICS if spec.name == topic)
    return TopicSpec(
        dlq_topic(topic),
        partitions=1,
        retention_ms=COMPACTED_DLQ_RETENTION_MS if compacted else DLQ_RETENTION_MS,
        description=f"Messages from {topic} that could not be processed.",
    )


REFERRAL_RETENTION_MS = 30 * DAY_MS
"""How long an agency's topic keeps its referrals (warm handovers carry name, BSN and story).

The topic delivers; it is not the agency's archive. A month covers an agency consumer that is
down for weeks and every referral's answer norm; longer would keep identity handovers (and the
story of a revoked or erased case, which no tombstone reaches on a delete-policy topic) where
neither the citizen nor we can erase them. Topics that exist keep their old setting until an
operator alters it (`kafka-configs --alter --add-config retention.ms=2592000000`)."""


def referral_spec(agency_code: str) -> TopicSpec:
    """The spec of one agency's referral topic (kept `REFERRAL_RETENTION_MS`, a month)."""
    return TopicSpec(
        referral_topic(agency_code),
        partitions=3,
        retention_ms=REFERRAL_RETENTION_MS,
        description=f"Referrals for agency {agency_code}.",
    )
