"""Settings per service and the retry policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import generate_staff_key_pair
from voorportaal_kit.consumer import RetryPolicy
from voorportaal_kit.settings import DEV_JWT_SECRET


def test_service_reads_its_own_prefix_and_the_shared_broker_address(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("VOORPORTAAL_INTAKE_HTTP_PORT", "9101")
    monkeypatch.setenv("VOORPORTAAL_ROUTING_HTTP_PORT", "9102")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker-a:9092,broker-b:9092")
    monkeypatch.setenv("VOORPORTAAL_INTAKE_DATA_DIR", str(tmp_path))
    settings = IntakeSettings()
    assert settings.http_port == 9101
    assert settings.kafka_bootstrap_servers == "broker-a:9092,broker-b:9092"
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path}/intake.db"
    assert settings.event_source == "/voorportaal/intake"


def test_nested_auth_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOORPORTAAL_INTAKE_AUTH__ISSUER", "https://idp.example.nl")
    monkeypatch.setenv("VOORPORTAAL_INTAKE_AUTH__HS256_SECRET", "s" * 40)
    assert IntakeSettings().auth.issuer == "https://idp.example.nl"


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOORPORTAAL_INTAKE_ENVIRONMENT", "production")
    monkeypatch.setenv("VOORPORTAAL_INTAKE_AUTH__HS256_SECRET", DEV_JWT_SECRET)
    # The refused settings are listed together (the intake also has its citizen link key).
    with pytest.raises(
        ValidationError, match=r"auth\.hs256_secret(, [a-z0-9_.]+)*: development default"
    ):
        IntakeSettings()


def test_retry_delays_double_and_cap() -> None:
    policy = RetryPolicy(max_attempts=6, initial_backoff_s=0.5, max_backoff_s=3)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1, 2, 3, 3]


@given(st.integers(1, 60), st.floats(0.01, 5), st.floats(0.01, 60))
def test_retry_delay_is_positive_and_never_above_the_cap(
    attempt: int, initial: float, cap: float
) -> None:
    delay = RetryPolicy(initial_backoff_s=initial, max_backoff_s=cap).delay(attempt)
    assert 0 < delay <= cap


def test_one_auth_setting_from_the_environment_keeps_the_development_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # `voorportaal up` gives every service the console's public key this way.
    (tmp_path / "console.pub").write_bytes(generate_staff_key_pair()[1])
    monkeypatch.setenv(
        "VOORPORTAAL_INTAKE_AUTH__STAFF_PUBLIC_KEY_FILE", str(tmp_path / "console.pub")
    )
    settings = IntakeSettings()
    assert settings.auth.hs256_secret is not None
    assert settings.auth.hs256_secret.get_secret_value() == DEV_JWT_SECRET
    monkeypatch.setenv("VOORPORTAAL_INTAKE_AUTH__ALGORITHMS", '["ES256"]')
    assert IntakeSettings().auth.hs256_secret is None
    # Outside development nothing is filled in: the missing secret is named.
    monkeypatch.delenv("VOORPORTAAL_INTAKE_AUTH__ALGORITHMS")
    monkeypatch.setenv("VOORPORTAAL_INTAKE_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="HS256 requires hs256_secret"):
        IntakeSettings()


def test_a_comma_separated_cluster_is_split_into_every_address() -> None:
    """(FastStream would take the string as one host; the cluster fault test proves the
    consumers then start on three brokers.)"""
    from voorportaal_kit.kafka import bootstrap_list

    servers = "127.0.0.1:19092, 127.0.0.1:19192,127.0.0.1:19292"
    assert bootstrap_list(servers) == ["127.0.0.1:19092", "127.0.0.1:19192", "127.0.0.1:19292"]


def test_replication_follows_the_cluster_three_copies_two_in_sync_on_three_brokers() -> None:
    from voorportaal_kit.kafka import replication_for

    assert replication_for(1) == (1, 1)
    assert replication_for(2) == (2, 1)
    assert replication_for(3) == (3, 2)
    assert replication_for(5) == (3, 2)
