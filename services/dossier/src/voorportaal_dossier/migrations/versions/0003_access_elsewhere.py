"""What routing, intake and notify recorded of reads and changes of a case (access.log), for
the citizen's "who looked at my dossier".

Revision ID: dossier_0003_access
Revises: dossier_0002
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "dossier_0003_access"
down_revision = "dossier_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table of access recorded elsewhere."""
    op.create_table(
        "dossier_access_elsewhere",
        sa.Column("service", sa.String(32), primary_key=True),
        sa.Column("record_hash", sa.String(64), primary_key=True),
        sa.Column("record_seq", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(128), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("on_behalf_of", sa.String(128), nullable=True),
        sa.Column("data_kind", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=True),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("basis", sa.String(64), nullable=False),
    )
    op.create_index("ix_dossier_access_elsewhere_case", "dossier_access_elsewhere", ["case_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_table("dossier_access_elsewhere")
