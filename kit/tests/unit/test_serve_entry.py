"""`python -m voorportaal_kit.serve <service>`: the images' entry command (no `voorportaal`
command in an image that holds one service)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from voorportaal_kit.serve import load_definition


def _serve(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voorportaal_kit.serve", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrate_only_brings_the_services_database_to_the_newest_schema_and_exits(
    tmp_path: Path,
) -> None:
    db = tmp_path / "routing.db"
    done = _serve(
        "routing",
        "--migrate-only",
        env={"VOORPORTAAL_ROUTING_DATABASE_URL": f"sqlite+aiosqlite:///{db}"},
    )
    assert (done.returncode, done.stdout.strip()) == (0, "routing: migrated"), done.stderr
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"alembic_version", "routing_audit_log"} <= tables


def test_a_service_that_is_not_installed_is_named_in_a_clear_error() -> None:
    done = _serve("billing", "--migrate-only", env={})
    assert done.returncode == 2
    assert "service: voorportaal_billing is not installed in this environment" in done.stderr


def test_a_name_that_is_no_service_name_is_refused_before_any_import() -> None:
    with pytest.raises(LookupError, match="is not a service name"):
        load_definition("os.path")
