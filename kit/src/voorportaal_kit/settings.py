"""Service settings: one base class here, one subclass per service with its own env prefix.

Every service reads `VOORPORTAAL_<SERVICE>_<FIELD>` (e.g. `VOORPORTAAL_INTAKE_DATABASE_URL`),
except the broker address, which is one cluster for all: `KAFKA_BOOTSTRAP_SERVERS`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from voorportaal_kit.auth import AuthSettings, hs256_is_citizen_only, verifies_staff_by_public_key
from voorportaal_kit.kafka_client import (
    KafkaConnection,
    SaslMechanism,
    SecurityProtocol,
    read_secret_file,
)

DEV_JWT_SECRET = "voorportaal-local-development-secret-change-me"  # noqa: S105
"""The HS256 secret `voorportaal up` uses on a developer's machine; never in production."""
DEV_AUDIT_ANCHOR_KEY = "voorportaal-dev-audit-anchor-key-not-for-production"
"""The key audit checkpoints are signed with on a developer's machine."""
MIN_AUDIT_ANCHOR_KEY_BYTES = 32


class Environment(StrEnum):
    """Where a service runs. Anything else (`prod`, `Production`, `staging`) is refused at start:
    a typo must never switch the development defaults back on."""

    DEVELOPMENT = "development"
    """A developer's machine and the test suite: development keys and dev-only routes."""
    PRODUCTION = "production"
    """Everywhere real people's data is: every development default is refused at start."""


def refuse_development_defaults(environment: Environment, found: dict[str, bool]) -> None:
    """Raise (naming each setting) when a development default is still set outside development.

    `found` maps a setting's name to whether it still holds its development default; every
    service's settings call this with theirs, so the rule is written once."""
    if environment is Environment.DEVELOPMENT:
        return
    still = sorted(name for name, is_default in found.items() if is_default)
    if still:
        raise ValueError(
            f"{', '.join(still)}: development default(s) refused in {environment.value}; "
            "configure real value(s)"
        )


def default_data_dir() -> Path:
    """Where embedded SQLite files and documents live when nothing else is configured."""
    return Path.cwd() / "var" / "data"


