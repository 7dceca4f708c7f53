"""The dossier's operator commands on the configured database and anchor file.

python -m voorportaal_dossier audit-verify   # every problem in the audit chain; exit 1 if any
python -m voorportaal_dossier audit-anchor   # checkpoint the head now (the job does it too)
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.settings import get_settings
from voorportaal_kit.audit_log import AnchorFile
from voorportaal_kit.clock import SystemClock
from voorportaal_kit.db import create_engine, create_sessions


def _verify() -> int:
    problems = audit_log.verify_audit()
    for problem in problems:
        print(f"{problem.kind}: record {problem.seq}: {problem.detail}")
    print("audit chain intact" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


async def _anchor() -> int:
    settings = get_settings()
    engine = create_engine(settings.effective_database_url, pool_size=1)
    try:
        async with create_sessions(engine)() as session:
            checkpoint = await audit_log.anchor(
                session,
                AnchorFile(settings.effective_audit_anchor_file),
                settings.anchor_key,
                SystemClock().now(),
            )
    finally:
        await engine.dispose()
    print(f"anchored record {checkpoint.seq}" if checkpoint else "nothing new to anchor")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one operator command."""
    parser = argparse.ArgumentParser(prog="python -m voorportaal_dossier")
    parser.add_argument("command", choices=["audit-verify", "audit-anchor"])
    args = parser.parse_args(argv)
    if args.command == "audit-verify":
        return _verify()
    return asyncio.run(_anchor())


if __name__ == "__main__":
    sys.exit(main())
