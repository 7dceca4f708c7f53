"""Production settings: every service starts with a real production configuration, refuses an
unknown environment, and refuses each development default outside development."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient
from pydantic import SecretStr, ValidationError

from voorportaal_dossier.app import definition as dossier_definition
from voorportaal_dossier.settings import DEV_AUDIT_ANCHOR_KEY, DEV_CITIZEN_LINK_KEY, DossierSettings
from voorportaal_intake.app import definition as intake_definition
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import (
    AuthenticationError,
    AuthSettings,
    TokenVerifier,
    generate_staff_key_pair,
    issue_staff_token,
    issue_token,
    load_staff_signing_key,
)
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime
from voorportaal_kit.settings import DEV_JWT_SECRET, Environment, ServiceSettings
from voorportaal_notify.app import definition as notify_definition
from voorportaal_notify.settings import (
    DEV_LINK_KEY,
    DEV_SMS_GATEWAY_URL,
    DEV_SMTP_HOST,
    DEV_SMTP_PORT,
    NotifySettings,
)
from voorportaal_routing.app import definition as routing_definition
from voorportaal_routing.settings import DEV_AGENCY_KEY_SEED, RoutingSettings

CONSOLE_PRIVATE, CONSOLE_PUBLIC = generate_staff_key_pair()
OIDC_PUBLIC = (
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def production_auth(key_file: Path) -> dict[str, Any]:
    """What an operator configures: the OIDC provider's key, the console's public key, and a
    real secret for the citizen links only."""
    key_file.write_bytes(CONSOLE_PUBLIC)
    return {
        "issuer": "https://login.example.nl/realms/voorportaal",
        "algorithms": ["HS256", "RS256"],
        "public_key_pem": OIDC_PUBLIC,
        "hs256_secret": "citizen-link-secret-of-production-0123456789",
        "staff_public_key_file": key_file,
    }


PRODUCTION_KAFKA: dict[str, Any] = {
    "kafka_security_protocol": "SASL_SSL",
    "kafka_sasl_username": "voorportaal-service",
    "kafka_sasl_password": "kafka-password-of-production",
}
"""A service's login on a secured cluster (PLAINTEXT is refused in production)."""


def production(tmp_path: Path) -> dict[str, dict[str, Any]]:
    """A complete production configuration per service (keyword arguments of its settings)."""
    keys = tmp_path / "agency-keys.toml"
    keys.write_text('uwv = "uwv-key-of-production-0123456789abcdef"\n', encoding="utf-8")
    common: dict[str, Any] = {
        "environment": "production",
        "data_dir": tmp_path,
        "kafka_bootstrap_servers": "127.0.0.1:1",
        **PRODUCTION_KAFKA,
        "auth": production_auth(tmp_path / "console.pub"),
    }
    anchor = {"audit_anchor_key": "audit-anchor-key-of-production-0123456789"}
    return {
        "intake": {
            **common,
            **anchor,
            "citizen_link_key": "citizen-link-key-of-production-0123456789",
        },
        "routing": {**common, **anchor, "agency_keys_file": keys},
        "dossier": {
            **common,
            "citizen_link_key": "citizen-link-key-of-production-0123456789",
            "audit_anchor_key": "audit-anchor-key-of-production-0123456789",
        },
        "notify": {
            **common,
            **anchor,
            "link_key": "citizen-link-key-of-production-0123456789",
            "smtp_host": "smtp.example.nl",
            "smtp_port": 587,
            "smtp_starttls": True,
            "sms_gateway_url": "https://sms.example.nl/messages",
        },
    }


