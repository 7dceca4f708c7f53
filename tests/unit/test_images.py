"""Container images (issue 17 item 6). No Docker engine exists here, so each Dockerfile is
read for the rules, and the install it runs is run here on a copy of exactly what it copies:
uv must find in that copy what the image needs, and install that part's packages only."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "routing", "dossier", "notify")
MEMBERS = {
    "voorportaal-contracts",
    "voorportaal-kit",
    *(f"voorportaal-{s}" for s in SERVICES),
    "voorportaal-buddy",
    "voorportaal-portal",
    "voorportaal",
}
DEV_TOOLS = {"pytest", "ruff", "mypy", "hypothesis", "schemathesis", "selenium"}


@dataclass(frozen=True)
class Image:
    """One image: its Dockerfile, the workspace member it installs, its own folder."""

    name: str
    dockerfile: Path
    package: str
    folder: str


IMAGES = [
    *(
        Image(s, REPO / "services" / s / "Dockerfile", f"voorportaal-{s}", f"services/{s}/")
        for s in SERVICES
    ),
    Image(
        "buddy",
        REPO / "frontends" / "buddy" / "Dockerfile",
        "voorportaal-buddy",
        "frontends/buddy/",
    ),
    Image(
        "portal",
        REPO / "frontends" / "portal" / "Dockerfile",
        "voorportaal-portal",
        "frontends/portal/",
    ),
]
FRONTENDS = ("buddy", "portal")
"""Reflex apps: page and websocket on one port, probed at `/ping`."""


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def stages(dockerfile: Path) -> list[list[tuple[str, str]]]:
    """The instructions of each build stage (what follows each FROM, the FROM included)."""
    result: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions(dockerfile):
        if keyword == "FROM":
            result.append([])
        if result:
            result[-1].append((keyword, rest))
    return result


def context_copies(dockerfile: Path) -> list[str]:
    """The sources of every COPY from the build context (not `--from=` another stage)."""
    sources = []
    for keyword, rest in instructions(dockerfile):
        if keyword == "COPY" and "--from=" not in rest:
            words = [w for w in rest.split() if not w.startswith("--")]
            sources += words[:-1]
    return sources


def uv_sync_line(dockerfile: Path) -> str:
    runs = [rest for keyword, rest in instructions(dockerfile) if keyword == "RUN"]
    syncs = [r for r in runs if "uv sync" in r]
    assert len(syncs) == 1, f"{dockerfile}: exactly one `uv sync`"
    return syncs[0]


def build_context(image: Image, tmp_path: Path) -> Path:
    """A copy of exactly what the Dockerfile copies from the repository."""
    context = tmp_path / image.name
    for source in context_copies(image.dockerfile):
        src = REPO / source
        dst = context / source
        if src.is_dir():
            shutil.copytree(
                src, dst, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".web", "tests")
            )
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    return context


def run_uv_sync(image: Image, context: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The Dockerfile's `uv sync` line, run in `context` into `context/.venv`."""
    sync = uv_sync_line(image.dockerfile)
    args = sync[sync.index("uv sync") :].split("&&")[0].split()[2:]
    uv = os.environ.get("UV") or shutil.which("uv")
    assert uv, "uv runs these tests"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env["UV_PROJECT_ENVIRONMENT"] = str(context / ".venv")
    done = subprocess.run(
        [uv, "sync", *args, "--offline", *extra],
        cwd=context,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def planned_packages(image: Image, tmp_path: Path) -> set[str]:
    """What the Dockerfile's `uv sync` installs when run on a copy of what it copies."""
    done = run_uv_sync(image, build_context(image, tmp_path), "--dry-run")
    return {
        re.split(r"[=@ ]", line[3:].strip(), maxsplit=1)[0]
        for line in done.stderr.splitlines()
        if line.startswith(" + ")
    }


@pytest.mark.parametrize("image", IMAGES, ids=lambda i: i.name)
def test_each_image_installs_only_its_own_part_from_the_lockfile(
    image: Image, tmp_path: Path
) -> None:
    sync = uv_sync_line(image.dockerfile)
    assert {"--frozen", "--no-dev", "--no-editable"} <= set(sync.split())
    assert f"--package {image.package}" in sync
    installed = planned_packages(image, tmp_path)
    assert {image.package, "voorportaal-kit", "voorportaal-contracts"} <= installed
    assert installed & MEMBERS == {image.package, "voorportaal-kit", "voorportaal-contracts"}
    assert not installed & DEV_TOOLS
    if image.name in FRONTENDS:
        assert "reflex" in installed
    else:
        assert "reflex" not in installed
        assert ("aiosmtplib" in installed) == (image.name == "notify")


@pytest.mark.parametrize("image", IMAGES, ids=lambda i: i.name)
def test_each_image_copies_only_its_own_members(image: Image) -> None:
    allowed = {"pyproject.toml", "uv.lock", "contracts/", "kit/", image.folder}
    assert set(context_copies(image.dockerfile)) <= allowed
    assert image.folder in context_copies(image.dockerfile)


@pytest.mark.parametrize("image", IMAGES, ids=lambda i: i.name)
def test_each_image_is_multi_stage_and_runs_as_a_user_who_is_not_root(image: Image) -> None:
    built = stages(image.dockerfile)
    assert len(built) >= 2, "multi-stage: the build tools stay out of the runtime image"
    final = built[-1]
    users = [rest for keyword, rest in final if keyword == "USER"]
    assert users, "the runtime stage names its USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert re.fullmatch(r"[1-9]\d*|[a-z_][a-z0-9_-]*", user)
    assert any(k == "COPY" and "--from=build" in rest for k, rest in final)


@pytest.mark.parametrize("image", IMAGES, ids=lambda i: i.name)
def test_each_base_image_has_a_pinned_tag_never_latest(image: Image) -> None:
    args = {}
    for keyword, rest in instructions(image.dockerfile):
        if keyword == "ARG" and "=" in rest:
            name, _, value = rest.partition("=")
            args[name] = value
    stage_names: set[str] = set()
    for keyword, rest in instructions(image.dockerfile):
        if keyword != "FROM":
            continue
        words = rest.split()
        ref = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], words[0])
        if ref not in stage_names:
            name, _, tag = ref.rpartition(":")
            assert name and "/" not in tag, f"{ref}: a tag is required"
            assert tag != "latest"
        if len(words) == 3 and words[1].upper() == "AS":
            stage_names.add(words[2])


