"""The dossier service's tables (its own database; no other service reads them).

A case is stored as its projected `CaseState` (the domain's `dump_case`, JSON) beside a few
columns the work queue filters and sorts on. The promise clock indexes open promises for the
periodic job. The audit log is the kit's (`voorportaal_kit.tables.audit_table`): append-only,
one row per record, its canonical bytes (with the hash chain) in `record`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from voorportaal_kit.db import AwareDateTime, new_metadata
from voorportaal_kit.tables import audit_table

metadata = new_metadata()

cases = Table(
    "dossier_cases",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("state", LargeBinary, nullable=False, comment="CaseState as JSON (dump_case)"),
    Column("ownership_status", String(32), nullable=False),
    Column("owner_id", String(64), nullable=True),
    Column("team", String(64), nullable=True),
    Column("urgency", String(16), nullable=True),
    Column("urgency_rank", Integer, nullable=False, comment="0 acute … 3 unknown"),
    Column("municipality_code", String(16), nullable=True),
    Column("life_events", JSON, nullable=False),
    Column("agency_codes", JSON, nullable=False),
    Column("overdue_count", Integer, nullable=False),
    Column("closed_at", AwareDateTime(), nullable=True),
    Column("anonymised_at", AwareDateTime(), nullable=True),
    Column("opened_at", AwareDateTime(), nullable=True),
    Column("updated_at", AwareDateTime(), nullable=False),
    Column("checklist_todo", Integer, nullable=False, server_default="0"),
    Column("checklist_late", Integer, nullable=False, server_default="0"),
    Column("wish_answer_by", AwareDateTime(), nullable=True, comment="An open wish's deadline"),
    Index("ix_dossier_cases_owner", "owner_id"),
    Index("ix_dossier_cases_status", "ownership_status"),
    Index("ix_dossier_cases_team", "team"),
    Index("ix_dossier_cases_closed", "closed_at"),
)

promise_clock = Table(
    "dossier_promise_clock",
    metadata,
    Column("promise_id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("due_at", AwareDateTime(), nullable=False),
    Column("open", Boolean, nullable=False),
    Column("due_soon_sent", Boolean, nullable=False),
    Index("ix_dossier_promise_clock_due", "open", "due_at"),
    comment="Open promises by due date, for the ledger job (the promise itself is in the case)",
)

contacts = Table(
    "dossier_contacts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("by", String(64), nullable=False),
    Column("summary", Text, nullable=True, comment="Personal: stripped on anonymisation"),
    Column("next_steps", Text, nullable=True, comment="Personal: stripped on anonymisation"),
    Column("confirmation_requested", Boolean, nullable=False),
    Column("at", AwareDateTime(), nullable=False),
    Index("ix_dossier_contacts_case", "case_id"),
)

documents = Table(
    "dossier_documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("title", String(200), nullable=True, comment="Personal: stripped on anonymisation"),
    Column("shared_with", JSON, nullable=False, comment="Agency codes that may see this one"),
    Column("uploaded_by", String(64), nullable=False),
    Column("uploaded_at", AwareDateTime(), nullable=False),
    Index("ix_dossier_documents_case", "case_id"),
    Index("ix_dossier_documents_sha", "sha256"),
)

citizen_items = Table(
    "dossier_citizen_items",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False, comment="message or action"),
    Column("text", Text, nullable=True, comment="Personal: stripped on anonymisation"),
    Column("due_at", AwareDateTime(), nullable=True),
    Column("by", String(64), nullable=False),
    Column("at", AwareDateTime(), nullable=False),
    Index("ix_dossier_citizen_items_case", "case_id"),
)

citizen_links = Table(
    "dossier_citizen_links",
    metadata,
    Column("id", String(64), primary_key=True, comment="link-…: the record a link names"),
    Column("case_id", String(64), nullable=False),
    Column("holder", String(64), nullable=True, comment="Mandate id; null: the citizen's own"),
    Column("kind", String(16), nullable=False, comment="dossier (issued here) or short (seen)"),
    Column("expires_at", AwareDateTime(), nullable=False),
    Column("seen_at", AwareDateTime(), nullable=False, comment="Issued or first opened"),
    Column("revoked_at", AwareDateTime(), nullable=True),
    Column("revoked_by", String(128), nullable=True),
    Index("ix_dossier_citizen_links_case", "case_id"),
    comment="The citizen's and representatives' links the dossier issued or saw (ids only)",
)

overrides = Table(
    "dossier_overrides",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("reason_code", String(64), nullable=False),
    Column("note", Text, nullable=True, comment="Personal: stripped on anonymisation"),
    Column("status", String(16), nullable=False, comment="proposed, approved or rejected"),
    Column("proposed_by", String(64), nullable=False),
    Column("decided_by", String(64), nullable=True),
    Column("proposed_at", AwareDateTime(), nullable=False),
    Column("decided_at", AwareDateTime(), nullable=True),
    Index("ix_dossier_overrides_case", "case_id"),
)

audit_log = audit_table(metadata, "dossier_audit_log")

access_elsewhere = Table(
    "dossier_access_elsewhere",
    metadata,
    Column("service", String(32), primary_key=True),
    Column("record_hash", String(64), primary_key=True),
    Column("record_seq", Integer, nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("at", AwareDateTime(), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("role", String(64), nullable=False),
    Column("on_behalf_of", String(128), nullable=True),
    Column("data_kind", String(64), nullable=False),
    Column("object_id", String(128), nullable=True),
    Column("purpose", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("basis", String(64), nullable=False),
    Index("ix_dossier_access_elsewhere_case", "case_id"),
    comment="Reads and changes recorded by routing, intake and notify (PersonalDataAccessed), "
    "for the citizen's access log; each stays chained in its own service's audit log",
)

staff_notices = Table(
    "dossier_staff_notices",
    metadata,
    Column("id", String(64), primary_key=True, comment="notice-…: from the fact and addressee"),
    Column("staff_id", String(64), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False, comment="What happened (NoticeKind)"),
    Column("event_id", String(64), nullable=False),
    Column("at", AwareDateTime(), nullable=False),
    Column("read_at", AwareDateTime(), nullable=True),
    Index("ix_dossier_staff_notices_staff", "staff_id", "at"),
    comment="What each staff member is told about (case id and kind only, nothing personal)",
)

staff_settings = Table(
    "dossier_staff_settings",
    metadata,
    Column("staff_id", String(64), primary_key=True),
    Column("email_notices", Boolean, nullable=False, comment="Also e-mail a link per notice"),
    Column("updated_at", AwareDateTime(), nullable=False),
    comment="Each staff member's choice how to be told (their address is in notify's config)",
)
