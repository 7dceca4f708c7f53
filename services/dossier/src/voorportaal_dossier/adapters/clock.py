"""A clock shifted by a fixed offset (development and tests only; see `clock_offset_s`)."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from voorportaal_kit.clock import Clock

log = structlog.get_logger(__name__)


class OffsetClock:
    """Another clock's time plus a fixed offset, so a running dossier can be tried "later"."""

    def __init__(self, inner: Clock, offset: timedelta) -> None:
        self._inner = inner
        self._offset = offset
        log.warning("dossier.clock_shifted", offset_s=offset.total_seconds())

    def now(self) -> datetime:
        """The inner clock's time, shifted."""
        return self._inner.now() + self._offset
