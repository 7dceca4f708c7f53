"""Settings of the notify service (environment prefix `VOORPORTAAL_NOTIFY_`).

The defaults match a developer's machine: the dev SMTP server on 127.0.0.1:8025 and the SMS
gateway stub on 127.0.0.1:8026 (`voorportaal.devservers`), and a development link key
that production refuses.
"""

from __future__ import annotations

from datetime import time, timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from voorportaal_kit.settings import AuditedServiceSettings, Environment
from voorportaal_notify.adapters.sms_gateway import SmsGatewayConfig
from voorportaal_notify.adapters.smtp import SmtpConfig
from voorportaal_notify.domain.delivery import RetryPolicy
from voorportaal_notify.domain.policy import ContactPolicy, QuietHours
from voorportaal_notify.domain.reminders import ReminderTiming

DEV_LINK_KEY = "voorportaal-dev-citizen-link-key-not-for-production"
"""The key that signs citizen links on a developer's machine; refused in production."""

DEV_SMTP_PORT = 8025
DEV_SMS_PORT = 8026
DEV_SMTP_HOST = "127.0.0.1"
DEV_SMS_GATEWAY_URL = f"http://127.0.0.1:{DEV_SMS_PORT}/messages"


class NotifySettings(AuditedServiceSettings):
    """The notify service's settings."""

    model_config = SettingsConfigDict(
        env_prefix="VOORPORTAAL_NOTIFY_",
        env_nested_delimiter="__",
        extra="ignore",
        use_attribute_docstrings=True,
    )

    service_name: str = "notify"
    http_port: int = 8004

    # -- e-mail ---------------------------------------------------------------------------
    smtp_host: str = DEV_SMTP_HOST
    """Mail server that takes our e-mail (the dev SMTP server by default)."""
    smtp_port: int = Field(default=DEV_SMTP_PORT, ge=1, le=65535)
    """Its port."""
    smtp_starttls: bool = False
    """Upgrade with STARTTLS (the send fails when the server does not offer it). Production
    requires it, or `smtp_implicit_tls`: e-mail never leaves in the clear."""
    smtp_implicit_tls: bool = False
    """TLS from the first byte (port 465) instead of STARTTLS."""
    smtp_username: str | None = None
    """Login name, if the server wants one."""
    smtp_password: SecretStr | None = None
    """Login password."""
    smtp_sender: str = "Voorportaal <noreply@voorportaal.invalid>"
    """The From header."""
    smtp_message_id_domain: str = "voorportaal.invalid"
    """Right-hand side of the Message-ID (derived from the idempotency key)."""
    smtp_timeout_s: float = Field(default=10.0, gt=0)
    """Seconds before an SMTP conversation counts as failed (transient)."""
    smtp_validate_certs: bool = True
    """Check the mail server's TLS certificate (production refuses to turn this off)."""

    # -- SMS --------------------------------------------------------------------------------
    sms_gateway_url: str = DEV_SMS_GATEWAY_URL
    """The gateway's send endpoint (the dev stub by default; https in production)."""
    sms_gateway_token: SecretStr | None = None
    """Sent as `Authorization: Bearer …`."""
    sms_gateway_api_key: SecretStr | None = None
    """Sent in `sms_gateway_api_key_header`, for gateways that use a key header."""
    sms_gateway_api_key_header: str = "X-API-Key"
    """Header name for the API key."""
    sms_sender_id: str | None = Field(default=None, max_length=11)
    """Alphanumeric sender shown on the phone, if the gateway takes one."""
    sms_timeout_s: float = Field(default=10.0, gt=0)
    """Seconds before a gateway request counts as failed (transient)."""
    sms_max_segments: int = Field(default=3, ge=1, le=10)
    """Longest SMS in segments; longer texts are trimmed, never the link."""

    # -- contact-load protection ------------------------------------------------------------
    bundle_window_s: float = Field(default=900.0, ge=0)
    """How long a normal update waits for others to join it in one message."""
    rate_limit_messages: int = Field(default=3, ge=1)
    """Messages one recipient may get per `rate_limit_window_s`."""
    rate_limit_window_s: float = Field(default=86400.0, gt=0)
    """The rolling window of the rate limit."""
    quiet_hours_start: time = time(21, 0)
    """Start of the default quiet hours (Europe/Amsterdam) for recipients who set none."""
    quiet_hours_end: time = time(8, 0)
    """End of the default quiet hours (equal to the start: no quiet hours)."""

    # -- checklist reminders ----------------------------------------------------------------
    checklist_reminder_working_days: int = Field(default=3, ge=1, le=20)
    """Dutch working days (the kit's calendar) before a checklist deadline that its reminder
    is due."""
    checklist_reminder_time: time = time(9, 0)
    """Local time (Europe/Amsterdam) on that day from which the reminder is queued; quiet
    hours, bundling and the rate limit apply after that."""

    # -- delivery ---------------------------------------------------------------------------
    retry_initial_s: float = Field(default=30.0, gt=0)
    """Delay before the first retry of a transient failure; it grows by `retry_factor`."""
    retry_factor: float = Field(default=2.0, ge=1)
    """Growth of the retry delay per attempt."""
    retry_max_delay_s: float = Field(default=3600.0, gt=0)
    """Longest delay between two attempts."""
    retry_max_retries: int = Field(default=6, ge=0)
    """Retries on one channel before it counts as failed (then failover, or give up)."""
    retry_jitter: float = Field(default=0.2, ge=0, lt=1)
    """Fraction by which a retry delay is spread, so failures do not retry in step."""
    worker_interval_s: float = Field(default=1.0, gt=0)
    """How often the delivery worker plans and sends."""
    worker_batch_size: int = Field(default=100, ge=1)
    """Cases planned and messages sent per worker round."""
    send_lease_s: float = Field(default=120.0, gt=0)
    """A message left in `sending` this long (the process died mid-send) is sent again with
    the same idempotency key."""

    # -- one-time codes ---------------------------------------------------------------------
    code_limit_per_hour: int = Field(default=3, ge=1)
    """One-time codes one address (phone or e-mail, over every case) may get per hour."""
    code_limit_per_day: int = Field(default=10, ge=1)
    """… and per 24 hours; further codes for it are not sent (`rate_limited`)."""
    confirmation_ttl_s: float = Field(default=1800.0, gt=0)
    """How long the code notify sends to an address changed through its API stays valid."""

    # -- citizen links ----------------------------------------------------------------------
    staff_emails: dict[str, str] = Field(default_factory=dict)
    """Staff members' e-mail addresses by staff id (JSON, e.g. `{"cm-anna": "anna@…"}`), for
    those who chose their console notifications by e-mail too; a staff id without one gets none."""
    console_url: str = "http://localhost:3000"
    """The buddy console: a staff notice links to `<console_url>/zaak/<case id>`."""
    citizen_link_base_url: str = "http://127.0.0.1:3001/l"
    """Where a personal link points, the token appended: the citizen portal's `/l/<token>`
    page (`frontends/portal`), which reads the dossier's `/citizen/l/<token>` for the citizen
    (and a representative's link alike)."""
    link_key: SecretStr = SecretStr(DEV_LINK_KEY)
    """HMAC key for citizen links (at least 32 bytes; shared with the dossier)."""
    link_ttl_days: int = Field(default=30, ge=1, le=366)
    """How long a link in a message stays valid."""

    # -- local development ------------------------------------------------------------------
    dev_store_dir: Path | None = None
    """Where the dev SMTP server and SMS stub keep what they received; empty means
    `<data_dir>/../outbox-dev` (`var/outbox-dev` by default). Never read in production."""

    def development_defaults(self) -> dict[str, bool]:
        """The kit's, the development link key, and the local dev SMTP server and SMS stub."""
        return {
            **super().development_defaults(),
            "link_key": self.link_key.get_secret_value() == DEV_LINK_KEY,
            "smtp_host": self.smtp_host == DEV_SMTP_HOST and self.smtp_port == DEV_SMTP_PORT,
            "sms_gateway_url": self.sms_gateway_url == DEV_SMS_GATEWAY_URL,
        }

    @model_validator(mode="after")
    def _transport_is_protected(self) -> NotifySettings:
        if len(self.link_key.get_secret_value().encode()) < 32:
            raise ValueError("link_key must be at least 32 bytes")
        if self.environment is Environment.PRODUCTION:
            if not (self.smtp_starttls or self.smtp_implicit_tls):
                raise ValueError(
                    "smtp_starttls: production requires STARTTLS (or smtp_implicit_tls): "
                    "e-mail never leaves in the clear"
                )
            if not self.smtp_validate_certs:
                raise ValueError("smtp_validate_certs: production checks the mail server's TLS")
            if not self.sms_gateway_url.startswith("https://"):
                raise ValueError("sms_gateway_url: production needs an https gateway")
        return self

    @property
    def dev_store(self) -> Path:
        """The folder of the local dev servers."""
        return self.dev_store_dir or self.data_dir.parent / "outbox-dev"

    def smtp_config(self) -> SmtpConfig:
        """The SMTP adapter's configuration."""
        return SmtpConfig(
            host=self.smtp_host,
            port=self.smtp_port,
            starttls=self.smtp_starttls,
            implicit_tls=self.smtp_implicit_tls,
            username=self.smtp_username,
            password=self.smtp_password.get_secret_value() if self.smtp_password else None,
            timeout_s=self.smtp_timeout_s,
            sender=self.smtp_sender,
            message_id_domain=self.smtp_message_id_domain,
            validate_certs=self.smtp_validate_certs,
        )

    def sms_config(self) -> SmsGatewayConfig:
        """The SMS gateway adapter's configuration."""
        return SmsGatewayConfig(
            url=self.sms_gateway_url,
            bearer_token=(
                self.sms_gateway_token.get_secret_value() if self.sms_gateway_token else None
            ),
            api_key=self.sms_gateway_api_key.get_secret_value()
            if self.sms_gateway_api_key
            else None,
            api_key_header=self.sms_gateway_api_key_header,
            timeout_s=self.sms_timeout_s,
            sender_id=self.sms_sender_id,
        )

    def contact_policy(self, quiet_hours: QuietHours | None = None) -> ContactPolicy:
        """The contact-load limits, with a recipient's own quiet hours when they set them."""
        return ContactPolicy(
            bundle_window=timedelta(seconds=self.bundle_window_s),
            max_messages=self.rate_limit_messages,
            rate_window=timedelta(seconds=self.rate_limit_window_s),
            quiet_hours=quiet_hours or QuietHours(self.quiet_hours_start, self.quiet_hours_end),
        )

    def reminder_timing(self) -> ReminderTiming:
        """When a checklist reminder is due."""
        return ReminderTiming(
            working_days=self.checklist_reminder_working_days, at=self.checklist_reminder_time
        )

    def retry_policy(self) -> RetryPolicy:
        """The delivery retry schedule."""
        return RetryPolicy(
            initial=timedelta(seconds=self.retry_initial_s),
            factor=self.retry_factor,
            max_delay=timedelta(seconds=self.retry_max_delay_s),
            max_retries=self.retry_max_retries,
            jitter=self.retry_jitter,
        )


@lru_cache
def get_settings() -> NotifySettings:
    """The settings, read once from the environment."""
    return NotifySettings()
