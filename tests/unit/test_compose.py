"""infra/compose.yaml (issue 17 item 6): what `voorportaal up` runs, each part with an image
or a build of its own Dockerfile, a health check, and dependencies that wait for health. No
Docker engine exists here, so the file is read, not run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from voorportaal.services import SERVICES

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((INFRA / "compose.yaml").read_text())
    return loaded


def test_compose_runs_what_voorportaal_up_runs(compose: dict[str, Any]) -> None:
    expected = {"kafka", "postgres", "devservers", "buddy", "portal", *SERVICES}
    assert set(compose["services"]) == expected
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")


def test_every_part_has_a_pinned_image_or_its_own_dockerfile(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert ("image" in service) != ("build" in service), name
        if "image" in service:
            repository, _, tag = service["image"].rpartition(":")
            assert repository and tag and tag != "latest", name
        else:
            build = service["build"]
            assert build["context"] == ".."
            assert (INFRA / build["context"] / build["dockerfile"]).is_file(), name
    for name in SERVICES:
        assert compose["services"][name]["build"]["dockerfile"] == f"services/{name}/Dockerfile"
    assert compose["services"]["buddy"]["build"]["dockerfile"] == "frontends/buddy/Dockerfile"
    assert compose["services"]["portal"]["build"]["dockerfile"] == "frontends/portal/Dockerfile"


def test_every_part_has_a_health_check_and_waits_for_the_health_of_what_it_needs(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
        for needed, condition in service.get("depends_on", {}).items():
            assert condition == {"condition": "service_healthy"}, f"{name} → {needed}"
            assert "healthcheck" in services[needed], needed
    for name, info in SERVICES.items():
        assert f"127.0.0.1:{info.port}/ready" in str(services[name]["healthcheck"]["test"])
        assert {"kafka", "postgres"} <= set(services[name]["depends_on"])
    assert "/ping" in str(services["buddy"]["healthcheck"]["test"])
    assert "/ping" in str(services["portal"]["healthcheck"]["test"])


def test_every_message_link_opens_the_citizen_portal(compose: dict[str, Any]) -> None:
    services = compose["services"]
    portal = "http://localhost:${PORTAL_PORT:-3001}"
    assert services["notify"]["environment"]["VOORPORTAAL_NOTIFY_CITIZEN_LINK_BASE_URL"] == (
        f"{portal}/l"
    )
    assert services["intake"]["environment"]["VOORPORTAAL_INTAKE_PORTAL_URL"] == portal


def test_ports_are_published_on_the_loopback_only(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name}: {port}"


def test_every_variable_compose_reads_is_in_the_env_example(compose: dict[str, Any]) -> None:
    text = (INFRA / "compose.yaml").read_text()
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    example = {
        line.split("=", 1)[0]
        for line in (INFRA / "compose.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert used
    assert used <= example, used - example
    gitignore = (REPO / ".gitignore").read_text().split()
    assert "infra/.env" in gitignore or "/infra/.env" in gitignore


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_services_compose_settings_are_real_settings(
    compose: dict[str, Any], service: str
) -> None:
    """A misspelt VOORPORTAAL_<SERVICE>_ variable would be ignored without a word."""
    fields = type(SERVICES[service].definition().settings).model_fields
    prefix = f"VOORPORTAAL_{service.upper()}_"
    names = [n for n in compose["services"][service]["environment"] if n.startswith(prefix)]
    assert names
    for name in names:
        assert name.removeprefix(prefix).lower().split("__")[0] in fields, name


def test_every_folder_compose_mounts_from_the_repository_exists(compose: dict[str, Any]) -> None:
    """A bind mount of a moved file would start a container with an empty folder in its place
    (the development servers moved out of notify's package once)."""
    for name, part in compose["services"].items():
        for volume in part.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("../"):
                assert (INFRA / source).resolve().exists(), f"{name}: {source} does not exist"


def test_the_development_servers_run_the_module_that_exists(compose: dict[str, Any]) -> None:
    command = compose["services"]["devservers"]["command"]
    module = command[command.index("-m") + 1]
    assert (REPO / "src" / Path(*module.split("."))).is_dir(), module
