"""Alembic environment of the notify service."""

from voorportaal_notify.adapters.orm import metadata
from voorportaal_kit.migrations import run_env

run_env(metadata)
