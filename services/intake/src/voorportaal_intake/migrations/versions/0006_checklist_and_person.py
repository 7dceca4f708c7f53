"""The citizen's language on the intake, the checklist's items (ticked off, overdue) and
wishes to talk to a person.

Revision ID: intake_0006
Revises: intake_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0006"
down_revision = "intake_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add intakes.language, intake_checklist_items and intake_person_requests."""
    with op.batch_alter_table("intakes") as batch:
        batch.add_column(
            sa.Column(
                "language",
                sa.String(2),
                nullable=False,
                server_default="nl",
                comment="The citizen's language (CitizenLanguage)",
            )
        )
    op.create_table(
        "intake_checklist_items",
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("marked_by_role", sa.String(16), nullable=True),
        sa.Column(
            "overdue_for",
            sa.Date(),
            nullable=True,
            comment="The due date ChecklistItemOverdue was published for",
        ),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intake_id", "item_id"),
        comment="The current checklist+ per intake: done state and overdue marks",
    )
    op.create_index("ix_intake_checklist_items_due", "intake_checklist_items", ["due_on"])
    op.create_table(
        "intake_person_requests",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("preferred_time", sa.String(24), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_by", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        comment="'I want to talk to a person': open until its answer_by passes",
    )
    op.create_index("ix_intake_person_requests_intake", "intake_person_requests", ["intake_id"])


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_index("ix_intake_person_requests_intake", "intake_person_requests")
    op.drop_table("intake_person_requests")
    op.drop_index("ix_intake_checklist_items_due", "intake_checklist_items")
    op.drop_table("intake_checklist_items")
    with op.batch_alter_table("intakes") as batch:
        batch.drop_column("language")
