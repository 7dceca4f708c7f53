"""Alembic environment of the dossier service."""

from voorportaal_dossier.adapters.orm import metadata
from voorportaal_kit.migrations import run_env

run_env(metadata)
