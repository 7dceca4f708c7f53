"""The access audit log and what decides who may see a case (owner, team, grants).

Revision ID: intake_0004_audit
Revises: intake_0003
"""

from voorportaal_kit.migrations import (
    create_audit_table,
    create_case_access_table,
    drop_audit_table,
    drop_case_access_table,
)

revision = "intake_0004_audit"
down_revision = "intake_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the audit log and the case access table."""
    create_audit_table("intake_audit_log")
    create_case_access_table("intake_case_access")


def downgrade() -> None:
    """Drop them."""
    drop_case_access_table("intake_case_access")
    drop_audit_table("intake_audit_log")
