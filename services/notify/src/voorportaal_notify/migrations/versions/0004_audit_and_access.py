"""The notify access audit log and case access (the kit's design): who read or changed how a
citizen is reached, and the owner, team and mandates that decide it.

Revision ID: notify_0004
Revises: notify_0003
"""

from voorportaal_kit.migrations import (
    create_audit_table,
    create_case_access_table,
    drop_audit_table,
    drop_case_access_table,
)

revision = "notify_0004"
down_revision = "notify_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the audit log and case access tables."""
    create_audit_table("notify_audit_log")
    create_case_access_table("notify_case_access")


def downgrade() -> None:
    """Drop them."""
    drop_case_access_table("notify_case_access")
    drop_audit_table("notify_audit_log")
