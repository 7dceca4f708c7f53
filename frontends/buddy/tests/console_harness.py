"""Paths and limits shared by the console's browser tests and their fixtures."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
IDLE_TIMEOUT_S = 15
"""Short inactivity limit the browser tests run the console with."""
