"""Alembic environment of the routing service."""

from voorportaal_routing.adapters.orm import metadata
from voorportaal_kit.migrations import run_env

run_env(metadata)
