"""The citizen's and representatives' links the dossier issued or saw, so that the citizen can
list and revoke them.

Revision ID: dossier_0003
Revises: dossier_0003_access
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "dossier_0003"
down_revision = "dossier_0003_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the link records."""
    op.create_table(
        "dossier_citizen_links",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("expires_at", AwareDateTime(), nullable=False),
        sa.Column("seen_at", AwareDateTime(), nullable=False),
        sa.Column("revoked_at", AwareDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(128), nullable=True),
    )
    op.create_index("ix_dossier_citizen_links_case", "dossier_citizen_links", ["case_id"])


def downgrade() -> None:
    """Drop the link records."""
    op.drop_index("ix_dossier_citizen_links_case", table_name="dossier_citizen_links")
    op.drop_table("dossier_citizen_links")
