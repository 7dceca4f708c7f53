"""The routing service's tables (its own database; no other service reads them)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from voorportaal_kit.db import AwareDateTime, new_metadata
from voorportaal_kit.tables import audit_table, case_access_table

metadata = new_metadata()

cases = Table(
    "routing_cases",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("revision", Integer, nullable=False, comment="Intake revision the facts are from"),
    Column("facts", JSON, nullable=False, comment="IntakeFacts: no personal details"),
    Column("language", String(2), nullable=True),
    Column("channels", JSON, nullable=False),
    Column("buddy_recommended", Boolean, nullable=False),
    Column("buddy_name", String(120), nullable=True, comment="Shown to agencies in the handover"),
    Column("created_at", AwareDateTime(), nullable=False),
    Column("updated_at", AwareDateTime(), nullable=False),
)

identities = Table(
    "routing_identities",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("identity", JSON, nullable=False, comment="CitizenIdentified: personal data"),
    Column("updated_at", AwareDateTime(), nullable=False),
    comment="Passed on only to agencies the citizen shares with; a tombstone deletes the row",
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("service_id", String(64), nullable=False),
    Column("agency_code", String(32), nullable=False),
    Column("state", String(16), nullable=False, comment="held until released, then lifecycle"),
    Column("mode", String(16), nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("rule_ids", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("needs", JSON, nullable=False),
    Column("waits_on", String(64), nullable=True, comment="Referral id (estafette)"),
    Column("response_norm_working_days", Integer, nullable=False),
    Column("reminder_lead_working_days", Integer, nullable=False),
    Column("expiry_working_days", Integer, nullable=False),
    Column("issued_at", AwareDateTime(), nullable=True),
    Column("remind_at", AwareDateTime(), nullable=True),
    Column("due_at", AwareDateTime(), nullable=True),
    Column("expires_at", AwareDateTime(), nullable=True),
    Column("next_check_at", AwareDateTime(), nullable=True, comment="SLA sweep looks then"),
    Column("sla_done", JSON, nullable=False, comment="SLA actions taken: remind, overdue…"),
    Column("stall_reported", String(32), nullable=True),
    Column("decline_reason", String(32), nullable=True),
    Column("outcome", Text, nullable=True),
    Column("manual_by", String(64), nullable=True),
    Column("created_at", AwareDateTime(), nullable=False),
    Column("updated_at", AwareDateTime(), nullable=False),
    Index("ix_referrals_case", "case_id"),
    Index("ix_referrals_next_check", "next_check_at"),
    Index("ix_referrals_waits_on", "waits_on"),
)

transitions = Table(
    "referral_transitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "referral_id", String(64), ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False
    ),
    Column("from_state", String(16), nullable=False),
    Column("to_state", String(16), nullable=False),
    Column("action", String(16), nullable=False),
    Column("actor", String(16), nullable=False, comment="agency, voorportaal or system"),
    Column("by", String(64), nullable=False),
    Column("note", Text, nullable=True),
    Column("at", AwareDateTime(), nullable=False),
    Index("ix_referral_transitions_referral", "referral_id"),
)

directory_changes = Table(
    "directory_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("service_id", String(64), nullable=False),
    Column("changes", JSON, nullable=False, comment="Fields set on the data file's service"),
    Column("note", Text, nullable=False),
    Column("changed_by", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("changed_at", AwareDateTime(), nullable=False),
    Index("ix_directory_changes_service", "service_id"),
)

audit_log = audit_table(metadata, "routing_audit_log")
"""Every read and change of a case's referrals by a person (the kit's hash-chained log)."""

case_access = case_access_table(metadata, "routing_case_access")
"""Owner, team, queue, grants and mandates per case, from `case.events`: who may see it."""