class KafkaSettings(BaseSettings):
    """How to reach the Kafka cluster and log in to it: the part of the settings every Kafka
    client needs. Services inherit it (with their own env prefix: each service logs in as its
    own principal); the `voorportaal` CLI reads it with the prefix `VOORPORTAAL_` (the
    operator's login, e.g. `VOORPORTAAL_KAFKA_SASL_USERNAME`).

    The cluster-wide parts (address, protocol, mechanism, CA, hostname check) have one env
    name for all: `KAFKA_BOOTSTRAP_SERVERS`, `KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_MECHANISM`,
    `KAFKA_SSL_CA_FILE`, `KAFKA_SSL_CHECK_HOSTNAME`."""

    model_config = SettingsConfigDict(
        env_prefix="VOORPORTAAL_",
        extra="ignore",
        use_attribute_docstrings=True,
        # A refused setting's error must not print the input: it holds the passwords.
        hide_input_in_errors=True,
    )

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers"),
    )
    """Comma-separated broker addresses; read from `KAFKA_BOOTSTRAP_SERVERS`."""

    kafka_replication_factor: int | None = None
    """Replication factor for topics this service creates; empty: 3 on a cluster of three
    or more brokers (production, `kafka.sh start --brokers 3`), 1 on a single broker."""

    kafka_min_insync_replicas: int | None = None
    """`min.insync.replicas` for those topics; empty: the factor minus one (2 for 3), at
    least 1."""

    kafka_create_topics: bool | None = None
    """Whether a service creates missing topics at start; empty means yes in development on
    a PLAINTEXT broker only. Elsewhere topics are the operator's (`voorportaal topics`), and a
    service's principal has no right to create them."""

    kafka_security_protocol: SecurityProtocol = Field(
        default=SecurityProtocol.PLAINTEXT,
        validation_alias=AliasChoices("KAFKA_SECURITY_PROTOCOL", "kafka_security_protocol"),
    )
    """`PLAINTEXT`, `SSL`, `SASL_PLAINTEXT` or `SASL_SSL` (one cluster for all: read from
    `KAFKA_SECURITY_PROTOCOL`); PLAINTEXT is refused in production."""

    kafka_sasl_mechanism: SaslMechanism = Field(
        default=SaslMechanism.SCRAM_SHA_512,
        validation_alias=AliasChoices("KAFKA_SASL_MECHANISM", "kafka_sasl_mechanism"),
    )
    """SASL mechanism (`KAFKA_SASL_MECHANISM`): `SCRAM-SHA-512` unless the cluster says
    otherwise."""

    kafka_ssl_ca_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("KAFKA_SSL_CA_FILE", "kafka_ssl_ca_file"),
    )
    """PEM file of the CA that signed the brokers' certificates (`KAFKA_SSL_CA_FILE`); empty
    means the system's CAs."""

    kafka_ssl_check_hostname: bool = Field(
        default=True,
        validation_alias=AliasChoices("KAFKA_SSL_CHECK_HOSTNAME", "kafka_ssl_check_hostname"),
    )
    """Whether a broker's certificate must name the host connected to
    (`KAFKA_SSL_CHECK_HOSTNAME`)."""

    kafka_sasl_username: str | None = None
    """This service's principal (`voorportaal-<service>`)."""

    kafka_sasl_password: SecretStr | None = None
    """The principal's password; or give `kafka_sasl_password_file`."""

    kafka_sasl_password_file: Path | None = None
    """A file holding the principal's password (a mounted Secret)."""

    kafka_ssl_cert_file: Path | None = None
    """The service's client certificate (PEM) for mutual TLS."""

    kafka_ssl_key_file: Path | None = None
    """The private key (PEM) of that certificate."""

    kafka_ssl_key_password: SecretStr | None = None
    """The key's password, if it has one; or give `kafka_ssl_key_password_file`."""

    kafka_ssl_key_password_file: Path | None = None
    """A file holding the key's password."""

    @model_validator(mode="after")
    def _kafka_secrets_from_files(self) -> KafkaSettings:
        for name in ("kafka_sasl_password", "kafka_ssl_key_password"):
            path = getattr(self, f"{name}_file")
            if path is None:
                continue
            if getattr(self, name) is not None:
                raise ValueError(f"{name}, {name}_file: give one of them, not both")
            setattr(self, name, read_secret_file(f"{name}_file", path))
        # Build the connection once now, so a missing login or file stops the start with a
        # message naming the setting instead of failing later in the background.
        self.kafka  # noqa: B018 - validates
        return self

    @property
    def kafka(self) -> KafkaConnection:
        """How this service's Kafka clients connect (address, protocol, its login)."""
        return KafkaConnection(
            bootstrap_servers=self.kafka_bootstrap_servers,
            security_protocol=self.kafka_security_protocol,
            sasl_mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_sasl_username,
            password=self.kafka_sasl_password,
            ca_file=self.kafka_ssl_ca_file,
            cert_file=self.kafka_ssl_cert_file,
            key_file=self.kafka_ssl_key_file,
            key_password=self.kafka_ssl_key_password,
            check_hostname=self.kafka_ssl_check_hostname,
        )