SERVICES: dict[str, tuple[type[ServiceSettings], Callable[[Any], ServiceDefinition]]] = {
    "intake": (IntakeSettings, intake_definition),
    "routing": (RoutingSettings, routing_definition),
    "dossier": (DossierSettings, dossier_definition),
    "notify": (NotifySettings, notify_definition),
}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_starts_with_a_production_configuration(service: str, tmp_path: Path) -> None:
    settings_type, definition = SERVICES[service]
    settings = settings_type(**production(tmp_path)[service])
    assert settings.environment is Environment.PRODUCTION
    app = ServiceRuntime(definition(settings)).app()
    client = TestClient(app)
    health = client.get("/health")
    assert health.status_code == 200
    assert health.headers["x-content-type-options"] == "nosniff"
    # The console's token opens the service; a token signed with the old shared development
    # secret does not.
    staff = issue_staff_token(
        load_staff_signing_key(CONSOLE_PRIVATE),
        issuer=settings.auth.staff_issuer,
        audience=settings.auth.audience,
        subject="cm-anna",
        roles=["casemanager"],
        team="team-noord",
    )
    assert TokenVerifier(settings.auth).verify(staff).subject == "cm-anna"
    old = issue_token(
        AuthSettings(hs256_secret=SecretStr(DEV_JWT_SECRET)), "sv-eve", ["supervisor"]
    )
    with pytest.raises(AuthenticationError, match=r"wrong issuer|bad signature"):
        TokenVerifier(settings.auth).verify(old)


