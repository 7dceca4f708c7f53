"""The access audit log and what decides who may see a case (owner, team, grants).

Revision ID: routing_0003_audit
Revises: routing_0002
"""

from voorportaal_kit.migrations import (
    create_audit_table,
    create_case_access_table,
    drop_audit_table,
    drop_case_access_table,
)

revision = "routing_0003_audit"
down_revision = "routing_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the audit log and the case access table."""
    create_audit_table("routing_audit_log")
    create_case_access_table("routing_case_access")


def downgrade() -> None:
    """Drop them."""
    drop_case_access_table("routing_case_access")
    drop_audit_table("routing_audit_log")
