"""Notify's production package ships no development servers (issue 14)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

_PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import voorportaal_notify
    for module in pkgutil.walk_packages(voorportaal_notify.__path__, "voorportaal_notify."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    from pydantic import SecretStr
    from voorportaal_kit.auth import AuthSettings, generate_staff_key_pair
    from voorportaal_notify.app import definition
    from voorportaal_notify.settings import NotifySettings
    production = NotifySettings(
        environment="production",
        kafka_bootstrap_servers="127.0.0.1:1",
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="voorportaal-notify",
        kafka_sasl_password=SecretStr("kafka-password-of-production"),
        auth=AuthSettings(
            hs256_secret=SecretStr("p" * 40),
            hs256_staff_tokens=False,
            staff_public_key_pem=generate_staff_key_pair()[1].decode(),
        ),
        link_key=SecretStr("q" * 40),
        audit_anchor_key=SecretStr("a" * 40),
        smtp_host="smtp.example.nl",
        smtp_port=587,
        smtp_starttls=True,
        sms_gateway_url="https://sms.example.nl/messages",
    )
    definition(production)
    loaded = sorted(
        m for m in sys.modules
        if m.startswith("voorportaal.devservers") or m.split(".")[0] == "aiosmtpd"
    )
    print(",".join(loaded))
    """
)


def test_importing_notifys_production_modules_does_not_import_the_dev_servers() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "", f"loaded by production code: {probe.stdout.strip()}"


def test_the_dev_servers_live_outside_notifys_package() -> None:
    import voorportaal_notify

    names = [m.name for m in __import__("pkgutil").iter_modules(voorportaal_notify.__path__)]
    assert "devservers" not in names
