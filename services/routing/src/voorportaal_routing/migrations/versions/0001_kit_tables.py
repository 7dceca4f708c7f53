"""The kit's outbox and inbox tables.

Revision ID: routing_0001
Revises:
"""

from voorportaal_kit.migrations import create_kit_tables, drop_kit_tables

revision = "routing_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the outbox and inbox."""
    create_kit_tables()


def downgrade() -> None:
    """Drop them."""
    drop_kit_tables()
