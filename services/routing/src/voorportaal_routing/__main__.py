"""Routing's operator commands on the configured database and anchor file.

python -m voorportaal_routing audit-verify   # every problem in the audit chain; exit 1 if any
python -m voorportaal_routing audit-anchor   # checkpoint the head now (the job does it too)
"""

from __future__ import annotations

import sys

from voorportaal_kit.audit_log import AuditLog, operator_command
from voorportaal_routing.adapters.orm import audit_log
from voorportaal_routing.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    """Run one operator command."""
    return operator_command(
        argv, prog="python -m voorportaal_routing", log=AuditLog(audit_log), settings=get_settings()
    )


if __name__ == "__main__":
    sys.exit(main())
