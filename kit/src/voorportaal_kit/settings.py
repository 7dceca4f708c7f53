"""Service settings: one base class here, one subclass per service with its own env prefix.

Every service reads `VOORPORTAAL_<SERVICE>_<FIELD>` (e.g. `VOORPORTAAL_INTAKE_DATABASE_URL`),
except the broker address, which is one cluster for all: `KAFKA_BOOTSTRAP_SERVERS`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from voorportaal_kit.auth import AuthSettings

DEV_JWT_SECRET = "voorportaal-local-development-secret-change-me"  # noqa: S105
"""The HS256 secret `voorportaal up` uses on a developer's machine; never in production."""
DEV_AUDIT_ANCHOR_KEY = "voorportaal-dev-audit-anchor-key-not-for-production"
"""The key audit checkpoints are signed with on a developer's machine."""
MIN_AUDIT_ANCHOR_KEY_BYTES = 32


def default_data_dir() -> Path:
    """Where embedded SQLite files and documents live when nothing else is configured."""
    return Path.cwd() / "var" / "data"


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set `service_name` and the env prefix."""

    model_config = SettingsConfigDict(
        env_prefix="VOORPORTAAL_",
        env_nested_delimiter="__",
        extra="ignore",
        use_attribute_docstrings=True,
    )

    service_name: str = "service"
    """The service's name: its database, consumer groups and `ce_source` derive from it."""

    environment: str = "development"
    """`development`, `test` or `production`; production refuses development defaults."""

    data_dir: Path = Field(default_factory=default_data_dir)
    """Folder for the embedded SQLite database and stored files."""

    database_url: str | None = None
    """SQLAlchemy async URL; empty means SQLite at `<data_dir>/<service>.db`. PostgreSQL:
    `postgresql+asyncpg://user:pass@host:5432/voorportaal_<service>`."""

    database_pool_size: int = 10
    """Connections kept open per process (PostgreSQL only)."""

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers"),
    )
    """Comma-separated broker addresses; read from `KAFKA_BOOTSTRAP_SERVERS`."""

    kafka_replication_factor: int = 1
    """Replication factor for topics this service creates (3 in production)."""

    kafka_min_insync_replicas: int = 1
    """`min.insync.replicas` for those topics (2 in production)."""

    http_host: str = "127.0.0.1"
    """Interface the HTTP API listens on."""

    http_port: int = 8000
    """Port the HTTP API listens on."""

    log_level: str = "INFO"
    """Lowest log level written."""

    log_json: bool | None = None
    """JSON log lines; empty means JSON unless stderr is a terminal."""

    relay_batch_size: int = 1000
    """Outbox rows the relay publishes per round."""

    relay_poll_interval_s: float = 0.2
    """How often the relay looks for new outbox rows when nobody woke it up."""

    relay_keep_sent_s: float = 3600.0
    """How long published outbox rows are kept for inspection before they are deleted."""

    consumer_max_records: int = 200
    """Records a consumer takes per batch (one transaction per batch)."""

    consumer_max_attempts: int = 5
    """Attempts for a message whose handler keeps failing before it is dead-lettered."""

    consumer_backoff_initial_s: float = 0.5
    """First retry delay; it doubles per attempt up to `consumer_backoff_max_s`."""

    consumer_backoff_max_s: float = 30.0
    """Longest delay between two attempts."""

    auth: AuthSettings = Field(
        default_factory=lambda: AuthSettings(hs256_secret=SecretStr(DEV_JWT_SECRET))
    )
    """JWT verification: `..._AUTH__ISSUER`, `..._AUTH__HS256_SECRET`, `..._AUTH__JWKS_URL`."""

    @model_validator(mode="after")
    def _no_development_secrets_in_production(self) -> ServiceSettings:
        secret = self.auth.hs256_secret
        if (
            self.environment == "production"
            and secret is not None
            and (secret.get_secret_value() == DEV_JWT_SECRET)
        ):
            raise ValueError("auth.hs256_secret: the development secret is refused in production")
        return self

    @property
    def effective_database_url(self) -> str:
        """The database URL, with the embedded SQLite default filled in."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / (self.service_name + '.db')}"

    @property
    def event_source(self) -> str:
        """The CloudEvents `source` of this service's events."""
        return f"/voorportaal/{self.service_name}"


class AuditedServiceSettings(ServiceSettings):
    """Settings of a service that keeps an access audit log (`voorportaal_kit.audit_log`):
    where its chain's checkpoints go and the key they are signed with."""

    audit_anchor_file: Path | None = None
    """Where checkpoints of the audit chain's head are appended (empty means
    `<data_dir>/<service>-audit-anchors.jsonl`; the dossier's is `audit-anchors.jsonl`).
    Outside the database on purpose: in production, storage the database's users cannot write
    (another volume, append-only or WORM)."""

    audit_anchor_key: SecretStr = SecretStr(DEV_AUDIT_ANCHOR_KEY)
    """HMAC key of the checkpoints (at least 32 bytes; not given to the database; the dev key
    is refused in production)."""

    audit_anchor_interval_s: float = Field(default=60.0, gt=0)
    """How often the head is checkpointed (records newer than the last checkpoint are covered
    from the next one on)."""

    @model_validator(mode="after")
    def _audit_anchor_key_is_real(self) -> AuditedServiceSettings:
        anchor_key = self.audit_anchor_key.get_secret_value()
        if len(anchor_key.encode()) < MIN_AUDIT_ANCHOR_KEY_BYTES:
            raise ValueError(f"audit_anchor_key: at least {MIN_AUDIT_ANCHOR_KEY_BYTES} bytes")
        if self.environment == "production" and anchor_key == DEV_AUDIT_ANCHOR_KEY:
            raise ValueError("audit_anchor_key: the development key is refused in production")
        return self

    @property
    def effective_audit_anchor_file(self) -> Path:
        """Where the audit chain's checkpoints are appended."""
        return self.audit_anchor_file or self.data_dir / f"{self.service_name}-audit-anchors.jsonl"

    @property
    def anchor_key(self) -> bytes:
        """The checkpoints' HMAC key as bytes."""
        return self.audit_anchor_key.get_secret_value().encode()
