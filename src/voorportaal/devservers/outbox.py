"""`GET /dev/outbox`: what the dev SMTP server and SMS stub received, for a developer's browser.

Notify's composition root mounts this router only in development (`voorportaal_notify.app`),
importing it there and nowhere else, so a production notify never loads the dev servers.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Controller, Router, get
from litestar.di import NamedDependency, Provide
from pydantic import BaseModel

from voorportaal.devservers.mail import read_sent_emails
from voorportaal.devservers.sms import read_sent_sms


class DevEmailOut(BaseModel):
    """One e-mail the dev SMTP server stored."""

    received_at: str
    to: list[str]
    subject: str
    message_id: str
    file: str


class DevSmsOut(BaseModel):
    """One SMS the dev gateway stub stored."""

    received_at: str
    to: str
    text: str
    id: str


class DevOutboxOut(BaseModel):
    """Everything the local dev servers stored, oldest first."""

    store: str
    emails: list[DevEmailOut]
    sms: list[DevSmsOut]


class DevOutboxController(Controller):
    """What the local dev SMTP server and SMS stub received (never in production)."""

    path = "/outbox"
    tags = ["development"]

    @get("/", operation_id="devOutbox")
    async def outbox(self, store: NamedDependency[Path]) -> DevOutboxOut:
        """The e-mails and SMS the local dev servers stored, oldest first."""
        return DevOutboxOut(
            store=str(store),
            emails=[
                DevEmailOut(
                    received_at=m.received_at,
                    to=m.rcpt_tos,
                    subject=m.subject,
                    message_id=m.message_id,
                    file=m.file,
                )
                for m in read_sent_emails(store)
            ],
            sms=[
                DevSmsOut(received_at=s.received_at, to=s.to, text=s.text, id=s.id)
                for s in read_sent_sms(store)
            ],
        )


def dev_outbox_router(store: Path) -> Router:
    """`/dev/outbox` reading `store` (the folder the dev servers write to)."""

    def provide_store() -> Path:
        return store

    return Router(
        path="/dev",
        route_handlers=[DevOutboxController],
        dependencies={"store": Provide(provide_store, sync_to_thread=False)},
    )
