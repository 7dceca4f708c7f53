"""The secured local broker (`infra/kafka/kafka.sh start --secure`) as the CLI and the tests
use it: where it listens, the CA to trust, and each principal's login.

`kafka.sh` makes a password per principal under `<state>/kafka-secure/secrets/` (0600) and a
librdkafka config per principal for `kcat -F`; this module turns them into the environment a
service, an agency or the operator runs with.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from voorportaal.services import REPO_ROOT
from voorportaal_kit.kafka_client import KafkaConnection, SecurityProtocol

KAFKA_SCRIPT = REPO_ROOT / "infra" / "kafka" / "kafka.sh"
OPERATOR = "operator"
"""The secured broker's only super user: it applies topics and ACLs."""


def service_principal(service: str) -> str:
    """The principal a service logs in as (`voorportaal-<service>`)."""
    return f"voorportaal-{service}"


def agency_principal(code: str) -> str:
    """The principal an agency logs in as (`agency-<code>`)."""
    return f"agency-{code}"


@dataclass(frozen=True)
class SecureBroker:
    """A running secured broker and its principals' credentials."""

    state_root: Path
    port: int
    clients_dir: Path
    started_in_s: float | None = None
    """How long `kafka.sh start --secure` took (None when it was already running)."""

    @property
    def state_dir(self) -> Path:
        """The broker's own state: data, logs, TLS material, secrets."""
        return self.state_root / "kafka-secure"

    @property
    def bootstrap(self) -> str:
        """Its SASL_SSL listener."""
        return f"127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> Path:
        """The local CA that signed the broker's certificate."""
        return self.state_dir / "tls" / "ca.pem"

    def password_file(self, principal: str) -> Path:
        """The file holding a principal's password (0600)."""
        return self.state_dir / "secrets" / f"{principal}.password"

    def client_config(self, principal: str) -> Path:
        """The principal's librdkafka config (what `kcat -F` reads)."""
        return self.clients_dir / f"{principal}.conf"

    def connection(self, principal: str) -> KafkaConnection:
        """A kit connection logged in as `principal`."""
        return KafkaConnection(
            self.bootstrap,
            SecurityProtocol.SASL_SSL,
            username=principal,
            password=SecretStr(self.password_file(principal).read_text().strip()),
            ca_file=self.ca_file,
        )

    def cluster_env(self) -> dict[str, str]:
        """The cluster-wide settings every client shares."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SSL_CA_FILE": str(self.ca_file),
        }

    def service_env(self, service: str) -> dict[str, str]:
        """A service's environment: its own principal, its password from the file, topics left
        to the operator."""
        prefix = f"VOORPORTAAL_{service.upper()}_"
        return {
            **self.cluster_env(),
            f"{prefix}KAFKA_SASL_USERNAME": service_principal(service),
            f"{prefix}KAFKA_SASL_PASSWORD_FILE": str(
                self.password_file(service_principal(service))
            ),
            f"{prefix}KAFKA_CREATE_TOPICS": "false",
        }

    def cli_env(self, principal: str) -> dict[str, str]:
        """The `voorportaal` CLI's environment logged in as `principal` (the operator, or an
        agency for `voorportaal agency`)."""
        return {
            **self.cluster_env(),
            "VOORPORTAAL_KAFKA_SASL_USERNAME": principal,
            "VOORPORTAAL_KAFKA_SASL_PASSWORD_FILE": str(self.password_file(principal)),
        }


def secure_broker(
    state_root: Path | None = None, env: dict[str, str] | None = None
) -> SecureBroker:
    """The secured broker `kafka.sh` runs for this state root and environment."""
    env = dict(os.environ if env is None else env)
    root = state_root or Path(env.get("VOORPORTAAL_STATE", REPO_ROOT / "var"))
    clients = Path(env.get("KAFKA_CLIENTS_DIR", root / "kafka" / "clients"))
    return SecureBroker(root, int(env.get("KAFKA_SECURE_PORT", "9093")), clients)


def start_secure_broker(env: dict[str, str] | None = None) -> SecureBroker:
    """Start (or find) the secured broker: `kafka.sh start --secure`; raises with its output
    when it fails."""
    env = dict(os.environ if env is None else env)
    began = time.monotonic()
    done = subprocess.run(
        ["bash", str(KAFKA_SCRIPT), "start", "--secure"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"kafka.sh start --secure failed:\n{done.stderr[-4000:]}")
    broker = secure_broker(env=env)
    already = "already running" in done.stdout
    return SecureBroker(
        broker.state_root,
        broker.port,
        broker.clients_dir,
        started_in_s=None if already else round(time.monotonic() - began, 1),
    )


def stop_secure_broker(env: dict[str, str] | None = None) -> None:
    """`kafka.sh stop --secure` (only the broker started from this state root)."""
    subprocess.run(
        ["bash", str(KAFKA_SCRIPT), "stop", "--secure"],
        env=dict(os.environ if env is None else env),
        capture_output=True,
        check=False,
    )
