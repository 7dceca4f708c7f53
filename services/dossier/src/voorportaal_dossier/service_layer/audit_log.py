"""The dossier's access log: the kit's hash-chained `AuditLog` on `dossier_audit_log`, and
its verify command.

The chain, the head lock, the anchor and verify are the kit's (`voorportaal_kit.audit_log`),
shared by every service; this module binds them to the dossier's table and settings.
"""

from __future__ import annotations

import asyncio

from voorportaal_dossier.adapters.orm import audit_log as audit_table
from voorportaal_kit.audit import Problem
from voorportaal_kit.audit_log import AnchorFile, AnchorStore, AuditLog

AUDIT_LOG = AuditLog(audit_table)
"""The dossier's log."""

append = AUDIT_LOG.append
query = AUDIT_LOG.query
head = AUDIT_LOG.head
anchor = AUDIT_LOG.anchor
verify_session = AUDIT_LOG.verify_session


async def verify_audit_async(
    database_url: str, anchors: AnchorStore | None = None, key: bytes | None = None
) -> list[Problem]:
    """Verify the audit chain of the dossier database at `database_url` (and against the
    checkpoints in `anchors`, signed with `key`, when given)."""
    return await AUDIT_LOG.verify_database(database_url, anchors, key)


def verify_audit(
    database_url: str | None = None,
    anchors: AnchorStore | None = None,
    key: bytes | None = None,
) -> list[Problem]:
    """The verify command: every problem in the dossier's audit chain (empty when intact).

    Without a URL the configured database is checked, against the configured anchor file
    (`python -m voorportaal_dossier audit-verify`).
    """
    if database_url is None:
        from voorportaal_dossier.settings import get_settings

        settings = get_settings()
        database_url = settings.effective_database_url
        anchors = AnchorFile(settings.effective_audit_anchor_file)
        key = settings.anchor_key
    return asyncio.run(verify_audit_async(database_url, anchors, key))
