"""Citizen links revoked in the dossier, which the citizen routes refuse.

Revision ID: notify_0005
Revises: notify_0004
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "notify_0005"
down_revision = "notify_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "revoked_links",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("link_id", sa.String(64), nullable=True),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.Column("revoked_at", AwareDateTime(), nullable=False),
        comment="Citizen links revoked in the dossier (`CitizenLinkRevoked`): one link by its "
        "hashed id, or every link of a mandate (holder); the citizen routes refuse them",
    )
    op.create_index("ix_revoked_links_link", "revoked_links", ["link_id"])
    op.create_index("ix_revoked_links_case_holder", "revoked_links", ["case_id", "holder"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_revoked_links_case_holder", table_name="revoked_links")
    op.drop_index("ix_revoked_links_link", table_name="revoked_links")
    op.drop_table("revoked_links")
