"""The notify service's tables (its own database; no other service reads them)."""

from __future__ import annotations

from voorportaal_kit.db import new_metadata

metadata = new_metadata()
