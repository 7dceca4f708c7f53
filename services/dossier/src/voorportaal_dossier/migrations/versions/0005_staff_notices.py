"""Each staff member's notices: what happened on which case (ids and a kind only), unread
until they mark it read; and whether they want an e-mail (a link only) for each.

Revision ID: dossier_0005
Revises: dossier_0004
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "dossier_0005"
down_revision = "dossier_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the notices and settings tables."""
    op.create_table(
        "dossier_staff_notices",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.Column("read_at", AwareDateTime(), nullable=True),
        comment="What each staff member is told about (case id and kind only, nothing personal)",
    )
    op.create_index("ix_dossier_staff_notices_staff", "dossier_staff_notices", ["staff_id", "at"])
    op.create_table(
        "dossier_staff_settings",
        sa.Column("staff_id", sa.String(64), primary_key=True),
        sa.Column("email_notices", sa.Boolean(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
        comment="Each staff member's choice how to be told (their address is in notify's config)",
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("dossier_staff_settings")
    op.drop_index("ix_dossier_staff_notices_staff", "dossier_staff_notices")
    op.drop_table("dossier_staff_notices")
