"""Run one service from its own package: the entry command of its container image.

    python -m voorportaal_kit.serve intake                 # migrate, then serve
    python -m voorportaal_kit.serve intake --migrate-only  # the upgrade Job: migrate and exit

An image installs one service with the kit and the contracts only (its Dockerfile), so the
`voorportaal` command — the root package, which depends on every service — is not there.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime

_NAME = re.compile(r"[a-z]{1,32}")


def load_definition(service: str) -> ServiceDefinition:
    """`voorportaal_<service>.app.definition()`; LookupError when that package is absent."""
    if not _NAME.fullmatch(service):
        raise LookupError(f"service: {service!r} is not a service name (lower-case letters)")
    module_name = f"voorportaal_{service}.app"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise LookupError(
                f"service: voorportaal_{service} is not installed in this environment"
            ) from exc
        raise
    definition: ServiceDefinition = module.definition()
    return definition


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, then migrate and serve (or only migrate)."""
    parser = argparse.ArgumentParser(prog="python -m voorportaal_kit.serve")
    parser.add_argument("service", help="intake, routing, dossier or notify")
    parser.add_argument(
        "--migrate-only",
        action="store_true",
        help="bring the database to the newest schema and exit (run before a rollout)",
    )
    args = parser.parse_args(argv)
    try:
        definition = load_definition(args.service)
    except LookupError as exc:
        parser.error(str(exc))
    runtime = ServiceRuntime(definition)
    if args.migrate_only:
        runtime.migrate()
        print(f"{args.service}: migrated")
        return 0
    runtime.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
