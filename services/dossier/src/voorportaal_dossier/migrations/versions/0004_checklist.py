"""The work queue's view of the citizen's own work: how many checklist items are still to do
and late, and the answer-by time of an open wish to talk to a person (the checklist and the
wishes themselves are in the case's state).

Revision ID: dossier_0004
Revises: dossier_0003
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "dossier_0004"
down_revision = "dossier_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the queue's checklist and wish columns (existing cases: nothing to do, no wish)."""
    with op.batch_alter_table("dossier_cases") as table:
        table.add_column(
            sa.Column("checklist_todo", sa.Integer(), nullable=False, server_default="0")
        )
        table.add_column(
            sa.Column("checklist_late", sa.Integer(), nullable=False, server_default="0")
        )
        table.add_column(sa.Column("wish_answer_by", AwareDateTime(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("dossier_cases") as table:
        table.drop_column("wish_answer_by")
        table.drop_column("checklist_late")
        table.drop_column("checklist_todo")
