"""Settings of the notify service (environment prefix `VOORPORTAAL_NOTIFY_`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from voorportaal_kit.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    """The notify service's settings."""

    model_config = SettingsConfigDict(env_prefix="VOORPORTAAL_NOTIFY_")

    service_name: str = "notify"
    http_port: int = 8004


@lru_cache
def get_settings() -> NotifySettings:
    """The settings, read once from the environment."""
    return NotifySettings()
