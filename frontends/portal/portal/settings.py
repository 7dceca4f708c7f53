"""Settings of the citizen portal (environment prefix `VOORPORTAAL_PORTAL_`).

The API base URLs keep the names the rest of the suite uses (`VOORPORTAAL_INTAKE_URL`,
`VOORPORTAAL_DOSSIER_URL`, `VOORPORTAAL_ROUTING_URL`) so `voorportaal up` hands the same values
to every client; `VOORPORTAAL_PORTAL_INTAKE_URL` (and so on) wins when set.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from voorportaal_kit.settings import Environment

LOOPBACK_NAMES: Final = ("localhost", "127.0.0.1")
"""The names of this machine a browser reaches the portal by in development."""


class PortalSettings(BaseSettings):
    """Where the portal listens, the address citizens open, and the APIs it calls."""

    model_config = SettingsConfigDict(
        env_prefix="VOORPORTAAL_PORTAL_",
        extra="ignore",
        use_attribute_docstrings=True,
        populate_by_name=True,
    )

    environment: Environment = Environment.DEVELOPMENT
    """`development` or `production` (nothing else)."""

    port: int = Field(default=3001, gt=0, lt=65536)
    """Port the portal serves page and websocket on (Reflex prod mode: one port)."""

    host: str = "127.0.0.1"
    """Interface to listen on (`0.0.0.0` in a container)."""

    public_url: str | None = None
    """The URL citizens open, e.g. `https://voorportaal.example.nl`; empty means
    `http://localhost:<port>`. It is the only origin the backend accepts (CORS), but for a
    loopback URL, where `localhost` and `127.0.0.1` on the same port are both accepted."""

    intake_url: str = Field(
        default="http://127.0.0.1:8001",
        validation_alias=AliasChoices(
            "VOORPORTAAL_PORTAL_INTAKE_URL", "VOORPORTAAL_INTAKE_URL", "intake_url"
        ),
    )
    """Base URL of the intake API (`VOORPORTAAL_INTAKE_URL`)."""

    routing_url: str = Field(
        default="http://127.0.0.1:8002",
        validation_alias=AliasChoices(
            "VOORPORTAAL_PORTAL_ROUTING_URL", "VOORPORTAAL_ROUTING_URL", "routing_url"
        ),
    )
    """Base URL of the routing API, for its public directory (`VOORPORTAAL_ROUTING_URL`)."""

    dossier_url: str = Field(
        default="http://127.0.0.1:8003",
        validation_alias=AliasChoices(
            "VOORPORTAAL_PORTAL_DOSSIER_URL", "VOORPORTAAL_DOSSIER_URL", "dossier_url"
        ),
    )
    """Base URL of the dossier API, for the citizen's status (`VOORPORTAAL_DOSSIER_URL`)."""

    api_timeout_s: float = Field(default=10.0, gt=0, le=60)
    """Timeout of one API call."""

    help_phone: str = Field(default="14 030", min_length=3, max_length=32)
    """The number a citizen calls to reach a person now (the status page when a link does not
    open, "I want to talk to a person"): the front counter's line. The default is the demo
    municipality's (Utrecht, GM0344); an operator sets the real one
    (`VOORPORTAAL_PORTAL_HELP_PHONE`)."""

    max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0, le=50 * 1024 * 1024)
    """The largest document a citizen can send from the status page: the dossier's own limit
    (`VOORPORTAAL_DOSSIER_MAX_UPLOAD_BYTES`, 10 MiB by default), told to the citizen in MB."""

    @property
    def effective_public_url(self) -> str:
        """The URL citizens open the portal at."""
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """Every origin the page may be opened at (CORS for the websocket, CSP): the public URL,
        and for a loopback URL the other loopback name on the same port too (a browser treats
        `localhost` and `127.0.0.1` as different origins)."""
        public = urlsplit(self.effective_public_url)
        origin = f"{public.scheme}://{public.netloc}"
        if public.hostname not in LOOPBACK_NAMES:
            return (origin,)
        port = f":{public.port}" if public.port else ""
        others = [f"{public.scheme}://{name}{port}" for name in LOOPBACK_NAMES]
        return (origin, *(other for other in others if other != origin))


@lru_cache(maxsize=1)
def get_settings() -> PortalSettings:
    """The portal's settings, read once from the environment."""
    return PortalSettings()
