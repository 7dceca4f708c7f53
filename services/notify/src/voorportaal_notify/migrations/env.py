"""Alembic environment of the notify service."""

from voorportaal_kit.migrations import run_env
from voorportaal_notify.adapters.orm import metadata

run_env(metadata)
