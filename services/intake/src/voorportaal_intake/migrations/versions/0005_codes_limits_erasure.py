"""One-time codes, rate-limit counters, holding unconfirmed intakes, and erasure marks.

Revision ID: intake_0005
Revises: intake_0004_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0005"
down_revision = "intake_0004_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:  # long: one applied migration, kept as it ran
    """Add intake_verifications and rate_limit_hits; confirmation and erasure on intakes."""
    with op.batch_alter_table("intakes") as batch:
        batch.add_column(
            sa.Column(
                "awaiting_confirmation",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
                comment="Submitted from an anonymous start without a confirmed address: held",
            )
        )
        batch.add_column(
            sa.Column(
                "confirmed_by", sa.String(16), nullable=True, comment="citizen (a code) or staff"
            )
        )
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column(
                "taken_in_by", sa.String(64), nullable=True, comment="Staff subject who took it in"
            )
        )
        batch.add_column(
            sa.Column(
                "erased_at",
                sa.DateTime(timezone=True),
                nullable=True,
                comment="Personal data purged",
            )
        )
    op.create_table(
        "intake_verifications",
        sa.Column("id", sa.String(32), nullable=False, comment="Also the salt of the code's hash"),
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column(
            "address_hash", sa.String(64), nullable=False, comment="The address the code went to"
        ),
        sa.Column("code_hash", sa.String(64), nullable=False, comment="Never the code itself"),
        sa.Column(
            "status", sa.String(16), nullable=False, comment="pending/confirmed/superseded/spent"
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        comment="One-time codes that confirm a citizen's phone or e-mail",
    )
    op.create_index("ix_intake_verifications_intake", "intake_verifications", ["intake_id"])
    op.create_table(
        "rate_limit_hits",
        sa.Column(
            "subject", sa.String(64), nullable=False, comment="kind:hash of an IP or address"
        ),
        sa.Column("period_s", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject", "period_s", "window_start"),
        comment="Fixed-window counters of the public routes, shared by every replica",
    )


def downgrade() -> None:
    """Undo: codes, counters, confirmations and erasure marks are lost."""
    op.drop_table("rate_limit_hits")
    op.drop_index("ix_intake_verifications_intake", "intake_verifications")
    op.drop_table("intake_verifications")
    with op.batch_alter_table("intakes") as batch:
        for column in ("erased_at", "taken_in_by", "confirmed_at", "confirmed_by"):
            batch.drop_column(column)
        batch.drop_column("awaiting_confirmation")
