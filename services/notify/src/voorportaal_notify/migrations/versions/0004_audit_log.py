"""The notify access audit log (the kit's design): who changed how a citizen is reached.

Revision ID: notify_0004
Revises: notify_0003
"""

from voorportaal_kit.migrations import create_audit_table, drop_audit_table

revision = "notify_0004"
down_revision = "notify_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the audit log table."""
    create_audit_table("notify_audit_log")


def downgrade() -> None:
    """Drop it."""
    drop_audit_table("notify_audit_log")
