"""Alembic environment of the routing service."""

from voorportaal_kit.migrations import run_env
from voorportaal_routing.adapters.orm import metadata

run_env(metadata)
