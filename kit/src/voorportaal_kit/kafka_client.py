"""How every Kafka client of the suite connects: the broker address and its security.

One `KafkaConnection` holds the bootstrap servers, the security protocol (PLAINTEXT, SSL,
SASL_PLAINTEXT, SASL_SSL), the SASL login (SCRAM-SHA-512 by default), the CA that signed the
brokers' certificates and, for mutual TLS, the client's own certificate and key. It turns
itself into aiokafka's keyword arguments (`client_kwargs`, for producers, consumers and the
admin client) and into FastStream's `security=` object (`faststream_security`), so the
relay, the consumers, dead letters, probes and the CLI all connect the same way.

The password is a `SecretStr` and never part of `repr()` or a log line (`describe()` is what
may be logged).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

if TYPE_CHECKING:
    from faststream.security import BaseSecurity


class SecurityProtocol(StrEnum):
    """Kafka's `security.protocol`: how a client talks to the brokers."""

    PLAINTEXT = "PLAINTEXT"
    """No encryption, no login: a developer's machine only (refused in production)."""
    SSL = "SSL"
    """TLS; with a client certificate this is mutual TLS (the certificate is the login)."""
    SASL_PLAINTEXT = "SASL_PLAINTEXT"
    """A SASL login over an unencrypted connection."""
    SASL_SSL = "SASL_SSL"
    """A SASL login over TLS: what production uses."""


class SaslMechanism(StrEnum):
    """The SASL mechanisms the kit can log in with."""

    SCRAM_SHA_512 = "SCRAM-SHA-512"
    SCRAM_SHA_256 = "SCRAM-SHA-256"
    PLAIN = "PLAIN"


class KafkaConfigError(ValueError):
    """A Kafka connection setting is missing or inconsistent; the message names the setting."""


@dataclass(frozen=True)
class KafkaConnection:
    """Where the brokers are and how to log in to them."""

    bootstrap_servers: str
    security_protocol: SecurityProtocol = SecurityProtocol.PLAINTEXT
    sasl_mechanism: SaslMechanism = SaslMechanism.SCRAM_SHA_512
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    ca_file: Path | None = None
    """The CA that signed the brokers' certificates; empty means the system's CAs."""
    cert_file: Path | None = None
    """The client's certificate (PEM) for mutual TLS."""
    key_file: Path | None = None
    """The client's private key (PEM) for mutual TLS."""
    key_password: SecretStr | None = field(default=None, repr=False)
    check_hostname: bool = True
    """Whether the broker's certificate must name the host connected to."""

    def __post_init__(self) -> None:
        protocol = SecurityProtocol(self.security_protocol)
        object.__setattr__(self, "security_protocol", protocol)
        object.__setattr__(self, "sasl_mechanism", SaslMechanism(self.sasl_mechanism))
        if self.uses_sasl:
            if not self.username:
                raise KafkaConfigError(
                    f"kafka_sasl_username: required with security protocol {protocol.value}"
                )
            if self.password is None or not self.password.get_secret_value():
                raise KafkaConfigError(
                    f"kafka_sasl_password: required with security protocol {protocol.value} "
                    "(or kafka_sasl_password_file)"
                )
        if (self.cert_file is None) != (self.key_file is None):
            raise KafkaConfigError(
                "kafka_ssl_cert_file, kafka_ssl_key_file: mutual TLS needs both or neither"
            )
        if not self.uses_tls and (self.ca_file or self.cert_file):
            raise KafkaConfigError(
                f"kafka_ssl_ca_file: TLS files given but security protocol {protocol.value} "
                "does not use TLS (SSL or SASL_SSL)"
            )
        for name, path in (
            ("kafka_ssl_ca_file", self.ca_file),
            ("kafka_ssl_cert_file", self.cert_file),
            ("kafka_ssl_key_file", self.key_file),
        ):
            if path is not None and not Path(path).is_file():
                raise KafkaConfigError(f"{name}: no such file: {path}")

    @classmethod
    def of(cls, target: KafkaConnection | str) -> KafkaConnection:
        """A connection as given, or a plain one to these bootstrap servers."""
        return target if isinstance(target, KafkaConnection) else cls(target)

    @property
    def uses_tls(self) -> bool:
        """Whether connections are encrypted."""
        return self.security_protocol in (SecurityProtocol.SSL, SecurityProtocol.SASL_SSL)

    @property
    def uses_sasl(self) -> bool:
        """Whether clients log in with SASL."""
        return self.security_protocol in (
            SecurityProtocol.SASL_PLAINTEXT,
            SecurityProtocol.SASL_SSL,
        )

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context for the brokers (None without TLS)."""
        if not self.uses_tls:
            return None
        from aiokafka.helpers import create_ssl_context

        context: ssl.SSLContext = create_ssl_context(
            cafile=str(self.ca_file) if self.ca_file else None,
            certfile=str(self.cert_file) if self.cert_file else None,
            keyfile=str(self.key_file) if self.key_file else None,
            password=self.key_password.get_secret_value() if self.key_password else None,
        )
        # Only a local test broker reached by another name than its certificate's turns this
        # off; CERT_REQUIRED stays either way.
        context.check_hostname = self.check_hostname
        return context

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client."""
        kwargs: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol.value,
        }
        context = self.ssl_context()
        if context is not None:
            kwargs["ssl_context"] = context
        if self.uses_sasl:
            assert self.password is not None  # checked in __post_init__
            kwargs |= {
                "sasl_mechanism": self.sasl_mechanism.value,
                "sasl_plain_username": self.username,
                "sasl_plain_password": self.password.get_secret_value(),
            }
        return kwargs

    def faststream_security(self) -> BaseSecurity | None:
        """FastStream's `security=` for a `KafkaBroker` (None for PLAINTEXT)."""
        from faststream.security import (
            BaseSecurity,
            SASLPlaintext,
            SASLScram256,
            SASLScram512,
        )

        if self.security_protocol is SecurityProtocol.PLAINTEXT:
            return None
        context = self.ssl_context()
        if not self.uses_sasl:
            return BaseSecurity(ssl_context=context, use_ssl=True)
        assert self.username is not None  # checked in __post_init__
        assert self.password is not None
        kind = {
            SaslMechanism.SCRAM_SHA_512: SASLScram512,
            SaslMechanism.SCRAM_SHA_256: SASLScram256,
            SaslMechanism.PLAIN: SASLPlaintext,
        }[self.sasl_mechanism]
        return kind(
            self.username,
            self.password.get_secret_value(),
            ssl_context=context,
            use_ssl=self.uses_tls,
        )

    def describe(self) -> dict[str, str | bool | None]:
        """What may be logged about this connection (never the password)."""
        return {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol.value,
            "sasl_mechanism": self.sasl_mechanism.value if self.uses_sasl else None,
            "sasl_username": self.username if self.uses_sasl else None,
            "ssl_ca_file": str(self.ca_file) if self.ca_file else None,
            "mutual_tls": self.cert_file is not None,
        }


def read_secret_file(setting: str, path: Path) -> SecretStr:
    """A secret kept in a file (a Kubernetes Secret's mount, a 0600 file); one trailing newline
    is not part of it. A missing or empty file is an error naming the setting."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise KafkaConfigError(f"{setting}: cannot read {path} ({exc.strerror})") from None
    value = text.removesuffix("\n").removesuffix("\r")
    if not value:
        raise KafkaConfigError(f"{setting}: {path} is empty")
    return SecretStr(value)
