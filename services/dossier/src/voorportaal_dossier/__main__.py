"""The dossier's operator commands on the configured database and anchor file.

python -m voorportaal_dossier audit-verify   # every problem in the audit chain; exit 1 if any
python -m voorportaal_dossier audit-anchor   # checkpoint the head now (the job does it too)
"""

from __future__ import annotations

import sys

from voorportaal_dossier.service_layer.audit_log import AUDIT_LOG
from voorportaal_dossier.settings import get_settings
from voorportaal_kit.audit_log import operator_command


def main(argv: list[str] | None = None) -> int:
    """Run one operator command."""
    return operator_command(
        argv, prog="python -m voorportaal_dossier", log=AUDIT_LOG, settings=get_settings()
    )


if __name__ == "__main__":
    sys.exit(main())
