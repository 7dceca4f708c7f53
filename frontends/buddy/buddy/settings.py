"""Settings of the buddy console (environment prefix `VOORPORTAAL_CONSOLE_`).

The API base URLs keep the names the rest of the suite uses (`VOORPORTAAL_DOSSIER_URL`,
`VOORPORTAAL_ROUTING_URL`) so `voorportaal up` can hand the same values to every client.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import Final, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from buddy.session import StaffTokenSigner
from voorportaal_kit.auth import AuthSettings, StaffSigningKey, load_staff_signing_key
from voorportaal_kit.settings import DEV_JWT_SECRET, Environment, refuse_development_defaults

DEFAULT_ACCOUNTS_FILE = Path(__file__).parent / "data" / "accounts.toml"
LOOPBACK_NAMES: Final = ("localhost", "127.0.0.1")
"""The names of this machine a browser reaches the console by in development (the console
listens on 127.0.0.1; `localhost` resolves to it)."""


class ConsoleSettings(BaseSettings):
    """How the console signs people in, which APIs it calls, and how long a session lives."""

    model_config = SettingsConfigDict(
        env_prefix="VOORPORTAAL_CONSOLE_",
        env_nested_delimiter="__",
        extra="ignore",
        use_attribute_docstrings=True,
    )

    environment: Environment = Environment.DEVELOPMENT
    """`development` or `production` (nothing else); production refuses the seeded demo
    accounts, any shared token secret, and needs `staff_key_file`."""

    port: int = 3000
    """Port the console serves page and websocket on (prod mode: one port)."""

    public_url: str | None = None
    """The URL people open, e.g. `https://buddy.example.nl`; empty means
    `http://localhost:<port>`. It is also the only origin the backend accepts (CORS), but for
    a loopback URL, where `localhost` and `127.0.0.1` on the same port are both accepted."""

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

    intake_url: str = Field(
        default="http://127.0.0.1:8001",
        validation_alias=AliasChoices("VOORPORTAAL_INTAKE_URL", "intake_url"),
    )
    """Base URL of the intake API (intakes at the desk and on the phone); read from
    `VOORPORTAAL_INTAKE_URL`."""

    notify_url: str = Field(
        default="http://127.0.0.1:8004",
        validation_alias=AliasChoices("VOORPORTAAL_NOTIFY_URL", "notify_url"),
    )
    """Base URL of the notify API (the case page's contact-load meter); read from
    `VOORPORTAAL_NOTIFY_URL`."""

    api_timeout_s: float = Field(default=5.0, gt=0, le=60)
    """Timeout of one API call."""
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0, le=50 * 1024 * 1024)
    """The largest document the case page offers to add, said up front; keep it equal to the
    dossier's `VOORPORTAAL_DOSSIER_MAX_UPLOAD_BYTES` (the dossier decides, and refuses more)."""

    auth_mode: Literal["local", "oidc"] = "local"
    """`oidc`: staff sign in only through the OIDC provider below (production); `local`: the
    staff accounts file, and the OIDC provider too when `oidc_issuer` is set (development)."""

    accounts_file: Path = DEFAULT_ACCOUNTS_FILE
    """TOML file with the local staff accounts (hashed passwords only); in production (OIDC)
    only the colleagues a handover may go to. The demo accounts are refused in production."""

    session_idle_timeout_s: float = Field(default=15 * 60, gt=0)
    """A session without user activity for this long is ended on the server."""

    refresh_interval_s: float = Field(default=5.0, gt=0.2, le=300)
    """How often an open work queue refetches its cases (live updates)."""

    case_refresh_interval_s: float = Field(default=15.0, gt=0.2, le=300)
    """How often an open case page refetches the case (live updates: an agency's answer shows
    without a reload). Each refetch is a read the dossier audits per part, hence not seconds."""

    service_token_ttl_s: int = Field(default=300, gt=0, le=3600)
    """Lifetime of the token the console signs for one signed-in user's API calls."""

    staff_key_file: Path | None = None
    """The console's private key (PEM, unencrypted PKCS#8; EC P-256 signs ES256, Ed25519
    signs EdDSA) for the staff tokens it sends the services. Only the console holds it; the
    services verify with the public key (`..._AUTH__STAFF_PUBLIC_KEY_FILE`). Required in
    production; `voorportaal up` makes a pair under `var/keys/`."""

    staff_key_pem: SecretStr | None = None
    """The same private key as PEM text (e.g. from a secret store), instead of the file."""

    staff_token_issuer: str = "voorportaal-console"  # noqa: S105 - a name, not a secret
    """`iss` of the staff tokens (the services' `..._AUTH__STAFF_ISSUER`)."""

    staff_token_audience: str = "voorportaal"  # noqa: S105 - a name, not a secret
    """`aud` of the staff tokens (the services' `..._AUTH__AUDIENCE`)."""

    token: AuthSettings | None = None
    """Development only, when no staff key is configured: sign HS256 tokens with this shared
    secret instead (empty: the development secret). Refused in production."""

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
        if self.staff_key_file is not None and self.staff_key_pem is not None:
            raise ValueError("set either staff_key_file or staff_key_pem, not both")
        production = self.environment is Environment.PRODUCTION
        if production:
            if self.auth_mode == "local":
                raise ValueError("production signs staff in through OIDC, not local accounts")
            if self.oidc_issuer and not self.oidc_issuer.startswith("https://"):
                raise ValueError("oidc_issuer: production needs an https issuer")
            if self.staff_signing_key is None:
                raise ValueError("staff_key_file: production needs the console's private key")
        secret = self.token.hs256_secret if self.token else None
        refuse_development_defaults(
            self.environment,
            {
                "token.hs256_secret": secret is not None
                and secret.get_secret_value() == DEV_JWT_SECRET,
                # The demo accounts: production names its own colleagues (for handovers).
                "accounts_file": self.accounts_file == DEFAULT_ACCOUNTS_FILE,
            },
        )
        if production and self.token is not None:
            raise ValueError(
                "token: production signs staff tokens with staff_key_file, never with a "
                "shared secret"
            )
        if not production and self.staff_signing_key is None and self.token is None:
            self.token = AuthSettings(hs256_secret=SecretStr(DEV_JWT_SECRET))
        return self

    @cached_property
    def staff_signing_key(self) -> StaffSigningKey | None:
        """The console's private key, read (and checked) once at start; None when not set."""
        if self.staff_key_pem is not None:
            return load_staff_signing_key(self.staff_key_pem.get_secret_value().encode())
        if self.staff_key_file is None:
            return None
        try:
            pem = self.staff_key_file.read_bytes()
        except OSError as exc:
            raise ValueError(
                f"staff_key_file: cannot read {self.staff_key_file} ({type(exc).__name__})"
            ) from exc
        return load_staff_signing_key(pem)

    def staff_token_signer(self) -> StaffTokenSigner:
        """What signs the signed-in users' API tokens (the private key; HS256 only in dev)."""
        return StaffTokenSigner(
            key=self.staff_signing_key,
            issuer=self.staff_token_issuer,
            audience=self.staff_token_audience,
            hs256=None if self.staff_signing_key is not None else self.token,
        )

    @property
    def effective_public_url(self) -> str:
        """The URL people open the console at."""
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """Every origin the page may be opened at, and so may open the websocket (CORS) and
        connect to it (CSP): the public URL, and when that is a loopback name (a developer's
        machine, `voorportaal up` prints `127.0.0.1`) the other loopback name on the same port
        too, since a browser treats `localhost` and `127.0.0.1` as different origins."""
        public = urlsplit(self.effective_public_url)
        origin = f"{public.scheme}://{public.netloc}"
        if public.hostname not in LOOPBACK_NAMES:
            return (origin,)
        port = f":{public.port}" if public.port else ""
        others = [f"{public.scheme}://{name}{port}" for name in LOOPBACK_NAMES]
        return (origin, *(other for other in others if other != origin))

    def url_at(self, page_origin: str) -> str:
        """The public URL as seen from a page opened at `page_origin` (e.g. where OIDC sends
        the browser back, so it returns to the origin that holds its tab's session): that
        origin when it is one of `allowed_origins`, else the public URL itself."""
        public = urlsplit(self.effective_public_url)
        if page_origin not in self.allowed_origins:
            return self.effective_public_url
        return page_origin + public.path


@lru_cache(maxsize=1)
def get_settings() -> ConsoleSettings:
    """The console's settings, read once from the environment."""
    return ConsoleSettings()
