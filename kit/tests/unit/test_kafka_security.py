"""Kafka security settings: every client logs in the same way, secrets stay secret."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLScram512
from pydantic import SecretStr, ValidationError
from structlog.testing import capture_logs

from voorportaal_kit.auth import AuthSettings, generate_staff_key_pair
from voorportaal_kit.kafka import create_broker
from voorportaal_kit.kafka_client import KafkaConfigError, KafkaConnection, SecurityProtocol
from voorportaal_kit.outbox import create_producer
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime
from voorportaal_kit.settings import KafkaSettings, ServiceSettings

PASSWORD = "s3cret-kafka-password-never-logged"


def _sasl_ssl(**extra: object) -> ServiceSettings:
    return ServiceSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="voorportaal-intake",
        kafka_sasl_password=PASSWORD,
        **extra,
    )


async def test_sasl_ssl_gives_every_aiokafka_client_the_scram_512_login() -> None:
    kwargs = _sasl_ssl().kafka.client_kwargs()
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert kwargs["sasl_plain_username"] == "voorportaal-intake"
    assert kwargs["sasl_plain_password"] == PASSWORD
    assert isinstance(kwargs["ssl_context"], ssl.SSLContext)
    assert kwargs["ssl_context"].verify_mode is ssl.CERT_REQUIRED
    # The outbox relay's and the dead letters' producer take them.
    producer = create_producer(_sasl_ssl().kafka, "test")
    assert producer.client._security_protocol == "SASL_SSL"
    assert producer.client._sasl_mechanism == "SCRAM-SHA-512"


def test_sasl_ssl_gives_the_faststream_broker_the_same_login() -> None:
    security = _sasl_ssl().kafka.faststream_security()
    assert isinstance(security, SASLScram512)
    parsed = parse_security(security)
    assert parsed["security_protocol"] == "SASL_SSL"
    assert parsed["sasl_mechanism"] == "SCRAM-SHA-512"
    assert parsed["sasl_plain_username"] == "voorportaal-intake"
    assert parsed["ssl_context"] is not None
    # What the broker builds its consumers with (FastStream keeps it as a partial).
    consumer_kwargs = create_broker(_sasl_ssl().kafka).config.broker_config.builder.keywords
    assert consumer_kwargs["security_protocol"] == "SASL_SSL"
    assert consumer_kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert consumer_kwargs["sasl_plain_username"] == "voorportaal-intake"


def test_plaintext_is_the_development_default_and_gives_no_security() -> None:
    connection = ServiceSettings().kafka
    assert connection.security_protocol is SecurityProtocol.PLAINTEXT
    assert connection.faststream_security() is None
    assert connection.client_kwargs() == {
        "bootstrap_servers": "127.0.0.1:9092",
        "security_protocol": "PLAINTEXT",
    }


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"kafka_sasl_password": PASSWORD}, "kafka_sasl_username: required"),
        ({"kafka_sasl_username": "voorportaal-intake"}, "kafka_sasl_password: required"),
    ],
)
def test_a_sasl_protocol_without_its_login_is_refused_naming_the_setting(
    given: dict[str, str], named: str
) -> None:
    with pytest.raises(ValidationError, match=named):
        ServiceSettings(kafka_security_protocol="SASL_SSL", **given)


def test_the_password_comes_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    settings = ServiceSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="voorportaal-intake",
        kafka_sasl_password_file=secret,
    )
    assert settings.kafka.client_kwargs()["sasl_plain_password"] == PASSWORD


def test_a_password_file_that_is_missing_or_empty_is_refused_naming_the_setting(
    tmp_path: Path,
) -> None:
    base = {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_username": "u"}
    with pytest.raises(ValidationError, match="kafka_sasl_password_file: cannot read"):
        ServiceSettings(**base, kafka_sasl_password_file=tmp_path / "absent")
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(ValidationError, match=r"kafka_sasl_password_file: .* is empty"):
        ServiceSettings(**base, kafka_sasl_password_file=tmp_path / "empty")


def test_a_password_and_a_password_file_together_are_refused(tmp_path: Path) -> None:
    (tmp_path / "password").write_text(PASSWORD)
    with pytest.raises(ValidationError, match="give one of them, not both"):
        _sasl_ssl(kafka_sasl_password_file=tmp_path / "password")


def test_a_services_login_comes_from_its_own_prefix_and_the_protocol_from_the_cluster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("VOORPORTAAL_INTAKE_KAFKA_SASL_USERNAME", "voorportaal-intake")
    monkeypatch.setenv("VOORPORTAAL_INTAKE_KAFKA_SASL_PASSWORD", PASSWORD)
    monkeypatch.setenv("VOORPORTAAL_KAFKA_SASL_USERNAME", "operator")
    monkeypatch.setenv("VOORPORTAAL_KAFKA_SASL_PASSWORD", "operator-password")

    class IntakeLike(ServiceSettings):
        model_config = {**ServiceSettings.model_config, "env_prefix": "VOORPORTAAL_INTAKE_"}

    assert IntakeLike().kafka.username == "voorportaal-intake"
    # The CLI logs in as the operator.
    assert KafkaSettings().kafka.username == "operator"
    assert KafkaSettings().kafka.security_protocol is SecurityProtocol.SASL_SSL


def test_the_password_is_not_in_the_settings_repr_nor_in_a_refusal(
    tmp_path: Path,
) -> None:
    settings = _sasl_ssl()
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings)
    assert PASSWORD not in repr(settings.kafka)
    assert PASSWORD not in str(settings.kafka.describe())
    with pytest.raises(ValidationError) as refused:
        _sasl_ssl(kafka_ssl_ca_file=tmp_path / "absent.pem")
    assert "kafka_ssl_ca_file: no such file" in str(refused.value)
    assert PASSWORD not in str(refused.value)


def production_auth() -> AuthSettings:
    """Token settings production accepts: staff tokens signed with a key pair, not HS256."""
    return AuthSettings(
        algorithms=["HS256"],
        hs256_secret=SecretStr("z" * 40),
        hs256_staff_tokens=False,
        staff_public_key_pem=generate_staff_key_pair()[1].decode(),
    )


def test_production_refuses_plaintext_kafka_naming_the_setting(tmp_path: Path) -> None:
    auth = production_auth()
    with pytest.raises(ValidationError, match="kafka_security_protocol: PLAINTEXT"):
        ServiceSettings(environment="production", auth=auth, data_dir=tmp_path)
    secured = _sasl_ssl(environment="production", auth=auth, data_dir=tmp_path)
    assert secured.kafka.uses_tls


def test_services_create_topics_in_development_only_unless_told(tmp_path: Path) -> None:
    auth = production_auth()
    assert ServiceSettings().effective_kafka_create_topics
    assert not ServiceSettings(kafka_create_topics=False).effective_kafka_create_topics
    assert not _sasl_ssl().effective_kafka_create_topics
    assert _sasl_ssl(kafka_create_topics=True).effective_kafka_create_topics
    production = _sasl_ssl(environment="production", auth=auth, data_dir=tmp_path)
    assert not production.effective_kafka_create_topics


def _certificate(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "voorportaal-intake")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "client.pem", tmp_path / "client.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_mutual_tls_loads_the_client_certificate_and_needs_both_files(tmp_path: Path) -> None:
    cert_file, key_file = _certificate(tmp_path)
    connection = KafkaConnection(
        "broker:9093",
        SecurityProtocol.SSL,
        ca_file=cert_file,
        cert_file=cert_file,
        key_file=key_file,
        check_hostname=False,
    )
    context = connection.ssl_context()
    assert context is not None
    assert context.check_hostname is False
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert isinstance(connection.faststream_security(), BaseSecurity)
    assert parse_security(connection.faststream_security())["security_protocol"] == "SSL"
    assert connection.describe()["mutual_tls"] is True
    with pytest.raises(KafkaConfigError, match="both or neither"):
        KafkaConnection("broker:9093", SecurityProtocol.SSL, cert_file=cert_file)


def test_tls_files_with_a_protocol_without_tls_are_refused(tmp_path: Path) -> None:
    cert_file, _ = _certificate(tmp_path)
    with pytest.raises(KafkaConfigError, match="does not use TLS"):
        KafkaConnection("broker:9092", SecurityProtocol.PLAINTEXT, ca_file=cert_file)


async def test_the_startup_log_lines_name_the_login_but_never_the_password(
    tmp_path: Path,
) -> None:
    # Nothing listens on port 1: messaging fails at once and retries, after logging how it
    # connects.
    settings = ServiceSettings(
        service_name="intake",
        data_dir=tmp_path,
        kafka_bootstrap_servers="127.0.0.1:1",
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="voorportaal-intake",
        kafka_sasl_password=PASSWORD,
    )
    runtime = ServiceRuntime(
        ServiceDefinition(settings=settings, migrations_dir=tmp_path, title="t", topics=())
    )
    with capture_logs() as logs:
        async with runtime.lifespan():
            for _ in range(200):
                if any(e["event"] == "runtime.messaging_start_failed" for e in logs):
                    break
                await asyncio.sleep(0.05)
    connecting = [e for e in logs if e["event"] == "runtime.kafka_connecting"]
    assert connecting
    assert connecting[0]["security_protocol"] == "SASL_PLAINTEXT"
    assert connecting[0]["sasl_username"] == "voorportaal-intake"
    assert any(e["event"] == "runtime.messaging_start_failed" for e in logs)
    assert PASSWORD not in repr(logs)
