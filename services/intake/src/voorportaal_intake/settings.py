"""Settings of the intake service (environment prefix `VOORPORTAAL_INTAKE_`)."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from voorportaal_intake.domain.rate_limits import Limit
from voorportaal_kit.settings import AuditedServiceSettings


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