class ServiceSettings(KafkaSettings):
    """Settings every service has. Subclasses set `service_name` and the env prefix."""

    model_config = SettingsConfigDict(
        env_prefix="VOORPORTAAL_",
        env_nested_delimiter="__",
        extra="ignore",
        use_attribute_docstrings=True,
        hide_input_in_errors=True,
    )

    service_name: str = "service"
    """The service's name: its database, consumer groups and `ce_source` derive from it."""

    environment: Environment = Environment.DEVELOPMENT
    """`development` or `production` (nothing else is accepted); outside development every
    development default (secrets, keys, dev-only routes) is refused at start."""

    data_dir: Path = Field(default_factory=default_data_dir)
    """Folder for the embedded SQLite database and stored files."""

    database_url: str | None = None
    """SQLAlchemy async URL; empty means SQLite at `<data_dir>/<service>.db`. PostgreSQL:
    `postgresql+asyncpg://user:pass@host:5432/voorportaal_<service>`."""

    database_pool_size: int = 10
    """Connections kept open per process (PostgreSQL only)."""

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
    """JWT verification: `..._AUTH__ISSUER`, `..._AUTH__HS256_SECRET`, `..._AUTH__JWKS_URL`,
    `..._AUTH__STAFF_PUBLIC_KEY_FILE` (the console's public key)."""

    @field_validator("auth", mode="before")
    @classmethod
    def _development_secret_beside_other_auth_settings(
        cls, value: Any, info: ValidationInfo
    ) -> Any:
        # Setting one auth field from the environment (e.g. `..._AUTH__STAFF_PUBLIC_KEY_FILE`)
        # replaces the whole default; in development keep its secret unless HS256 is not
        # accepted or a secret is given. Outside development nothing is filled in.
        if (
            isinstance(value, dict)
            and "hs256_secret" not in value
            and info.data.get("environment") is Environment.DEVELOPMENT
            and "HS256" in value.get("algorithms", ["HS256"])
        ):
            return {**value, "hs256_secret": DEV_JWT_SECRET}
        return value

    def development_defaults(self) -> dict[str, bool]:
        """Each setting with a development default, and whether it still holds it. A service
        with defaults of its own extends this (and calls `super()`)."""
        secret = self.auth.hs256_secret
        return {
            "auth.hs256_secret": secret is not None and secret.get_secret_value() == DEV_JWT_SECRET,
        }

    @model_validator(mode="after")
    def _no_development_defaults_outside_development(self) -> ServiceSettings:
        refuse_development_defaults(self.environment, self.development_defaults())
        if self.environment is Environment.PRODUCTION:
            if self.kafka_security_protocol is SecurityProtocol.PLAINTEXT:
                raise ValueError(
                    "kafka_security_protocol: PLAINTEXT (the development default) is refused in "
                    "production: set KAFKA_SECURITY_PROTOCOL=SASL_SSL (or SSL) and the "
                    "service's login"
                )
            if not verifies_staff_by_public_key(self.auth):
                raise ValueError(
                    "auth: production verifies staff tokens by public key: set "
                    "auth.staff_public_key_file (the console's key) and/or auth.jwks_url or "
                    "auth.public_key_pem (the OIDC provider)"
                )
            if "HS256" in self.auth.algorithms and not hs256_is_citizen_only(self.auth):
                raise ValueError(
                    "auth.hs256_staff_tokens: production accepts HS256 only for citizen links, "
                    "never for staff (whoever holds a shared secret could mint a supervisor)"
                )
        return self

    @property
    def effective_kafka_create_topics(self) -> bool:
        """Whether this service creates missing topics: unless set, only in development on a
        plain broker (a secured cluster's topics are its operator's, and a service's principal
        may not create them)."""
        if self.kafka_create_topics is None:
            return (
                self.environment is Environment.DEVELOPMENT
                and self.kafka_security_protocol is SecurityProtocol.PLAINTEXT
            )
        return self.kafka_create_topics

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

    def development_defaults(self) -> dict[str, bool]:
        """The base's, and the development anchor key."""
        return {
            **super().development_defaults(),
            "audit_anchor_key": self.audit_anchor_key.get_secret_value() == DEV_AUDIT_ANCHOR_KEY,
        }

    @model_validator(mode="after")
    def _audit_anchor_key_is_long_enough(self) -> AuditedServiceSettings:
        if len(self.audit_anchor_key.get_secret_value().encode()) < MIN_AUDIT_ANCHOR_KEY_BYTES:
            raise ValueError(f"audit_anchor_key: at least {MIN_AUDIT_ANCHOR_KEY_BYTES} bytes")
        return self

    @property
    def effective_audit_anchor_file(self) -> Path:
        """Where the audit chain's checkpoints are appended."""
        return self.audit_anchor_file or self.data_dir / f"{self.service_name}-audit-anchors.jsonl"

    @property
    def anchor_key(self) -> bytes:
        """The checkpoints' HMAC key as bytes."""
        return self.audit_anchor_key.get_secret_value().encode()
