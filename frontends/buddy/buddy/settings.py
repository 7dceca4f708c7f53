"""Settings of the buddy console (environment prefix `VOORPORTAAL_CONSOLE_`).

The API base URLs keep the names the rest of the suite uses (`VOORPORTAAL_DOSSIER_URL`,
`VOORPORTAAL_ROUTING_URL`) so `voorportaal up` can hand the same values to every client.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from voorportaal_kit.auth import AuthSettings
from voorportaal_kit.settings import DEV_JWT_SECRET

DEFAULT_ACCOUNTS_FILE = Path(__file__).parent / "data" / "accounts.toml"


class ConsoleSettings(BaseSettings):
    """How the console signs people in, which APIs it calls, and how long a session lives."""

    model_config = SettingsConfigDict(
        env_prefix="VOORPORTAAL_CONSOLE_",
        env_nested_delimiter="__",
        extra="ignore",
        use_attribute_docstrings=True,
    )

    environment: str = "development"
    """`development`, `test` or `production`; production refuses the seeded demo accounts and
    the development token secret."""

    port: int = 3000
    """Port the console serves page and websocket on (prod mode: one port)."""

    public_url: str | None = None
    """The URL people open, e.g. `https://buddy.example.nl`; empty means
    `http://localhost:<port>`. It is also the only origin the backend accepts (CORS)."""

    dossier_url: str = Field(
        default="http://127.0.0.1:8003",
        validation_alias=AliasChoices("VOORPORTAAL_DOSSIER_URL", "dossier_url"),
    )
    """Base URL of the dossier API; read from `VOORPORTAAL_DOSSIER_URL`."""

    routing_url: str = Field(
        default="http://127.0.0.1:8002",
        validation_alias=AliasChoices("VOORPORTAAL_ROUTING_URL", "routing_url"),
    )
    """Base URL of the routing API; read from `VOORPORTAAL_ROUTING_URL`."""

    api_timeout_s: float = Field(default=5.0, gt=0, le=60)
    """Timeout of one API call."""

    auth_mode: Literal["local", "oidc"] = "local"
    """`oidc`: staff sign in only through the OIDC provider below (production); `local`: the
    staff accounts file, and the OIDC provider too when `oidc_issuer` is set (development)."""

    accounts_file: Path = DEFAULT_ACCOUNTS_FILE
    """TOML file with the local staff accounts (hashed passwords only)."""

    session_idle_timeout_s: float = Field(default=15 * 60, gt=0)
    """A session without user activity for this long is ended on the server."""

    refresh_interval_s: float = Field(default=5.0, gt=0.2, le=300)
    """How often an open work queue refetches its cases (live updates)."""

    case_refresh_interval_s: float = Field(default=15.0, gt=0.2, le=300)
    """How often an open case page refetches the case (live updates: an agency's answer shows
    without a reload). Each refetch is a read the dossier audits per part, hence not seconds."""

    service_token_ttl_s: int = Field(default=300, gt=0, le=3600)
    """Lifetime of the token the console signs for one signed-in user's API calls."""

    token: AuthSettings = Field(
        default_factory=lambda: AuthSettings(hs256_secret=SecretStr(DEV_JWT_SECRET))
    )
    """How the console signs API tokens for the signed-in user (local mode): the same HS256
    settings the services verify with (`..._TOKEN__HS256_SECRET`, `..._TOKEN__ISSUER`)."""

    oidc_issuer: str | None = None
    """OIDC provider issuer URL (production); its discovery document names the endpoints."""

    oidc_client_id: str | None = None
    """The console's client id at the OIDC provider."""

    oidc_client_secret: SecretStr | None = None
    """The console's client secret at the OIDC provider."""

    oidc_scopes: str = "openid profile"
    """Scopes requested from the OIDC provider."""

    oidc_role_claim: str = "roles"
    """ID token claim (a string or a list) that holds `casemanager` and/or `supervisor`."""

    oidc_team_claim: str = "team"
    """ID token claim that holds the staff member's team."""

    @model_validator(mode="after")
    def _check(self) -> ConsoleSettings:
        if self.auth_mode == "oidc" and not (self.oidc_issuer and self.oidc_client_id):
            raise ValueError("auth_mode 'oidc' needs oidc_issuer and oidc_client_id")
        if self.environment == "production":
            if self.oidc_issuer and not self.oidc_issuer.startswith("https://"):
                raise ValueError("oidc_issuer: production needs an https issuer")
            if self.auth_mode == "local":
                raise ValueError("production signs staff in through OIDC, not local accounts")
            secret = self.token.hs256_secret
            if secret is not None and secret.get_secret_value() == DEV_JWT_SECRET:
                raise ValueError("token.hs256_secret: the development secret is refused")
        return self

    @property
    def effective_public_url(self) -> str:
        """The URL people open the console at."""
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")


@lru_cache(maxsize=1)
def get_settings() -> ConsoleSettings:
    """The console's settings, read once from the environment."""
    return ConsoleSettings()
