"""The intake service's tables (its own database; no other service reads them).

Personal contact details live in their own table, so that what an intake *is* (life events,
answers, triage, checklist) can be kept and analysed without them, and they can be erased.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    false,
)

from voorportaal_kit.db import AwareDateTime, new_metadata
from voorportaal_kit.tables import audit_table, case_access_table

metadata = new_metadata()

intakes = Table(
    "intakes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", String(64), nullable=False, unique=True),
    Column("content_version", String(16), nullable=False),
    Column("life_events", JSON, nullable=False),
    Column("channel", String(32), nullable=False),
    Column("started_by", String(64), nullable=True, comment="Staff subject id; null: citizen"),
    Column("started_by_role", String(64), nullable=True),
    Column("answers", JSON, nullable=False, comment="{life_event: {question: answer}}"),
    Column("profile", JSON, nullable=False, comment="Answers to the triage profile questions"),
    Column("status", String(16), nullable=False),
    Column("result", JSON, nullable=True, comment="Triage and checklist+ at submission"),
    Column("created_at", AwareDateTime(), nullable=False),
    Column("updated_at", AwareDateTime(), nullable=False),
    Column("submitted_at", AwareDateTime(), nullable=True),
    Column("revision", Integer, nullable=False, default=1, comment="1 + amendments"),
    Column(
        "awaiting_confirmation",
        Boolean,
        nullable=False,
        default=False,
        server_default=false(),
        comment="Submitted from an anonymous start without a confirmed address: held",
    ),
    Column("confirmed_by", String(16), nullable=True, comment="citizen (a code) or staff"),
    Column("confirmed_at", AwareDateTime(), nullable=True),
    Column("taken_in_by", String(64), nullable=True, comment="Staff subject who took it in"),
    Column("erased_at", AwareDateTime(), nullable=True, comment="Personal data purged"),
    Column(
        "language",
        String(2),
        nullable=False,
        default="nl",
        server_default="nl",
        comment="The citizen's language (CitizenLanguage)",
    ),
)

intake_contacts = Table(
    "intake_contacts",
    metadata,
    Column("intake_id", Uuid, ForeignKey("intakes.id", ondelete="CASCADE"), primary_key=True),
    Column("channels", JSON, nullable=False),
    Column("language", String(2), nullable=False),
    Column("email", String(254), nullable=True),
    Column("phone", String(16), nullable=True),
    Column("quiet_from", String(5), nullable=True),
    Column("quiet_until", String(5), nullable=True),
    Column("share_with", JSON, nullable=False),
    Column("updated_at", AwareDateTime(), nullable=False),
)

intake_citizens = Table(
    "intake_citizens",
    metadata,
    Column("intake_id", Uuid, ForeignKey("intakes.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(120), nullable=True),
    Column("bsn", String(9), nullable=True),
    Column("date_of_birth", Date, nullable=True),
    Column("postcode", String(6), nullable=True),
    Column("house_number", String(10), nullable=True),
    Column("representative", JSON, nullable=True),
    Column("updated_at", AwareDateTime(), nullable=False),
    comment="Who the citizen is; leaves this service only on citizen.identity",
)

intake_verifications = Table(
    "intake_verifications",
    metadata,
    Column("id", String(32), primary_key=True, comment="Also the salt of the code's hash"),
    Column("intake_id", Uuid, ForeignKey("intakes.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("address_hash", String(64), nullable=False, comment="The address the code went to"),
    Column("code_hash", String(64), nullable=False, comment="Never the code itself"),
    Column("status", String(16), nullable=False, comment="pending/confirmed/superseded/spent"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", AwareDateTime(), nullable=False),
    Column("expires_at", AwareDateTime(), nullable=False),
    Column("confirmed_at", AwareDateTime(), nullable=True),
    Index("ix_intake_verifications_intake", "intake_id"),
    comment="One-time codes that confirm a citizen's phone or e-mail",
)

rate_limit_hits = Table(
    "rate_limit_hits",
    metadata,
    Column("subject", String(64), primary_key=True, comment="kind:hash of an IP or address"),
    Column("period_s", Integer, primary_key=True),
    Column("window_start", AwareDateTime(), primary_key=True),
    Column("hits", Integer, nullable=False),
    Column("expires_at", AwareDateTime(), nullable=False),
    comment="Fixed-window counters of the public routes, shared by every replica",
)

checklist_items = Table(
    "intake_checklist_items",
    metadata,
    Column("intake_id", Uuid, ForeignKey("intakes.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("due_on", Date, nullable=True),
    Column("done", Boolean, nullable=False, default=False, server_default=false()),
    Column("marked_at", AwareDateTime(), nullable=True),
    Column("marked_by_role", String(16), nullable=True),
    Column(
        "overdue_for",
        Date,
        nullable=True,
        comment="The due date ChecklistItemOverdue was published for",
    ),
    Index("ix_intake_checklist_items_due", "due_on"),
    comment="The current checklist+ per intake: done state and overdue marks",
)

person_requests = Table(
    "intake_person_requests",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("intake_id", Uuid, ForeignKey("intakes.id", ondelete="CASCADE"), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("preferred_time", String(24), nullable=False),
    Column("language", String(2), nullable=False),
    Column("requested_at", AwareDateTime(), nullable=False),
    Column("answer_by", AwareDateTime(), nullable=False),
    Index("ix_intake_person_requests_intake", "intake_id"),
    comment="'I want to talk to a person': open until its answer_by passes",
)

audit_log = audit_table(metadata, "intake_audit_log")
"""Every read and change of an intake by a person (the kit's hash-chained log)."""

case_access = case_access_table(metadata, "intake_case_access")
"""Owner, team, queue, grants and mandates per case, from `case.events`: who may see it."""
