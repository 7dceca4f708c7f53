"""infra/kafka/kafka.sh: the ports each broker listens on (no broker is started here)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "kafka" / "kafka.sh"


def _ports(state: Path, *args: str, **env: str) -> tuple[str, str]:
    """PORT and CONTROLLER_PORT as the script sets them for `args` (e.g. `--secure`)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
    secure = "use_secure;" if "--secure" in args else ""
    done = subprocess.run(
        ["bash", "-c", f'source "{SCRIPT}"; {secure} echo "$PORT $CONTROLLER_PORT"'],
        env={**clean, "VOORPORTAAL_STATE": str(state), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    port, controller = done.stdout.split()
    return port, controller


def test_the_plain_brokers_controller_moved_to_9094(tmp_path: Path) -> None:
    assert _ports(tmp_path) == ("9092", "9094")


def test_a_state_dir_formatted_with_controller_port_9093_keeps_it(tmp_path: Path) -> None:
    (tmp_path / "kafka").mkdir()
    (tmp_path / "kafka" / "server.properties").write_text(
        "process.roles=broker,controller\ncontroller.quorum.voters=1@127.0.0.1:9093\n"
    )
    assert _ports(tmp_path) == ("9092", "9093")
    # An explicit setting still wins.
    assert _ports(tmp_path, KAFKA_CONTROLLER_PORT="19094") == ("9092", "19094")


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, ("9093", "9095")), ({"KAFKA_SECURE_PORT": "29093"}, ("29093", "9095"))],
)
def test_the_secured_broker_listens_on_9093_unless_told(
    tmp_path: Path, env: dict[str, str], expected: tuple[str, str]
) -> None:
    assert _ports(tmp_path, "--secure", **env) == expected


def test_the_cli_asks_the_script_about_the_secured_broker(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
    done = subprocess.run(
        [sys.executable, "-m", "voorportaal", "infra", "kafka", "status", "--secure"],
        env={**clean, "VOORPORTAAL_STATE": str(tmp_path), "KAFKA_SECURE_PORT": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3
    assert "kafka not running" in done.stdout


def test_a_secured_broker_of_another_state_dir_is_not_taken_for_ours(tmp_path: Path) -> None:
    # Something answers on the secured port and its log says a broker started, but no broker
    # was started from this state dir: our passwords would not open it, so the start stops.
    logs = tmp_path / "kafka-secure" / "logs"
    logs.mkdir(parents=True)
    (logs / "server.log").write_text("INFO [KafkaRaftServer nodeId=1] Kafka Server started\n")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        clean = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
        done = subprocess.run(
            ["bash", str(SCRIPT), "start", "--secure"],
            env={
                **clean,
                "VOORPORTAAL_STATE": str(tmp_path),
                "KAFKA_SECURE_PORT": str(listener.getsockname()[1]),
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode != 0
    assert "not started from" in done.stderr
