"""Settings of the routing service (environment prefix `VOORPORTAAL_ROUTING_`)."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from voorportaal_kit.settings import AuditedServiceSettings

DEV_AGENCY_KEY_SEED = "voorportaal-dev-agency-keys-not-for-production"


class RoutingSettings(AuditedServiceSettings):
    """The routing service's settings."""

    model_config = SettingsConfigDict(env_prefix="VOORPORTAAL_ROUTING_", env_nested_delimiter="__")

    service_name: str = "routing"
    http_port: int = 8002
    agency_keys: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="HMAC key per agency code for its signed responses "
        "(`VOORPORTAAL_ROUTING_AGENCY_KEYS__UWV=...`).",
    )
    agency_key_seed: SecretStr | None = Field(
        default=SecretStr(DEV_AGENCY_KEY_SEED),
        description="Outside production only: agencies without their own key get one derived "
        "from this seed (so the demo and `voorportaal agency respond` work out of the box).",
    )
    sweep_interval_s: float = Field(
        default=30.0, gt=0, description="How often SLA clocks and estafette chains are checked."
    )
    intake_members: int = Field(
        default=2,
        ge=1,
        le=6,
        description="Members of the `routing.intakes` group in this process (intake.events has "
        "six partitions): one applies a batch while another waits on the database.",
    )
    chain_max_wait_working_days: int = Field(
        default=20, ge=1, description="A referral waiting longer than this on another escalates."
    )

    @model_validator(mode="after")
    def _no_derived_agency_keys_in_production(self) -> RoutingSettings:
        if self.environment == "production" and self.agency_key_seed is not None:
            raise ValueError(
                "agency_key_seed: derived agency keys are refused in production; "
                "set agency_keys per agency"
            )
        return self

    def agency_key(self, agency_code: str) -> bytes | None:
        """The key an agency signs its responses with (None: the agency has none)."""
        own = self.agency_keys.get(agency_code)
        if own is not None:
            return own.get_secret_value().encode()
        if self.agency_key_seed is None:
            return None
        return derived_agency_key(self.agency_key_seed.get_secret_value(), agency_code)


def derived_agency_key(seed: str, agency_code: str) -> bytes:
    """A development key for an agency: HMAC-SHA256(seed, code), hex."""
    return hmac.new(seed.encode(), agency_code.encode(), hashlib.sha256).hexdigest().encode()


@lru_cache
def get_settings() -> RoutingSettings:
    """The settings, read once from the environment."""
    return RoutingSettings()
