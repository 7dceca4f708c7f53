"""Who the citizen is (own table), revisions for amendments; the representative flag goes.

Revision ID: intake_0003
Revises: intake_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0003"
down_revision = "intake_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add intake_citizens and intakes.revision; drop intake_contacts.has_representative."""
    op.create_table(
        "intake_citizens",
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(120), nullable=True),
        sa.Column("bsn", sa.String(9), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("postcode", sa.String(6), nullable=True),
        sa.Column("house_number", sa.String(10), nullable=True),
        sa.Column("representative", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intake_id"),
        comment="Who the citizen is; leaves this service only on citizen.identity",
    )
    with op.batch_alter_table("intakes") as batch:
        batch.add_column(
            sa.Column(
                "revision",
                sa.Integer(),
                nullable=False,
                server_default="1",
                comment="1 + amendments",
            )
        )
    with op.batch_alter_table("intake_contacts") as batch:
        batch.drop_column("has_representative")


def downgrade() -> None:
    """Undo: the representative flag comes back false; identities and revisions are lost."""
    with op.batch_alter_table("intake_contacts") as batch:
        batch.add_column(
            sa.Column("has_representative", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("intakes") as batch:
        batch.drop_column("revision")
    op.drop_table("intake_citizens")
