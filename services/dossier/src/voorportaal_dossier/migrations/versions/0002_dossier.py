"""Cases (the projection), the promise clock, contact moments, documents, the citizen's
messages and actions, doorbraak decisions and the append-only audit log.

Revision ID: dossier_0002
Revises: dossier_0001
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "dossier_0002"
down_revision = "dossier_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:  # long: one create_table per table, read as the schema's listing
    """Create the dossier tables."""
    op.create_table(
        "dossier_cases",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("ownership_status", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=True),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("urgency", sa.String(16), nullable=True),
        sa.Column("urgency_rank", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(16), nullable=True),
        sa.Column("life_events", sa.JSON(), nullable=False),
        sa.Column("agency_codes", sa.JSON(), nullable=False),
        sa.Column("overdue_count", sa.Integer(), nullable=False),
        sa.Column("closed_at", AwareDateTime(), nullable=True),
        sa.Column("anonymised_at", AwareDateTime(), nullable=True),
        sa.Column("opened_at", AwareDateTime(), nullable=True),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_dossier_cases_owner", "dossier_cases", ["owner_id"])
    op.create_index("ix_dossier_cases_status", "dossier_cases", ["ownership_status"])
    op.create_index("ix_dossier_cases_team", "dossier_cases", ["team"])
    op.create_index("ix_dossier_cases_closed", "dossier_cases", ["closed_at"])
    op.create_table(
        "dossier_promise_clock",
        sa.Column("promise_id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("due_at", AwareDateTime(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("due_soon_sent", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_dossier_promise_clock_due", "dossier_promise_clock", ["open", "due_at"])
    op.create_table(
        "dossier_contacts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("next_steps", sa.Text(), nullable=True),
        sa.Column("confirmation_requested", sa.Boolean(), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_dossier_contacts_case", "dossier_contacts", ["case_id"])
    op.create_table(
        "dossier_documents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("shared_with", sa.JSON(), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_dossier_documents_case", "dossier_documents", ["case_id"])
    op.create_index("ix_dossier_documents_sha", "dossier_documents", ["sha256"])
    op.create_table(
        "dossier_citizen_items",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("due_at", AwareDateTime(), nullable=True),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_dossier_citizen_items_case", "dossier_citizen_items", ["case_id"])
    op.create_table(
        "dossier_overrides",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("reason_code", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("proposed_by", sa.String(64), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("proposed_at", AwareDateTime(), nullable=False),
        sa.Column("decided_at", AwareDateTime(), nullable=True),
    )
    op.create_index("ix_dossier_overrides_case", "dossier_overrides", ["case_id"])
    op.create_table(
        "dossier_audit_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("case_id", sa.String(128), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
    )
    op.create_index("ix_dossier_audit_case", "dossier_audit_log", ["case_id"])
    op.create_index("ix_dossier_audit_actor", "dossier_audit_log", ["actor"])


def downgrade() -> None:
    """Drop the dossier tables."""
    for table in (
        "dossier_audit_log",
        "dossier_overrides",
        "dossier_citizen_items",
        "dossier_documents",
        "dossier_contacts",
        "dossier_promise_clock",
        "dossier_cases",
    ):
        op.drop_table(table)
