"""Kubernetes and Strimzi under infra/k8s/ (issue 17 item 6): generated from the code, so
they cannot drift, and valid against the Kubernetes, Strimzi and KEDA schemas (kubeconform)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from voorportaal import k8s
from voorportaal.acls import Acl, acls
from voorportaal.cli import agency_codes
from voorportaal.services import SERVICES
from voorportaal_kit.auth import generate_staff_key_pair
from voorportaal_kit.kafka import all_topic_specs

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "infra" / "k8s"
SCHEMAS = "infra/k8s/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json"
KUBECONFORM = REPO / ".tools" / "bin" / "kubeconform"


def _ca_certificate() -> bytes:
    """A self-signed CA certificate, standing in for Strimzi's cluster CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cluster-ca")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


FILES = {
    # What the mounted Secrets hold, for the settings test: the console's public key, the
    # cluster CA, and routing's agency keys.
    "public.pem": generate_staff_key_pair()[1],
    "ca.crt": _ca_certificate(),
    "agency-keys.toml": b'uwv = "uwv-key-of-production-0123456789abcdef"\n',
}


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return k8s.render(agency_codes())


def docs(relative: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((K8S / relative).read_text()) if d]


def manifests() -> list[Path]:
    return sorted(
        p
        for p in K8S.rglob("*.yaml")
        if p.name != "kustomization.yaml" and "schemas" not in p.parts
    )


