"""E-mail over SMTP with aiosmtplib: multipart text + HTML, STARTTLS and login configurable.

Errors are mapped to the domain's delivery errors: 4xx replies, timeouts and lost connections
are transient; 5xx replies (unknown mailbox, refused sender, failed login) are permanent. A
failed login or a missing STARTTLS is a configuration fault rather than the citizen's, and its
`reason_code` (`smtp_auth`, `smtp_not_supported`) says so for the operator.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr

import aiosmtplib
import structlog

from voorportaal_notify.adapters.senders import EmailReceipt
from voorportaal_notify.domain.delivery import (
    DeliveryError,
    ErrorClass,
    PermanentDeliveryError,
    TransientDeliveryError,
    classify_smtp_code,
)
from voorportaal_notify.domain.render import Message

log = structlog.get_logger()


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to hand mail over."""

    host: str = "127.0.0.1"
    port: int = 8025
    starttls: bool = False
    """Upgrade the connection with STARTTLS; the send fails when the server does not offer it."""
    implicit_tls: bool = False
    """Connect over TLS from the start (port 465) instead of STARTTLS."""
    username: str | None = None
    password: str | None = None
    timeout_s: float = 10.0
    sender: str = "Voorportaal <noreply@voorportaal.invalid>"
    message_id_domain: str = "voorportaal.invalid"
    validate_certs: bool = True


def message_id_for(idempotency_key: str, domain: str) -> str:
    """A Message-ID that is the same for every resend of one notification.

    The key is hashed, so the header reveals no case or notification id.
    """
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def _header(name: str, value: str) -> str | Header:
    """ASCII as is; anything else as an RFC 2047 `Header` (a Turkish, Arabic or Polish subject).

    The `Header` object, not its `.encode()`: an already-encoded string is one long word that
    compat32 can only fold by breaking right after `Subject:`, and every reader then shows the
    subject with a leading space. The object folds knowing the header's name.
    """
    return value if value.isascii() else Header(value, "utf-8", header_name=name)


def build_email(
    *, to: str, message: Message, idempotency_key: str, sender: str, message_id_domain: str
) -> MIMEMultipart:
    """A multipart/alternative e-mail (plain text first, HTML second) with stable Message-ID.

    Built with the `email.mime` classes (compat32) rather than `EmailMessage`: the same MIME
    structure at about a quarter of the CPU (header folding under `policy.default` dominated
    the send path in `bench/notify.py`).
    """
    mail = MIMEMultipart("alternative")
    name, address = parseaddr(sender)
    mail["From"] = formataddr((name, address), charset="utf-8")
    # typeshed types compat32's header values as str; a Header is what it folds correctly.
    mail["To"] = _header("To", to)  # type: ignore[assignment]
    mail["Subject"] = _header("Subject", message.subject)  # type: ignore[assignment]
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = message_id_for(idempotency_key, message_id_domain)
    # RFC 3834: an automatic message; well-behaved systems do not auto-reply to it.
    mail["Auto-Submitted"] = "auto-generated"
    mail["Content-Language"] = message.language
    mail.attach(MIMEText(message.text, "plain", "utf-8"))
    mail.attach(MIMEText(message.html, "html", "utf-8"))
    return mail


def _from_response(exc: aiosmtplib.SMTPResponseException, prefix: str = "smtp") -> DeliveryError:
    code = exc.code
    reason = f"{prefix}_{code}" if code > 0 else prefix
    if classify_smtp_code(code) is ErrorClass.TRANSIENT:
        return TransientDeliveryError(reason, exc.message)
    return PermanentDeliveryError(reason, exc.message)


def map_smtp_error(exc: aiosmtplib.SMTPException) -> DeliveryError:
    """The domain delivery error for an aiosmtplib exception."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        if any(classify_smtp_code(c) is ErrorClass.TRANSIENT for c in codes):
            return TransientDeliveryError("smtp_recipient_deferred", str(codes))
        return PermanentDeliveryError("smtp_recipient_refused", str(codes))
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return _from_response(exc, "smtp_auth")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return _from_response(exc)
    if isinstance(exc, aiosmtplib.SMTPTimeoutError):
        return TransientDeliveryError("timeout", str(exc))
    if isinstance(exc, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPServerDisconnected):
        return TransientDeliveryError("connection", str(exc))
    if isinstance(exc, aiosmtplib.SMTPNotSupported) or "not supported" in str(exc):
        # aiosmtplib reports a server without STARTTLS as a bare SMTPException with this text.
        return PermanentDeliveryError("smtp_not_supported", str(exc))
    return TransientDeliveryError("smtp_error", str(exc))


class SmtpEmailSender:
    """Sends one message per connection (simple and robust; mail volume is low per citizen)."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, *, to: str, message: Message, idempotency_key: str) -> EmailReceipt:
        """Hand the message to the mail server or raise a typed delivery error."""
        cfg = self.config
        mail = build_email(
            to=to,
            message=message,
            idempotency_key=idempotency_key,
            sender=cfg.sender,
            message_id_domain=cfg.message_id_domain,
        )
        try:
            await aiosmtplib.send(
                mail,
                hostname=cfg.host,
                port=cfg.port,
                username=cfg.username,
                password=cfg.password,
                use_tls=cfg.implicit_tls,
                # False, not None: None would upgrade silently whenever offered, and an
                # operator who asked for STARTTLS must get an error when it is missing.
                start_tls=cfg.starttls,
                timeout=cfg.timeout_s,
                validate_certs=cfg.validate_certs,
            )
        except aiosmtplib.SMTPException as exc:
            error = map_smtp_error(exc)
            # Only the code: a server's reply text often quotes the recipient's address.
            log.warning(
                "smtp.send_failed", reason_code=error.reason_code, template=message.template_id
            )
            raise error from exc
        except OSError as exc:
            # Refused connections and DNS failures arrive as plain OSError.
            raise TransientDeliveryError("connection", str(exc)) from exc
        return EmailReceipt(message_id=str(mail["Message-ID"]))
