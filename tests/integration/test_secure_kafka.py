"""The secured broker (`kafka.sh start --secure`) enforces who reads and writes what: each
agency with its own login (kcat, an agency's own client, with its config file from kafka.sh)
reads only its own referral topic and answers only on the responses topic, and every service
runs the flow under its own principal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from intake_flow import running
from test_routing_flow import _cli, _referrals, _submit_intake

from voorportaal.secure_broker import OPERATOR, SecureBroker, agency_principal
from voorportaal_contracts.topics import CASE_EVENTS, REFERRAL_RESPONSES, referral_topic
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.auth import issue_token

pytestmark = pytest.mark.integration
INTAKE_PORT, ROUTING_PORT, DOSSIER_PORT, NOTIFY_PORT = 8964, 8965, 8966, 8967
SERVICES = ("intake", "routing", "dossier", "notify")
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _kcat() -> None:
    subprocess.run(["bash", str(REPO_ROOT / "scripts" / "test-tools.sh")], check=True)


def kcat(broker: SecureBroker, principal: str, *args: str, data: str | None = None) -> Any:
    """Run kcat as `principal`, with the config file kafka.sh wrote for it."""
    return subprocess.run(
        ["kcat", "-F", str(broker.client_config(principal)), "-m", "15", *args],
        input=data,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def produce(broker: SecureBroker, principal: str, topic: str, value: str) -> Any:
    """One message, waited for (kcat exits non-zero when it is not delivered)."""
    return kcat(broker, principal, "-P", "-t", topic, "-k", "test", data=value + "\n")


def read_all(broker: SecureBroker, principal: str, topic: str) -> Any:
    """Everything on `topic` now (kcat's simple consumer: no group), then exit."""
    return kcat(broker, principal, "-C", "-t", topic, "-o", "beginning", "-e", "-q")


def test_an_agency_reads_its_own_referral_topic_and_is_refused_another_agencys(
    secure_kafka: SecureBroker,
) -> None:
    own, other = f"for-uwv-{uuid.uuid4().hex}", f"for-svb-{uuid.uuid4().hex}"
    assert produce(secure_kafka, OPERATOR, referral_topic("uwv"), own).returncode == 0
    assert produce(secure_kafka, OPERATOR, referral_topic("svb"), other).returncode == 0

    mine = read_all(secure_kafka, agency_principal("uwv"), referral_topic("uwv"))
    assert mine.returncode == 0, mine.stderr
    assert own in mine.stdout

    refused = read_all(secure_kafka, agency_principal("uwv"), referral_topic("svb"))
    assert refused.returncode != 0
    assert "Topic authorization failed" in refused.stderr
    assert other not in refused.stdout
    # The other agency does read it: the refusal is the ACL, not the topic.
    assert other in read_all(secure_kafka, agency_principal("svb"), referral_topic("svb")).stdout


def test_a_municipality_reads_its_own_referral_topic_and_is_refused_another_municipalitys(
    secure_kafka: SecureBroker,
) -> None:
    """Amsterdam's gemeente and Rotterdam's are two agencies: neither reads the other's
    identity handovers (issue 17 item 3), and the bare `gemeente` has no topic at all."""
    amsterdam, rotterdam = "gemeente-gm0363", "gemeente-gm0599"
    own, other = f"for-amsterdam-{uuid.uuid4().hex}", f"for-rotterdam-{uuid.uuid4().hex}"
    assert produce(secure_kafka, OPERATOR, referral_topic(amsterdam), own).returncode == 0
    assert produce(secure_kafka, OPERATOR, referral_topic(rotterdam), other).returncode == 0

    mine = read_all(secure_kafka, agency_principal(amsterdam), referral_topic(amsterdam))
    assert mine.returncode == 0, mine.stderr
    assert own in mine.stdout

    refused = read_all(secure_kafka, agency_principal(amsterdam), referral_topic(rotterdam))
    assert refused.returncode != 0
    assert "Topic authorization failed" in refused.stderr
    assert other not in refused.stdout
    theirs = read_all(secure_kafka, agency_principal(rotterdam), referral_topic(rotterdam))
    assert other in theirs.stdout
    with pytest.raises(ValueError, match="one agency per municipality"):
        referral_topic("gemeente")


def test_an_agency_cannot_write_to_case_events(secure_kafka: SecureBroker) -> None:
    forged = f"forged-{uuid.uuid4().hex}"
    refused = produce(secure_kafka, agency_principal("uwv"), CASE_EVENTS, forged)
    assert refused.returncode != 0
    assert forged not in read_all(secure_kafka, OPERATOR, CASE_EVENTS).stdout


def test_an_agency_can_write_to_referral_responses(secure_kafka: SecureBroker) -> None:
    answer = f"answer-{uuid.uuid4().hex}"
    written = produce(secure_kafka, agency_principal("uwv"), REFERRAL_RESPONSES, answer)
    assert written.returncode == 0, written.stderr
    assert answer in read_all(secure_kafka, OPERATOR, REFERRAL_RESPONSES).stdout


def test_a_principal_without_the_right_password_is_refused(secure_kafka: SecureBroker) -> None:
    config = secure_kafka.client_config(agency_principal("uwv")).read_text()
    wrong = secure_kafka.state_dir / "wrong.conf"
    wrong.write_text(
        "\n".join(
            "sasl.password=not-the-password" if line.startswith("sasl.password=") else line
            for line in config.splitlines()
        )
    )
    done = subprocess.run(
        ["kcat", "-F", str(wrong), "-m", "10", "-L"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "Authentication failed" in done.stderr


@pytest.fixture
def secure_services(
    secure_kafka: SecureBroker,
    pg_database_url: str,
    second_pg_database_url: str,
    tmp_path: Path,
) -> Iterator[dict[str, str]]:
    """The four services as processes, each logged in as its own principal (intake and routing
    on PostgreSQL, the dossier and notify on SQLite files of their own)."""
    env = {
        **os.environ,
        **{k: v for service in SERVICES for k, v in secure_kafka.service_env(service).items()},
        "VOORPORTAAL_INTAKE_DATABASE_URL": pg_database_url,
        "VOORPORTAAL_INTAKE_HTTP_PORT": str(INTAKE_PORT),
        "VOORPORTAAL_ROUTING_DATABASE_URL": second_pg_database_url,
        "VOORPORTAAL_ROUTING_HTTP_PORT": str(ROUTING_PORT),
        "VOORPORTAAL_DOSSIER_DATA_DIR": str(tmp_path / "dossier"),
        "VOORPORTAAL_DOSSIER_HTTP_PORT": str(DOSSIER_PORT),
        "VOORPORTAAL_NOTIFY_DATA_DIR": str(tmp_path / "notify"),
        "VOORPORTAAL_NOTIFY_HTTP_PORT": str(NOTIFY_PORT),
    }
    ports = dict(zip(SERVICES, (INTAKE_PORT, ROUTING_PORT, DOSSIER_PORT, NOTIFY_PORT), strict=True))
    with running(env, tmp_path, ports):
        yield env


AGENCY = "toeslagen"
"""The agency the flow reaches (the sample intake shares with it)."""


def test_each_service_runs_the_flow_under_its_own_principal(
    secure_kafka: SecureBroker, secure_services: dict[str, str], tmp_path: Path
) -> None:
    log = (tmp_path / "intake.log").read_text()
    assert '"sasl_username": "voorportaal-intake"' in log
    assert secure_kafka.password_file("voorportaal-intake").read_text().strip() not in log

    case_id = _submit_intake(port=INTAKE_PORT)
    rows = _referrals(
        case_id, lambda rows: any(r["agency_code"] == AGENCY for r in rows), port=ROUTING_PORT
    )
    referral = next(r for r in rows if r["agency_code"] == AGENCY)

    # The agency, logged in as itself, reads the referral with the reference integration and
    # answers; routing (as itself) applies the answer.
    agency_env = {
        **os.environ,
        **secure_kafka.cli_env(agency_principal(AGENCY)),
        "VOORPORTAAL_AGENCY_DIR": str(tmp_path / "agency"),
    }
    group = f"agency-{AGENCY}-test-{uuid.uuid4().hex[:8]}"
    offered: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while not offered and time.monotonic() < deadline:
        listened = _cli(agency_env, "listen", AGENCY, "--once", "--json", "--group", group)
        offered = [
            m
            for m in map(json.loads, (x for x in listened.splitlines() if x.startswith("{")))
            if m.get("case_id") == case_id and m["type"].endswith("offered")
        ]
    assert {m["referral_id"] for m in offered} == {referral["id"]}
    assert "accept sent" in _cli(agency_env, "respond", referral["id"], "accept")
    _referrals(case_id, lambda rows: any(r["state"] == "accepted" for r in rows), port=ROUTING_PORT)

    # The dossier (as itself) folded the intake and the agency's answer into the case; every
    # service's consumers and relay run under its own login, with no authorisation refused.
    supervisor = issue_token(DossierSettings().auth, "sv-test", ["supervisor"])
    _until_case(case_id, supervisor)
    for service, port in (("dossier", DOSSIER_PORT), ("notify", NOTIFY_PORT)):
        ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10).json()
        assert ready["messaging"]["broker"] == "ok", (service, ready)
        assert ready["messaging"]["consumers"] == "running", (service, ready)
        log = (tmp_path / f"{service}.log").read_text()
        assert f'"sasl_username": "voorportaal-{service}"' in log
        assert "AuthorizationFailed" not in log, service
        assert secure_kafka.password_file(f"voorportaal-{service}").read_text().strip() not in log

    # Another agency's login is refused the topic by the broker.
    other = subprocess.run(
        [sys.executable, "-m", "voorportaal", "agency", "listen", AGENCY, "--once"],
        env={**agency_env, **secure_kafka.cli_env(agency_principal("uwv"))},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert case_id not in other.stdout


def _until_case(case_id: str, token: str, wait_s: float = 90) -> dict[str, Any]:
    """The dossier's case page once it shows the agency's acceptance."""
    with httpx.Client(base_url=f"http://127.0.0.1:{DOSSIER_PORT}", timeout=10) as http:
        deadline = time.monotonic() + wait_s
        page: dict[str, Any] = {}
        while time.monotonic() < deadline:
            response = http.get(f"/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
            if response.status_code == 200:
                page = response.json()
                if '"accepted"' in json.dumps(page.get("referrals", [])):
                    return page
            time.sleep(0.5)
    raise AssertionError(f"the dossier never showed the accepted referral: {page}")