def kubeconform(*paths: Path) -> subprocess.CompletedProcess[str]:
    tool = KUBECONFORM if KUBECONFORM.exists() else shutil.which("kubeconform")
    assert tool, "kubeconform is missing: run scripts/test-tools.sh"
    return subprocess.run(
        [str(tool), "-strict", "-summary", "-schema-location", SCHEMAS, *map(str, paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_committed_manifests_are_what_the_code_generates(generated: dict[str, str]) -> None:
    assert k8s.stale(K8S, generated) == [], "run `uv run voorportaal k8s`"
    committed = {str(p.relative_to(K8S)) for p in K8S.rglob("*.yaml") if "schemas" not in p.parts}
    assert committed == set(generated), "a file under infra/k8s/ the code does not write"


def test_every_manifest_is_valid_against_the_kubernetes_strimzi_and_keda_schemas() -> None:
    checked = kubeconform(*manifests())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Invalid: 0, Errors: 0, Skipped: 0" in checked.stdout


@pytest.mark.parametrize(
    ("relative", "old", "new"),
    [
        ("services/intake.yaml", "livenessProbe:", "livenesProbe:"),
        ("strimzi/users.yaml", "      - Read\n", "      - Reed\n"),
        ("strimzi/topics.yaml", "  partitions: 6\n", "  partitions: six\n"),
        ("services/routing.yaml", "  scaleTargetRef:", "  scaleTarget:"),
    ],
    ids=["misspelt-probe", "unknown-acl-operation", "partitions-not-a-number", "keda-typo"],
)
def test_kubeconform_refuses_a_broken_manifest(
    relative: str, old: str, new: str, tmp_path: Path
) -> None:
    text = (K8S / relative).read_text()
    assert old in text
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace(old, new, 1))
    assert kubeconform(broken).returncode == 1


def test_each_kafka_user_has_exactly_the_grants_of_voorportaal_acls() -> None:
    codes = agency_codes()
    expected = set(acls(codes))
    expected |= set(k8s.keda_acls([lag for ls in k8s.service_lags().values() for lag in ls]))
    found: set[Acl] = set()
    users = {}
    for user in docs("strimzi/users.yaml"):
        name = user["metadata"]["name"]
        users[name] = user
        assert user["spec"]["authentication"] == {"type": "scram-sha-512"}
        for grant in user["spec"].get("authorization", {}).get("acls", []):
            resource = grant["resource"]
            for operation in grant["operations"]:
                found.add(
                    Acl(
                        f"User:{name}",
                        operation,
                        resource["type"],
                        resource.get("name", "kafka-cluster"),
                        resource.get("patternType") == "prefix",
                    )
                )
    assert found == expected
    assert {f"agency-{code}" for code in codes} <= set(users)
    assert {f"voorportaal-{s}" for s in SERVICES} <= set(users)
    assert "authorization" not in users[k8s.OPERATOR_USER]["spec"]
    cluster = next(d for d in docs("strimzi/kafka.yaml") if d["kind"] == "Kafka")
    assert cluster["spec"]["kafka"]["authorization"]["superUsers"] == [k8s.OPERATOR_USER]


def test_every_topic_is_a_kafka_topic_with_three_replicas_and_two_in_sync() -> None:
    topics = {t["spec"]["topicName"]: t["spec"] for t in docs("strimzi/topics.yaml")}
    specs = all_topic_specs(agency_codes())
    assert set(topics) == {s.name for s in specs}
    for spec in specs:
        topic = topics[spec.name]
        assert (topic["partitions"], topic["replicas"]) == (spec.partitions, 3)
        assert topic["config"]["min.insync.replicas"] == "2"
        assert topic["config"]["retention.ms"] == spec.config(2)["retention.ms"]


def test_the_cluster_runs_kraft_on_three_nodes_with_tls_and_scram() -> None:
    pool, cluster = docs("strimzi/kafka.yaml")
    assert pool["kind"] == "KafkaNodePool"
    assert (pool["spec"]["replicas"], sorted(pool["spec"]["roles"])) == (
        3,
        ["broker", "controller"],
    )
    listeners = cluster["spec"]["kafka"]["listeners"]
    assert all(listener["tls"] for listener in listeners)
    assert {listener["authentication"]["type"] for listener in listeners} == {
        "scram-sha-512",
        "tls",
    }
    config = cluster["spec"]["kafka"]["config"]
    assert (config["min.insync.replicas"], config["auto.create.topics.enable"]) == (2, False)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_has_probes_resources_a_budget_and_scales_on_its_own_lag(
    service: str,
) -> None:
    by_kind = {d["kind"]: d for d in docs(f"services/{service}.yaml")}
    pod = by_kind["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert {"requests", "limits"} <= set(container["resources"])
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert by_kind["PodDisruptionBudget"]["spec"]["minAvailable"] == 1
    scaled = by_kind["ScaledObject"]["spec"]
    assert scaled["scaleTargetRef"]["name"] == f"voorportaal-{service}"
    watched = {(t["metadata"]["consumerGroup"], t["metadata"]["topic"]) for t in scaled["triggers"]}
    assert watched == {(lag.group, lag.topic) for lag in k8s.service_lags()[service]}
    assert all(group.startswith(f"{service}.") for group, _ in watched)


def test_secrets_are_referenced_never_given() -> None:
    for path in manifests():
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc:
                continue
            assert doc["kind"] != "Secret", path
            for container in _containers(doc):
                for env in container.get("env", []):
                    if re.search(r"(PASSWORD|SECRET|_KEY|TOKEN|DATABASE_URL)$", env["name"]):
                        assert "valueFrom" in env, f"{path}: {env['name']} has a value"


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if doc["kind"] in {"Deployment", "Job"}:
        containers: list[dict[str, Any]] = doc["spec"]["template"]["spec"]["containers"]
        return containers
    return []


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_services_settings_accept_its_production_environment(
    service: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every VOORPORTAAL_<SERVICE>_ variable names a real setting (a misspelt one would be
    ignored), and with its Secrets filled in the service's settings accept production."""
    deployment = next(d for d in docs(f"services/{service}.yaml") if d["kind"] == "Deployment")
    (container,) = _containers(deployment)
    settings_type = type(SERVICES[service].definition().settings)
    prefix = f"VOORPORTAAL_{service.upper()}_"
    fields = settings_type.model_fields
    for env in container["env"]:
        name = env["name"]
        if name.startswith(prefix):
            first, _, nested = name.removeprefix(prefix).lower().partition("__")
            assert first in fields, f"{name}: no such setting"
            if nested:
                nested_type = fields[first].annotation
                assert nested in nested_type.model_fields, f"{name}: no such setting"  # type: ignore[union-attr]
        value = env.get("value")
        if value is None:
            key = env["valueFrom"]["secretKeyRef"]["key"]
            value = {
                "url": "postgresql+asyncpg://user:pass@db.example.nl:5432/voorportaal",
                "jwks-url": "https://login.example.nl/realms/voorportaal/certs",
                "issuer": "https://login.example.nl/realms/voorportaal",
            }.get(key, f"{key}-of-production-0123456789abcdefghijklmn")
        if name.endswith("_FILE") and value.startswith("/etc/"):
            value = str(tmp_path / Path(value).name)
            Path(value).write_bytes(FILES[Path(value).name])
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(f"{prefix}DATA_DIR", str(tmp_path))
    settings = settings_type()
    assert settings.environment.value == "production"


def test_the_consoles_variables_are_real_console_settings() -> None:
    from buddy.settings import ConsoleSettings

    deployment = next(d for d in docs("console.yaml") if d["kind"] == "Deployment")
    (container,) = _containers(deployment)
    fields = ConsoleSettings.model_fields
    aliases = {
        "VOORPORTAAL_DOSSIER_URL",
        "VOORPORTAAL_ROUTING_URL",
        "VOORPORTAAL_INTAKE_URL",
        "VOORPORTAAL_NOTIFY_URL",
    }
    names = [env["name"] for env in container["env"]]
    assert {"VOORPORTAAL_CONSOLE_ENVIRONMENT", "VOORPORTAAL_CONSOLE_STAFF_KEY_FILE"} <= set(names)
    for name in names:
        if name not in aliases:
            assert name.removeprefix("VOORPORTAAL_CONSOLE_").lower() in fields, name
    probes = {container[p]["httpGet"]["path"] for p in ("livenessProbe", "readinessProbe")}
    assert probes == {"/ping"}


def test_the_portals_variables_are_real_portal_settings_and_links_open_it() -> None:
    from portal.settings import PortalSettings

    deployment = next(d for d in docs("portal.yaml") if d["kind"] == "Deployment")
    (container,) = _containers(deployment)
    aliases = {"VOORPORTAAL_DOSSIER_URL", "VOORPORTAAL_ROUTING_URL", "VOORPORTAAL_INTAKE_URL"}
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["VOORPORTAAL_PORTAL_ENVIRONMENT"] == "production"
    for name in env.keys() - aliases:
        assert name.removeprefix("VOORPORTAAL_PORTAL_").lower() in PortalSettings.model_fields
    assert "volumes" not in deployment["spec"]["template"]["spec"], "the portal holds no secret"
    portal = env["VOORPORTAAL_PORTAL_PUBLIC_URL"]
    # Every link a citizen gets opens the portal: notify's messages, the intake's status link.
    for service, name, wanted in (
        ("notify", "VOORPORTAAL_NOTIFY_CITIZEN_LINK_BASE_URL", f"{portal}/l"),
        ("intake", "VOORPORTAAL_INTAKE_PORTAL_URL", portal),
    ):
        service_deployment = next(
            d for d in docs(f"services/{service}.yaml") if d["kind"] == "Deployment"
        )
        values = {
            e["name"]: e.get("value") for c in _containers(service_deployment) for e in c["env"]
        }
        assert values[name] == wanted, service


@pytest.mark.parametrize("kustomization", ["", "jobs"])
def test_each_kustomization_builds_into_the_namespace_and_stays_valid(
    kustomization: str, tmp_path: Path
) -> None:
    tool = REPO / ".tools" / "bin" / "kustomize"
    assert tool.exists(), "kustomize is missing: run scripts/test-tools.sh"
    built = subprocess.run(
        [str(tool), "build", str(K8S / kustomization)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    resources = [d for d in yaml.safe_load_all(built.stdout) if d]
    listed = yaml.safe_load((K8S / kustomization / "kustomization.yaml").read_text())
    expected = sum(len(docs(f"{kustomization}/{f}".lstrip("/"))) for f in listed["resources"])
    assert len(resources) == expected
    for resource in resources:
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == "voorportaal", resource["metadata"]
    output = tmp_path / "built.yaml"
    output.write_text(built.stdout)
    checked = kubeconform(output)
    assert checked.returncode == 0, checked.stdout
