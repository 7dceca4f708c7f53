"""Settings of the routing service (environment prefix `VOORPORTAAL_ROUTING_`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from voorportaal_kit.settings import ServiceSettings


class RoutingSettings(ServiceSettings):
    """The routing service's settings."""

    model_config = SettingsConfigDict(env_prefix="VOORPORTAAL_ROUTING_")

    service_name: str = "routing"
    http_port: int = 8002


@lru_cache
def get_settings() -> RoutingSettings:
    """The settings, read once from the environment."""
    return RoutingSettings()