def test_routing_starts_in_production_from_the_environment_with_per_agency_keys(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "console.pub").write_bytes(CONSOLE_PUBLIC)
    env = {
        "VOORPORTAAL_ROUTING_ENVIRONMENT": "production",
        "VOORPORTAAL_ROUTING_DATA_DIR": str(tmp_path),
        "VOORPORTAAL_ROUTING_AUTH__STAFF_PUBLIC_KEY_FILE": str(tmp_path / "console.pub"),
        "VOORPORTAAL_ROUTING_AUTH__ALGORITHMS": '["HS256"]',
        "VOORPORTAAL_ROUTING_AUTH__HS256_SECRET": "citizen-link-secret-of-production-0123456789",
        "VOORPORTAAL_ROUTING_AUTH__HS256_STAFF_TOKENS": "false",
        "VOORPORTAAL_ROUTING_AGENCY_KEYS__UWV": "uwv-key-of-production-0123456789abcdef",
        "VOORPORTAAL_ROUTING_AUDIT_ANCHOR_KEY": "audit-anchor-key-of-production-0123456789",
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "VOORPORTAAL_ROUTING_KAFKA_SASL_USERNAME": "voorportaal-routing",
        "VOORPORTAAL_ROUTING_KAFKA_SASL_PASSWORD": "kafka-password-of-production",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = RoutingSettings()
    assert settings.agency_key("uwv") == b"uwv-key-of-production-0123456789abcdef"
    # No derived key stands in for an agency without its own key.
    assert settings.agency_key("svb") is None
    assert TestClient(ServiceRuntime(routing_definition(settings)).app()).get("/health").is_success


def test_agency_keys_come_from_a_file_and_the_environment_wins(tmp_path: Path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('uwv = "a-file-key-0123456789abcdef0123456"\nsvb = "b' + "x" * 40 + '"\n')
    settings = RoutingSettings(
        agency_keys_file=keys, agency_keys={"uwv": SecretStr("an-env-key-0123456789abcdef012345")}
    )
    assert settings.agency_key("uwv") == b"an-env-key-0123456789abcdef012345"
    assert settings.agency_key("svb") == b"b" + b"x" * 40


def test_a_short_agency_key_is_refused_naming_the_agency() -> None:
    with pytest.raises(ValidationError, match=r"agency_keys\.uwv: at least 32 bytes"):
        RoutingSettings(agency_keys={"uwv": SecretStr("short")})


def test_development_derives_agency_keys_from_the_development_seed() -> None:
    assert RoutingSettings().agency_key("uwv") is not None
    assert RoutingSettings().agency_key("uwv") == RoutingSettings(
        agency_key_seed=SecretStr(DEV_AGENCY_KEY_SEED)
    ).agency_key("uwv")


@pytest.mark.parametrize("value", ["prod", "Production", "staging", "test", ""])
def test_an_unknown_environment_is_refused_naming_the_setting(value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        IntakeSettings(environment=value)
    [error] = refused.value.errors()
    assert error["loc"] == ("environment",)
    assert "'development' or 'production'" in error["msg"]


def test_an_unknown_environment_from_the_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VOORPORTAAL_ROUTING_ENVIRONMENT", "prod")
    with pytest.raises(ValidationError, match="environment"):
        RoutingSettings()


# Each development default, as (service, setting named in the error, what to change): None
# removes the setting from the production configuration (its default is the development one),
# a dict sets those values.
DEVELOPMENT_DEFAULTS: list[tuple[str, str, dict[str, Any] | None]] = [
    *((service, "auth.hs256_secret", None) for service in sorted(SERVICES)),
    ("routing", "agency_key_seed", {"agency_key_seed": DEV_AGENCY_KEY_SEED}),
    ("dossier", "citizen_link_key", None),
    ("dossier", "citizen_link_key", {"citizen_link_key": DEV_CITIZEN_LINK_KEY}),
    *(
        (service, "audit_anchor_key", change)
        for service in ("dossier", "intake", "notify", "routing")
        for change in (None, {"audit_anchor_key": DEV_AUDIT_ANCHOR_KEY})
    ),
    ("dossier", "clock_offset_s", {"clock_offset_s": 3600}),
    ("intake", "citizen_link_key", None),
    ("intake", "citizen_link_key", {"citizen_link_key": DEV_CITIZEN_LINK_KEY}),
    ("notify", "link_key", None),
    ("notify", "link_key", {"link_key": DEV_LINK_KEY}),
    ("notify", "smtp_host", {"smtp_host": DEV_SMTP_HOST, "smtp_port": DEV_SMTP_PORT}),
    ("notify", "sms_gateway_url", {"sms_gateway_url": DEV_SMS_GATEWAY_URL}),
]


@pytest.mark.parametrize(("service", "setting", "change"), DEVELOPMENT_DEFAULTS)
def test_each_service_refuses_each_development_default_in_production(
    service: str, setting: str, change: dict[str, Any] | None, tmp_path: Path
) -> None:
    settings_type, _ = SERVICES[service]
    config = production(tmp_path)[service]
    if change is None:
        config.pop(setting.split(".")[0])
    else:
        config.update(change)
    with pytest.raises(ValidationError, match=setting.replace(".", r"\.")):
        settings_type(**config)


def test_the_development_secret_is_refused_even_beside_a_public_key(tmp_path: Path) -> None:
    config = production(tmp_path)["intake"]
    config["auth"] = {**config["auth"], "hs256_secret": DEV_JWT_SECRET}
    with pytest.raises(ValidationError, match=r"auth\.hs256_secret: development default"):
        IntakeSettings(**config)


def test_production_refuses_staff_tokens_signed_with_a_shared_secret(tmp_path: Path) -> None:
    config = production(tmp_path)["intake"]
    config["auth"] = {
        "algorithms": ["HS256"],
        "hs256_secret": "a-real-but-shared-secret-0123456789abcdef",
    }
    with pytest.raises(ValidationError, match="production verifies staff tokens by public key"):
        IntakeSettings(**config)
    config["auth"]["staff_public_key_pem"] = CONSOLE_PUBLIC.decode()
    config["auth"]["hs256_staff_tokens"] = True
    with pytest.raises(ValidationError, match=r"auth\.hs256_staff_tokens"):
        IntakeSettings(**config)


def test_development_keeps_its_defaults() -> None:
    settings = NotifySettings()
    assert settings.environment is Environment.DEVELOPMENT
    assert settings.link_key.get_secret_value() == DEV_LINK_KEY
    assert DossierSettings(clock_offset_s=60).clock_offset_s == 60
    # The development JWT secret still signs local staff tokens (`voorportaal token`, demos).
    token = issue_token(IntakeSettings().auth, "dev", ["casemanager"])
    assert TokenVerifier(IntakeSettings().auth).verify(token).subject == "dev"
