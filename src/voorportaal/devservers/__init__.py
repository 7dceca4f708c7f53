"""Local stand-ins for the mail server and the SMS gateway, for `voorportaal up` and tests.

Both are real network servers on 127.0.0.1 and keep what they receive in one folder:

- `DevSmtpServer`: an SMTP server (aiosmtpd) that stores each message as `mail/NNNNNN.eml`
  and appends a line to `mail/index.jsonl`. `fail_next(n, code)` makes it refuse the next `n`
  messages (4xx transient or 5xx permanent).
- `SmsGatewayStub`: an HTTP gateway (stdlib `http.server` in a thread) taking
  `POST /messages {to, text, reference}` with an `Idempotency-Key`; it stores each SMS once in
  `sms/messages.jsonl` and answers a repeated key with the first message's id. It can be told
  to fail: `POST /_control/fail?times=3[&status=503]`, `POST /_control/fail?always=1`,
  `POST /_control/reset`, or `VOORPORTAAL_SMS_STUB_FAIL_TIMES` at start.

They live outside notify's production package (`voorportaal_notify` never imports them): only
`voorportaal up`, the tests and, in development only, notify's composition root (`/dev/outbox`,
`outbox.py`) use them.

`read_sent_emails` and `read_sent_sms` read a store; run
`python -m voorportaal.devservers --smtp-port 8025 --sms-port 8026 --store var/outbox-dev`
to serve, and add `--show` to print what was "sent" instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voorportaal.devservers.mail import DevSmtpServer, StoredEmail, read_sent_emails
from voorportaal.devservers.sms import FAIL_TIMES_ENV, SmsGatewayStub, StoredSms, read_sent_sms

__all__ = [
    "FAIL_TIMES_ENV",
    "DevServers",
    "DevSmtpServer",
    "SmsGatewayStub",
    "StoredEmail",
    "StoredSms",
    "read_sent_emails",
    "read_sent_sms",
    "start_dev_servers",
]


@dataclass
class DevServers:
    """The dev SMTP server and SMS stub, started together; `stop()` ends both."""

    smtp: DevSmtpServer
    sms: SmsGatewayStub
    store: Path

    def stop(self) -> None:
        """Stop both servers and release their ports."""
        try:
            self.sms.stop()
        finally:
            self.smtp.stop()


def start_dev_servers(
    store: Path,
    smtp_port: int = 8025,
    sms_port: int = 8026,
    *,
    host: str = "127.0.0.1",
    sms_token: str | None = None,
) -> DevServers:
    """Start the dev SMTP server and SMS stub in background threads (defaults match the notify
    settings' defaults: SMTP 127.0.0.1:8025, SMS http://127.0.0.1:8026/messages)."""
    smtp = DevSmtpServer(store, host=host, port=smtp_port).start()
    try:
        sms = SmsGatewayStub(store, host=host, port=sms_port, token=sms_token).start()
    except BaseException:
        smtp.stop()
        raise
    return DevServers(smtp, sms, store)
