"""Referrals stored before every municipality was its own agency name the bare kind
(`gemeente`, `wijkteam`, `schuldhulp`), which has no topic any more: each now names its
citizen's municipality's agency (`gemeente-gm0363`) when that municipality is a tenant, and
otherwise becomes a self-contact referral with no clock (the citizen gets in touch with their
gemeente; nothing goes to a topic). Without this, a reminder, cancellation or withdrawal for
such a referral would have no topic to go to.

Revision ID: routing_0004_tenancy
Revises: routing_0003
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_contracts.topics import MUNICIPAL_AGENCIES, municipal_agency_code

revision = "routing_0004_tenancy"
down_revision = "routing_0003"
branch_labels = None
depends_on = None

_REFERRALS = sa.table(
    "referrals",
    sa.column("id", sa.String),
    sa.column("case_id", sa.String),
    sa.column("agency_code", sa.String),
    sa.column("mode", sa.String),
    sa.column("remind_at", sa.DateTime),
    sa.column("due_at", sa.DateTime),
    sa.column("expires_at", sa.DateTime),
    sa.column("next_check_at", sa.DateTime),
)
_CASES = sa.table("routing_cases", sa.column("case_id", sa.String), sa.column("facts", sa.JSON))


def upgrade() -> None:
    """Name each such referral's municipal agency, or make it a self-contact referral."""
    from voorportaal_routing.adapters.data_files import read_tenants

    tenants = {t["code"] for t in read_tenants()}
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_REFERRALS.c.id, _REFERRALS.c.agency_code, _CASES.c.facts)
        .select_from(_REFERRALS.outerjoin(_CASES, _CASES.c.case_id == _REFERRALS.c.case_id))
        .where(_REFERRALS.c.agency_code.in_(MUNICIPAL_AGENCIES))
    ).all()
    for referral_id, kind, facts in rows:
        municipality = (facts or {}).get("municipality_code")
        values: dict[str, object]
        if isinstance(municipality, str) and municipality in tenants:
            values = {"agency_code": municipal_agency_code(kind, municipality)}
        else:
            values = dict.fromkeys(("remind_at", "due_at", "expires_at", "next_check_at"))
            values["mode"] = "self_contact"
        bind.execute(_REFERRALS.update().where(_REFERRALS.c.id == referral_id).values(**values))


def downgrade() -> None:
    """Nothing: the shared agency had no rightful reader, so it is not brought back."""
