"""The development SMTP server (aiosmtpd): stores each message as `mail/NNNNNN.eml` and a line
in `mail/index.jsonl`; `fail_next(n, code)` makes it refuse the next `n` messages."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from voorportaal.devservers._store import Background, append_line, now_iso, read_lines


@dataclass(frozen=True)
class StoredEmail:
    """One e-mail the dev SMTP server received."""

    file: str
    """The .eml file, relative to the store."""
    message_id: str
    mail_from: str
    rcpt_tos: list[str]
    subject: str
    received_at: str
    store: str

    def message(self) -> EmailMessage:
        """The parsed message (headers decoded, parts reachable)."""
        raw = (Path(self.store) / self.file).read_bytes()
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(parsed, EmailMessage)
        return parsed


class MailStoreHandler:
    """aiosmtpd handler that writes every accepted message into a folder."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.folder = store / "mail"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._count = len(read_lines(self.folder / "index.jsonl"))
        self._fail_remaining = 0
        self._fail_reply = "451 4.3.0 Temporary failure (dev server told to fail)"

    def fail_next(self, times: int, code: int = 451) -> None:
        """Refuse the next `times` messages with `code` (4xx transient, 5xx permanent)."""
        with self._lock:
            self._fail_remaining = times
            kind = "4.3.0 Temporary" if code < 500 else "5.7.1 Permanent"
            self._fail_reply = f"{code} {kind} failure (dev server told to fail)"

    def _store(self, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        if isinstance(envelope.content, bytes) and not content:
            content = envelope.content
        with self._lock:
            if self._fail_remaining > 0:
                self._fail_remaining -= 1
                return self._fail_reply
            self._count += 1
            name = f"{self._count:06d}.eml"
            (self.folder / name).write_bytes(content)
            parsed = BytesParser(policy=policy.default).parsebytes(content, headersonly=True)
            append_line(
                self.folder / "index.jsonl",
                {
                    "file": f"mail/{name}",
                    "message_id": str(parsed.get("Message-ID", "")),
                    "mail_from": envelope.mail_from or "",
                    "rcpt_tos": list(envelope.rcpt_tos),
                    "subject": str(parsed.get("Subject", "")),
                    "received_at": now_iso(),
                },
            )
        return "250 2.0.0 Message accepted for delivery"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Store the message (aiosmtpd hook)."""
        return self._store(envelope)


class DevSmtpServer(Background):
    """A real SMTP server on 127.0.0.1 that stores what it receives (runs in its own thread)."""

    def __init__(self, store: Path, *, host: str = "127.0.0.1", port: int = 8025) -> None:
        self.handler = MailStoreHandler(store)
        self.host = host
        self.port = port
        self._controller = Controller(self.handler, hostname=host, port=port, ready_timeout=10)

    def start(self) -> Self:
        """Start listening."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        self._controller.stop()

    def fail_next(self, times: int, code: int = 451) -> None:
        """Refuse the next `times` messages with SMTP reply `code`."""
        self.handler.fail_next(times, code)


def read_sent_emails(store: Path) -> list[StoredEmail]:
    """Every e-mail the dev SMTP server stored in `store`, oldest first."""
    return [
        StoredEmail(store=str(store), **{**row, "rcpt_tos": list(row["rcpt_tos"])})
        for row in read_lines(store / "mail" / "index.jsonl")
    ]
