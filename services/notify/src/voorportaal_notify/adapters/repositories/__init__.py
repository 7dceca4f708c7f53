"""Notify's persistence: one repository per kind of record, all on the caller's session.

The service layer opens the transaction (one per request, consumed message or worker step) and
reads and writes through `Repositories(session)`; SQL, rows and dialect differences (the
PostgreSQL advisory lock for code limits) stay here. The kit's outbox, inbox, audit log and
case-access store keep their own tables and APIs.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_notify.adapters.repositories.cases import CasesRepository
from voorportaal_notify.adapters.repositories.contacts import (
    ConfirmationsRepository,
    ContactPointsRepository,
)
from voorportaal_notify.adapters.repositories.messages import (
    AttemptsRepository,
    MessagesRepository,
    SentLogRepository,
    UpdatesRepository,
)
from voorportaal_notify.adapters.repositories.notices import NoticesRepository
from voorportaal_notify.adapters.repositories.reminders import RemindersRepository

__all__ = [
    "AttemptsRepository",
    "CasesRepository",
    "ConfirmationsRepository",
    "ContactPointsRepository",
    "MessagesRepository",
    "NoticesRepository",
    "RemindersRepository",
    "Repositories",
    "SentLogRepository",
    "UpdatesRepository",
]


class Repositories:
    """Every repository of notify on one session (one transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.contacts = ContactPointsRepository(session)
        self.confirmations = ConfirmationsRepository(session)
        self.updates = UpdatesRepository(session)
        self.messages = MessagesRepository(session)
        self.attempts = AttemptsRepository(session)
        self.sent_log = SentLogRepository(session)
        self.notices = NoticesRepository(session)
        self.cases = CasesRepository(session)
        self.reminders = RemindersRepository(session)
