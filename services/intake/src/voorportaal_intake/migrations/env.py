"""Alembic environment of the intake service."""

from voorportaal_intake.adapters.orm import metadata
from voorportaal_kit.migrations import run_env

run_env(metadata)
