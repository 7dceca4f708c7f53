"""Settings of the intake service (environment prefix `VOORPORTAAL_INTAKE_`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from voorportaal_kit.settings import AuditedServiceSettings


class IntakeSettings(AuditedServiceSettings):
    """The intake service's settings."""

    model_config = SettingsConfigDict(env_prefix="VOORPORTAAL_INTAKE_")

    service_name: str = "intake"
    http_port: int = 8001


@lru_cache
def get_settings() -> IntakeSettings:
    """The settings, read once from the environment."""
    return IntakeSettings()
