"""Settings of the intake service (environment prefix `VOORPORTAAL_INTAKE_`)."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from voorportaal_intake.domain.rate_limits import Limit
from voorportaal_kit.settings import AuditedServiceSettings

DEV_CITIZEN_LINK_KEY = "voorportaal-dev-citizen-link-key-not-for-production"
"""The key notify and the dossier sign and check citizen links with on a developer's machine
(their own defaults); refused in production."""


class IntakeSettings(AuditedServiceSettings):
    """The intake service's settings."""

    model_config = SettingsConfigDict(env_prefix="VOORPORTAAL_INTAKE_")

    service_name: str = "intake"
    http_port: int = 8001

    trusted_proxies: list[IPv4Network | IPv6Network] = Field(default_factory=list)
    """Networks of the reverse proxies in front of the intake (JSON list of CIDRs, e.g.
    `["10.0.0.0/8"]`). Only a request from one of them may name the client in
    `X-Forwarded-For`; from anyone else that header is ignored, so it cannot dodge the limits."""

    starts_per_client_hour: int = Field(default=10, ge=1)
    """Intakes one client (IP address) may start without a token per hour."""

    starts_per_client_day: int = Field(default=30, ge=1)
    """Intakes one client (IP address) may start without a token per day."""

    codes_per_address_hour: int = Field(default=3, ge=1)
    """One-time codes sent to one phone number or e-mail address per hour, over all intakes
    (so N intakes cannot make N messages to one person)."""

    codes_per_address_day: int = Field(default=6, ge=1)
    """One-time codes sent to one phone number or e-mail address per day, over all intakes."""

    codes_per_intake_day: int = Field(default=8, ge=1)
    """One-time codes one intake may have sent per day, over all its addresses (so one intake
    cannot message ever new numbers)."""

    code_ttl_minutes: int = Field(default=15, ge=1, le=60)
    """How long a one-time code stays valid."""

    code_max_attempts: int = Field(default=5, ge=1, le=10)
    """Wrong codes tried before a code is spent and a new one must be asked for."""

    person_requests_per_client_hour: int = Field(default=5, ge=1)
    """Wishes to talk to a person one client (IP address) may send per hour."""

    person_requests_per_client_day: int = Field(default=20, ge=1)
    """Wishes to talk to a person one client (IP address) may send per day."""

    citizen_token_days: int = Field(default=30, ge=1, le=90)
    """How long an anonymous citizen's intake token stays valid, so they can leave and come
    back on the portal's link (the portal keeps the token). Only a token whose one role is
    `citizen` may live this long; staff tokens keep the shorter limit."""

    portal_url: str = "http://127.0.0.1:3001"
    """The citizen portal: `IntakeOut.status_link` points at its `/l/<token>` page."""

    citizen_link_key: SecretStr | None = SecretStr(DEV_CITIZEN_LINK_KEY)
    """HMAC key of the citizen's short links (at least 32 bytes), the one notify
    (`VOORPORTAAL_NOTIFY_LINK_KEY`) and the dossier (`VOORPORTAAL_DOSSIER_CITIZEN_LINK_KEY`)
    hold. Empty: the intake signs no link and `status_link` is null."""

    citizen_link_ttl_days: int = Field(default=30, ge=1, le=90)
    """How long the status link the intake gives at submission stays valid."""

    def development_defaults(self) -> dict[str, bool]:
        """The kit's (with the audit anchor key) and the development link key."""
        key = self.citizen_link_key
        return {
            **super().development_defaults(),
            "citizen_link_key": key is not None and key.get_secret_value() == DEV_CITIZEN_LINK_KEY,
        }

    @model_validator(mode="after")
    def _citizen_tokens_last_for_continuing_later(self) -> IntakeSettings:
        if self.citizen_link_key is not None and not self.citizen_link_key.get_secret_value():
            self.citizen_link_key = None  # set empty: the intake signs no links
        key = self.citizen_link_key
        if key is not None and len(key.get_secret_value().encode()) < 32:
            raise ValueError("citizen_link_key: at least 32 bytes")
        if self.auth.max_citizen_token_lifetime_seconds is None:
            self.auth = self.auth.model_copy(
                update={"max_citizen_token_lifetime_seconds": self.citizen_token_days * 86400}
            )
        return self

    @property
    def link_key(self) -> bytes | None:
        """The citizen-link key as bytes, if the intake has one."""
        key = self.citizen_link_key
        return key.get_secret_value().encode() if key is not None else None

    def person_limits(self) -> tuple[Limit, ...]:
        """The limits on wishes to talk to a person, per client."""
        return (
            Limit("person", 3600, self.person_requests_per_client_hour),
            Limit("person", 86400, self.person_requests_per_client_day),
        )

    def start_limits(self) -> tuple[Limit, ...]:
        """The limits on anonymous starts, per client."""
        return (
            Limit("starts", 3600, self.starts_per_client_hour),
            Limit("starts", 86400, self.starts_per_client_day),
        )

    def intake_code_limits(self) -> tuple[Limit, ...]:
        """The limit on one-time codes, per intake."""
        return (Limit("codes", 86400, self.codes_per_intake_day),)

    def code_limits(self) -> tuple[Limit, ...]:
        """The limits on one-time codes, per address."""
        return (
            Limit("codes", 3600, self.codes_per_address_hour),
            Limit("codes", 86400, self.codes_per_address_day),
        )


@lru_cache
def get_settings() -> IntakeSettings:
    """The settings, read once from the environment."""
    return IntakeSettings()
