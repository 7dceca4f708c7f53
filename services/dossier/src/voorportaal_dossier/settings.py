"""Settings of the dossier service (environment prefix `VOORPORTAAL_DOSSIER_`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from voorportaal_kit.settings import ServiceSettings


class DossierSettings(ServiceSettings):
    """The dossier service's settings."""

    model_config = SettingsConfigDict(env_prefix="VOORPORTAAL_DOSSIER_")

    service_name: str = "dossier"
    http_port: int = 8003


@lru_cache
def get_settings() -> DossierSettings:
    """The settings, read once from the environment."""
    return DossierSettings()
