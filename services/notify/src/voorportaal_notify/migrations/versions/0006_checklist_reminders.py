"""Reminders before a checklist deadline (issue 15): one row per checklist item.

Revision ID: notify_0006
Revises: notify_0005
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "notify_0006"
down_revision = "notify_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "checklist_reminders",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("intake_id", sa.String(64), primary_key=True),
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column(
            "revision", sa.Integer(), nullable=False, comment="The checklist revision last applied"
        ),
        sa.Column("due_on", sa.Date(), nullable=True, comment="The item's deadline"),
        sa.Column("remind_at", AwareDateTime(), nullable=True, comment="When the reminder is due"),
        sa.Column("done", sa.Boolean(), nullable=False, comment="Ticked off"),
        sa.Column("status", sa.String(16), nullable=False, comment="scheduled, queued or dropped"),
        sa.Column("reason", sa.String(16), nullable=True, comment="Why dropped"),
        sa.Column(
            "update_id", sa.String(64), nullable=True, comment="The queued update carrying it"
        ),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
        comment="One reminder per checklist item with a deadline (ids and dates only, no "
        "texts); deleted when the case is erased",
    )
    op.create_index("ix_checklist_reminders_due", "checklist_reminders", ["status", "remind_at"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_checklist_reminders_due", table_name="checklist_reminders")
    op.drop_table("checklist_reminders")
