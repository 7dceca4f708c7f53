"""Settings of the routing service (environment prefix `VOORPORTAAL_ROUTING_`)."""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from voorportaal_contracts.signing import LEGACY_SIGNATURES_UNTIL
from voorportaal_kit.auth import AGENCY_PREFIX, is_valid_role
from voorportaal_kit.settings import AuditedServiceSettings, Environment

DEV_AGENCY_KEY_SEED = "voorportaal-dev-agency-keys-not-for-production"
"""In development, agencies without a key of their own get one derived from this seed."""
MIN_AGENCY_KEY_BYTES = 32
"""An agency's HMAC key is at least this long (a 256-bit key, as HMAC-SHA256 wants)."""


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
    agency_keys_file: Path | None = Field(
        default=None,
        description='A TOML file of agency keys, one `<code> = "<key>"` line per agency (e.g. '
        "a mounted secret); beside `agency_keys`, which win for a code in both.",
    )
    agency_key_seed: SecretStr | None = Field(
        default=None,
        description="Development only: agencies without their own key get one derived from "
        "this seed (empty: the development seed, so the demo and `voorportaal agency respond` "
        "work out of the box). Refused in production, where every agency has its own key.",
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
    answer_max_age_s: float = Field(
        default=24 * 3600,
        gt=0,
        description="An agency's answer whose `responded_at` is older than this is refused "
        "(dead-lettered): a replay, or an answer held back too long.",
    )
    answer_max_ahead_s: float = Field(
        default=300,
        ge=0,
        description="An answer whose `responded_at` is further than this in the future is "
        "refused (a clock that is wrong, or a forged time).",
    )
    legacy_signatures_until: date | None = Field(
        default=LEGACY_SIGNATURES_UNTIL,
        description="The last day on which an answer signed the old way (`signature` in the "
        "payload over canonical JSON) is accepted; None refuses it already.",
    )

    def development_defaults(self) -> dict[str, bool]:
        """The kit's, and the development agency key seed."""
        seed = self.agency_key_seed
        return {
            **super().development_defaults(),
            "agency_key_seed": seed is not None and seed.get_secret_value() == DEV_AGENCY_KEY_SEED,
        }

    @model_validator(mode="after")
    def _agency_keys_are_real(self) -> RoutingSettings:
        if self.environment is Environment.PRODUCTION and self.agency_key_seed is not None:
            raise ValueError(
                "agency_key_seed: derived agency keys are refused in production; "
                "give each agency its own key (agency_keys or agency_keys_file)"
            )
        for code, key in self.own_agency_keys.items():
            if len(key) < MIN_AGENCY_KEY_BYTES:
                raise ValueError(f"agency_keys.{code}: at least {MIN_AGENCY_KEY_BYTES} bytes")
        return self

    @cached_property
    def own_agency_keys(self) -> dict[str, bytes]:
        """Each agency's own key: the file's, then `agency_keys` (which win)."""
        keys: dict[str, bytes] = {}
        if self.agency_keys_file is not None:
            keys.update(read_agency_keys_file(self.agency_keys_file))
        for code, key in self.agency_keys.items():
            if not is_valid_role(AGENCY_PREFIX + code):
                raise ValueError(f"agency_keys: {code[:40]!r} is not an agency code")
            keys[code] = key.get_secret_value().encode()
        return keys

    def agency_key(self, agency_code: str) -> bytes | None:
        """The key an agency signs its responses with (None: the agency has none)."""
        own = self.own_agency_keys.get(agency_code)
        if own is not None:
            return own
        if self.environment is not Environment.DEVELOPMENT:
            return None
        seed = self.agency_key_seed.get_secret_value() if self.agency_key_seed else None
        return derived_agency_key(seed or DEV_AGENCY_KEY_SEED, agency_code)


def read_agency_keys_file(path: Path) -> dict[str, bytes]:
    """The agency keys in a TOML file (`uwv = "…"`); a clear error naming what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"agency_keys_file: cannot read {path} ({type(exc).__name__})") from exc
    keys: dict[str, bytes] = {}
    for code, key in data.items():
        if not is_valid_role(AGENCY_PREFIX + code) or not isinstance(key, str):
            raise ValueError(f'agency_keys_file: {code[:40]!r} must be an agency code = "key"')
        keys[code] = key.encode()
    return keys


def derived_agency_key(seed: str, agency_code: str) -> bytes:
    """A development key for an agency: HMAC-SHA256(seed, code), hex."""
    return hmac.new(seed.encode(), agency_code.encode(), hashlib.sha256).hexdigest().encode()


@lru_cache
def get_settings() -> RoutingSettings:
    """The settings, read once from the environment."""
    return RoutingSettings()