@pytest.mark.parametrize("image", IMAGES, ids=lambda i: i.name)
def test_each_image_has_a_healthcheck_on_its_probe_path_and_an_entry_command(
    image: Image,
) -> None:
    final = stages(image.dockerfile)[-1]
    checks = [rest for keyword, rest in final if keyword == "HEALTHCHECK"]
    commands = [rest for keyword, rest in final if keyword == "CMD"]
    assert len(checks) == 1
    assert len(commands) == 1
    if image.name in FRONTENDS:
        assert "/ping" in checks[0]
        assert "--single-port" in commands[0]
    else:
        assert "/health" in checks[0]
        assert commands[0] == f'["python", "-m", "voorportaal_kit.serve", "{image.name}"]'


def test_the_build_context_leaves_local_state_out() -> None:
    ignored = set((REPO / ".dockerignore").read_text().split())
    assert {".git", "**/.venv", "var", ".tools", "frontends/buddy/.web"} <= ignored
    assert "frontends/portal/.web" in ignored


def test_a_citizen_portal_image_exists_once_the_portal_does() -> None:
    portal = REPO / "frontends" / "portal"
    assert (portal / "Dockerfile").exists() == portal.exists()


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_migrates_with_only_what_its_image_installs(
    service: str, tmp_path: Path
) -> None:
    """The image's environment, made the same way, runs the image's command: no import of
    another service, the console or the root package hides in a service."""
    image = next(i for i in IMAGES if i.name == service)
    context = build_context(image, tmp_path)
    run_uv_sync(image, context)
    python = context / ".venv" / "bin" / "python"
    prefix = f"VOORPORTAAL_{service.upper()}_"
    env = {
        "PATH": os.environ["PATH"],
        f"{prefix}DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/{service}.db",
        f"{prefix}DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [str(python), "-m", "voorportaal_kit.serve", service, "--migrate-only"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Log lines may come first (notify in development says its /dev/outbox is not mounted:
    # the development servers are not in its image); the command's own answer is the last line.
    last_line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert (done.returncode, last_line) == (0, f"{service}: migrated"), done.stderr
    foreign = [f"voorportaal_{s}" for s in SERVICES if s != service]
    foreign += ["buddy", "portal", "voorportaal", "reflex", "pytest"]
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.util, sys; "
            "print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m)))",
            *foreign,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (probe.returncode, probe.stdout.strip()) == (0, ""), "importable in this image"
