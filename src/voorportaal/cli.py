"""The `voorportaal` command: start the suite, inspect it, operate dead letters."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from voorportaal.agency import agency
from voorportaal.services import CONSOLE_PORT, PORTAL_PORT, REPO_ROOT, SERVICES
from voorportaal_contracts import asyncapi
from voorportaal_contracts.topics import dlq_topic
from voorportaal_kit.kafka_client import KafkaConnection

KAFKA_SCRIPT = REPO_ROOT / "infra" / "kafka" / "kafka.sh"
POSTGRES_SCRIPT = REPO_ROOT / "infra" / "postgres" / "postgres.sh"
DEFAULT_BOOTSTRAP = "127.0.0.1:9092"


def agency_codes(tenants_file: Path | None = None) -> list[str]:
    """Every agency in routing's directory, each with its own referral topic: the national
    organisations and, per onboarded municipality (routing's tenants file, or this one), its
    gemeente, wijkteam and schuldhulp."""
    from voorportaal_routing.adapters.data_files import load_directory, read_tenants
    from voorportaal_routing.domain.directory import Municipality

    load_directory.cache_clear()  # onboarding may just have added a municipality
    directory = load_directory()
    if tenants_file is not None:
        tenants = [Municipality.model_validate(t) for t in read_tenants(tenants_file)]
        directory = directory.model_copy(update={"tenants": tenants})
    return directory.agency_codes()


def _bootstrap() -> str:
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP)


def _kafka() -> KafkaConnection:
    """The operator's connection: `KAFKA_*` for the cluster, `VOORPORTAAL_KAFKA_SASL_*` (or
    `..._PASSWORD_FILE`) for the login."""
    from pydantic import ValidationError

    from voorportaal_kit.settings import KafkaSettings

    try:
        return KafkaSettings().kafka
    except ValidationError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Voorportaal: one front counter for citizens facing several life events at once."""


@main.command()
@click.argument("service", type=click.Choice(sorted(SERVICES)))
def serve(service: str) -> None:
    """Run one service (HTTP API, consumers and outbox relay) in the foreground."""
    from voorportaal_kit.runtime import ServiceRuntime

    ServiceRuntime(SERVICES[service].definition()).serve()


@main.command()
@click.argument("services", nargs=-1, type=click.Choice(sorted(SERVICES)))
def migrate(services: tuple[str, ...]) -> None:
    """Bring the services' databases to the newest schema."""
    from voorportaal_kit import migrations

    for name in services or tuple(SERVICES):
        definition = SERVICES[name].definition()
        url = definition.settings.effective_database_url
        migrations.upgrade(definition.migrations_dir, url)
        click.echo(f"{name}: migrated ({_redact(url)})")


@main.command("asyncapi")
@click.option("--check", is_flag=True, help="Fail if the committed document is out of date.")
@click.option(
    "--output", type=click.Path(path_type=Path), default=asyncapi.DOCUMENT_PATH, show_default=True
)
def asyncapi_cmd(check: bool, output: Path) -> None:
    """Write the AsyncAPI document of every topic (generated from the contracts)."""
    rendered = asyncapi.render()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != rendered:
            raise click.ClickException(f"{output} is out of date: run `voorportaal asyncapi`")
        click.echo(f"{output} is current")
        return
    output.write_text(rendered, encoding="utf-8")
    click.echo(f"wrote {output}")


@main.command()
@click.option(
    "--replication-factor",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="For topics created now (3 in production).",
)
@click.option(
    "--min-insync-replicas",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="min.insync.replicas of every topic (2 in production).",
)
def topics(replication_factor: int, min_insync_replicas: int) -> None:
    """Apply the topics declared in code, as the operator: create the missing ones, set each
    topic's retention, cleanup policy and min.insync.replicas, add partitions where fewer."""
    from voorportaal_kit.kafka import all_topic_specs, apply_topics

    if min_insync_replicas > replication_factor:
        raise click.BadParameter(
            f"{min_insync_replicas} is more than the replication factor {replication_factor}: "
            "no write could ever succeed",
            param_hint="--min-insync-replicas",
        )
    applied = asyncio.run(
        apply_topics(
            _kafka(),
            all_topic_specs(agency_codes()),
            replication_factor=replication_factor,
            min_insync_replicas=min_insync_replicas,
        )
    )
    click.echo(f"created: {', '.join(applied.created)}" if applied.created else "none created")
    click.echo(f"configured: {len(applied.configured)} existing topic(s)")
    for name, count in applied.grown.items():
        click.echo(f"partitions of {name}: now {count}")


@main.command()
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="casemanager, supervisor, operator, citizen or agency:<code>; repeatable.",
)
@click.option("--subject", default="dev-user", show_default=True)
@click.option("--name", default=None)
@click.option("--case-id", default=None, help="Required for a citizen's link.")
@click.option("--ttl", default=3600, show_default=True, help="Lifetime in seconds.")
def token(
    roles: tuple[str, ...], subject: str, name: str | None, case_id: str | None, ttl: int
) -> None:
    """Issue a development token (HS256, local secret) for trying the APIs."""
    from voorportaal_kit.auth import issue_token
    from voorportaal_kit.settings import Environment, ServiceSettings

    settings = ServiceSettings()
    if settings.environment is not Environment.DEVELOPMENT:
        raise click.ClickException("development tokens are issued in development only")
    click.echo(
        issue_token(
            settings.auth, subject, list(roles), name=name, case_id=case_id, ttl_seconds=ttl
        )
    )


@main.group()
def dlq() -> None:
    """List and replay dead letters."""


@dlq.command("list")
@click.argument("topic")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def dlq_list(topic: str, as_json: bool) -> None:
    """Show the messages on TOPIC's dead-letter topic (TOPIC or TOPIC.dlq)."""
    from voorportaal_kit.dlq import read_dead_letters

    name = topic if topic.endswith(".dlq") else dlq_topic(topic)

    async def run() -> int:
        count = 0
        async for letter in read_dead_letters(_kafka(), name):
            count += 1
            row = {
                "offset": letter.offset,
                "event_id": letter.event_id,
                "type": letter.event_type,
                "code": letter.reason_code,
                "reason": letter.reason,
                "from": f"{letter.original_topic}[{letter.original_partition}]"
                f"@{letter.original_offset}",
                "group": letter.consumer_group,
                "attempts": letter.attempts,
                "failed_at": letter.failed_at,
            }
            if as_json:
                click.echo(json.dumps(row))
            else:
                click.echo(
                    f"#{row['offset']} {row['failed_at']} {row['code']}: {row['reason']}"
                    f"\n    type={row['type']} id={row['event_id']} from={row['from']}"
                    f" group={row['group']} attempts={row['attempts']}"
                )
        return count

    count = asyncio.run(run())
    if not as_json:
        click.echo(f"{count} dead letter(s) on {name}")


@dlq.command("replay")
@click.argument("topic")
@click.option("--id", "event_ids", multiple=True, help="Replay only this ce_id; repeatable.")
@click.option("--offset", "offsets", multiple=True, type=int, help="Replay only this offset.")
@click.option(
    "--all",
    "replay_all",
    is_flag=True,
    help="Replay every replayable dead letter once (not malformed ones).",
)
def dlq_replay(
    topic: str, event_ids: tuple[str, ...], offsets: tuple[int, ...], replay_all: bool
) -> None:
    """Republish dead letters to the topic they came from (safe to repeat)."""
    from voorportaal_kit.dlq import replay

    if not (event_ids or offsets or replay_all):
        raise click.UsageError("say which: --id, --offset or --all")
    name = topic if topic.endswith(".dlq") else dlq_topic(topic)
    done = asyncio.run(
        replay(
            _kafka(),
            name,
            event_ids=set(event_ids) if event_ids else None,
            offsets=set(offsets) if offsets else None,
        )
    )
    click.echo(f"replayed {len(done)} message(s) from {name}")


@main.command()
def status() -> None:
    """What runs: each service's health and readiness, consumer lag and dead letters."""
    from voorportaal_kit.kafka import consumer_lag, dead_letter_topics, topic_sizes

    for info in SERVICES.values():
        port = int(os.environ.get(f"VOORPORTAAL_{info.name.upper()}_HTTP_PORT", info.port))
        ready = _get_json(f"http://127.0.0.1:{port}/ready")
        state = "down" if ready is None else ready.get("status", "?")
        checks = (
            ""
            if ready is None
            else " ".join(f"{k}={v}" for k, v in ready.get("checks", {}).items())
        )
        messaging = (ready or {}).get("messaging") or {}
        if messaging:
            checks += (
                f" messaging={messaging.get('status')} broker={messaging.get('broker')}"
                f" consumers={messaging.get('consumers')} relay={messaging.get('relay')}"
                f" outbox_backlog={messaging.get('outbox_backlog')}"
            )
        click.echo(f"{info.name:8} :{port}  {state:10} {checks}")
    try:
        kafka = _kafka()
        lags = asyncio.run(consumer_lag(kafka))
        sizes = asyncio.run(topic_sizes(kafka, asyncio.run(dead_letter_topics(kafka))))
    except Exception as exc:  # noqa: BLE001 - status reports, it does not crash
        click.echo(f"kafka    {_bootstrap()}  unreachable ({type(exc).__name__})")
        return
    click.echo(f"kafka    {_bootstrap()}  up")
    for lag in lags:
        click.echo(f"  lag {lag.group} on {lag.topic}: {lag.lag}")
    if not lags:
        click.echo("  no consumer groups yet")
    for topic, size in sizes.items():
        if size:
            click.echo(f"  dead letters on {topic}: {size}")
    click.echo(f"  dead letters in total: {sum(sizes.values())}")


@main.command()
@click.option(
    "--no-broker", is_flag=True, help="Do not start the local broker (use KAFKA_BOOTSTRAP_SERVERS)."
)
@click.option("--no-demo", is_flag=True, help="Do not seed demo data.")
@click.option("--no-console", is_flag=True, help="Do not build and serve the buddy console.")
@click.option("--no-portal", is_flag=True, help="Do not build and serve the citizen portal.")
@click.option(
    "--secure",
    is_flag=True,
    help="Run on the secured local broker (SASL_SSL on KAFKA_SECURE_PORT, 9093), each service "
    "as its own principal.",
)
def up(no_broker: bool, no_demo: bool, no_console: bool, no_portal: bool, secure: bool) -> None:
    """Start everything: broker, topics, migrations, the services and demo data; Ctrl-C stops."""
    from voorportaal_kit.kafka import all_topic_specs, apply_topics, broker_reachable, ensure_topics

    env = dict(os.environ)
    env.setdefault("VOORPORTAAL_DATA_DIR", str(REPO_ROOT / "var" / "data"))
    for info in SERVICES.values():
        env.setdefault(f"VOORPORTAAL_{info.name.upper()}_DATA_DIR", env["VOORPORTAAL_DATA_DIR"])
    env.setdefault("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP)
    env.setdefault("VOORPORTAAL_DOSSIER_TEAMS", _console_teams())
    _staff_token_keys(env)

    stopping = {"requested": False}

    def request_stop(*_: Any) -> None:
        stopping["requested"] = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    started_broker = False
    operator: KafkaConnection | None = None
    if secure:
        from voorportaal.secure_broker import (
            OPERATOR,
            secure_broker,
            start_secure_broker,
        )

        if no_broker:
            broker = secure_broker(env=env)
        else:
            click.echo("starting the secured Kafka broker (SASL_SSL, ACLs) …")
            broker = start_secure_broker(env)
            started_broker = broker.started_in_s is not None
            if broker.started_in_s is not None:
                click.echo(f"secured broker ready in {broker.started_in_s}s")
        env.update(broker.cluster_env())
        for info in SERVICES.values():
            env.update(broker.service_env(info.name))
            # The demos read a service's settings in this process too.
            os.environ.update(broker.service_env(info.name))
        # This process (topics, demo agencies) acts as the operator; the services do not.
        os.environ.update(broker.cli_env(OPERATOR))
        operator = broker.connection(OPERATOR)
    elif not no_broker and "KAFKA_BOOTSTRAP_SERVERS" not in os.environ:
        try:
            asyncio.run(broker_reachable(env["KAFKA_BOOTSTRAP_SERVERS"]))
            click.echo(f"using the Kafka broker already running on {DEFAULT_BOOTSTRAP}")
        except Exception:  # noqa: BLE001 - not reachable: start our own
            click.echo("starting Apache Kafka (KRaft, single node) …")
            subprocess.run(["bash", str(KAFKA_SCRIPT), "start"], check=True)
            started_broker = True

    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    dev_servers = None
    try:
        if operator is not None:
            # Topics are the operator's on a secured broker: the services may not create them.
            asyncio.run(
                apply_topics(
                    operator,
                    all_topic_specs(agency_codes()),
                    replication_factor=1,
                    min_insync_replicas=1,
                )
            )
        else:
            asyncio.run(
                ensure_topics(env["KAFKA_BOOTSTRAP_SERVERS"], all_topic_specs(agency_codes()))
            )
        if (
            "VOORPORTAAL_NOTIFY_SMTP_HOST" not in env
            and "VOORPORTAAL_NOTIFY_SMS_GATEWAY_URL" not in env
        ):
            # Local runs: a real SMTP server and an SMS gateway stub that keep what they get.
            from voorportaal.devservers import start_dev_servers

            dev_servers = start_dev_servers(REPO_ROOT / "var" / "outbox-dev")
            click.echo("local SMTP server on 127.0.0.1:8025, SMS gateway stub on 127.0.0.1:8026")
        log_dir = REPO_ROOT / "var" / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        for info in SERVICES.values():
            with (log_dir / f"{info.name}.log").open("ab") as out:
                # Own session: a Ctrl-C in the terminal reaches only us, and we stop each child
                # with one SIGTERM (a second signal makes uvicorn skip its graceful shutdown).
                proc = subprocess.Popen(
                    [sys.executable, "-m", "voorportaal", "serve", info.name],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            children.append((info.name, proc))
        for (name, proc), info in zip(children, SERVICES.values(), strict=False):
            port = int(env.get(f"VOORPORTAAL_{info.name.upper()}_HTTP_PORT", info.port))
            _wait_healthy(name, port, proc, stopping)
        if not no_demo and not stopping["requested"]:
            _seed_demo()
        if not no_console and not stopping["requested"]:
            children.append(("console", _start_console(env, log_dir)))
            _wait_app(CONSOLE, children[-1][1], stopping)
        if not no_portal and not stopping["requested"]:
            children.append(("portal", _start_portal(env, log_dir)))
            _wait_app(PORTAL, children[-1][1], stopping)
        if not stopping["requested"]:
            _print_urls(env, console=not no_console, portal=not no_portal)
        while not stopping["requested"]:
            dead = [name for name, proc in children if proc.poll() is not None]
            if dead:
                raise click.ClickException(f"stopped unexpectedly: {', '.join(dead)}; see var/log/")
            time.sleep(0.5)
        click.echo("\nstopping …")
    finally:
        _stop_children(children)
        if dev_servers is not None:
            dev_servers.stop()
        if started_broker:
            stop = ["bash", str(KAFKA_SCRIPT), "stop", *(["--secure"] if secure else [])]
            subprocess.run(stop, env=env, check=False)
        click.echo("stopped")


def _stop_children(children: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for _name, proc in children:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for name, proc in children:
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            click.echo(f"{name} did not stop in time; killing it")
            proc.kill()
            proc.wait()


def _wait_healthy(
    name: str, port: int, proc: subprocess.Popen[bytes], stopping: dict[str, bool]
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not stopping["requested"]:
        if proc.poll() is not None:
            raise click.ClickException(f"{name} exited at start; see var/log/{name}.log")
        if _get_json(f"http://127.0.0.1:{port}/health") is not None:
            click.echo(f"{name:8} up on http://127.0.0.1:{port}")
            return
        time.sleep(0.3)
    if stopping["requested"]:
        return
    raise click.ClickException(f"{name} did not answer on port {port} in 60 s")


def _seed_demo() -> None:
    seeded = []
    cases: list[str] = []  # the intake demo's cases; later demos work on those only
    for info in SERVICES.values():
        demo = info.module("demo")
        if demo is not None:
            takes_cases = "cases" in inspect.signature(demo.seed).parameters
            made = demo.seed(cases=list(cases)) if takes_cases else demo.seed()
            cases += [c for c in made if c not in cases]
            seeded.append(f"{info.name} ({len(made)} cases)")
    click.echo(
        f"demo data: {', '.join(seeded)}" if seeded else "demo data: no service has demo data yet"
    )


def _console_teams() -> str:
    """The team of each seeded console account, for the dossier (`VOORPORTAAL_DOSSIER_TEAMS`):
    a handover's receiver is known by id only, so the dossier looks their team up here."""
    from buddy.accounts import AccountStore
    from buddy.settings import DEFAULT_ACCOUNTS_FILE

    return json.dumps(AccountStore.from_file(DEFAULT_ACCOUNTS_FILE).teams(), sort_keys=True)


STAFF_KEYS_DIR = REPO_ROOT / "var" / "keys"
"""Where `voorportaal up` keeps the development key pair of the console's staff tokens."""


def _staff_token_keys(env: dict[str, str]) -> None:
    """The console signs staff tokens with a private key only it holds; the services verify
    them with the public key. On a developer's machine the pair is made once under `var/keys/`
    (unless the environment names other files)."""
    from voorportaal_kit.auth import generate_staff_key_pair

    private_file = STAFF_KEYS_DIR / "console-staff.key"
    public_file = STAFF_KEYS_DIR / "console-staff.pub"
    if not (private_file.exists() and public_file.exists()):
        STAFF_KEYS_DIR.mkdir(parents=True, exist_ok=True)
        private, public = generate_staff_key_pair()
        private_file.touch(mode=0o600)
        private_file.write_bytes(private)
        public_file.write_bytes(public)
    env.setdefault("VOORPORTAAL_CONSOLE_STAFF_KEY_FILE", str(private_file))
    for info in SERVICES.values():
        env.setdefault(
            f"VOORPORTAAL_{info.name.upper()}_AUTH__STAFF_PUBLIC_KEY_FILE", str(public_file)
        )


@dataclass(frozen=True)
class _ReflexApp:
    """A Reflex front end `up` starts after the services (prod mode, one port)."""

    name: str
    """Its name in messages and its log file (`var/log/<name>.log`)."""
    title: str
    script: str
    port_setting: str
    port: int
    services: tuple[str, ...]
    """The services whose URLs it is given (`VOORPORTAAL_<SERVICE>_URL`)."""


CONSOLE = _ReflexApp(
    "console",
    "the buddy console",
    "console.sh",
    "VOORPORTAAL_CONSOLE_PORT",
    CONSOLE_PORT,
    ("dossier", "routing", "intake", "notify"),
)
PORTAL = _ReflexApp(
    "portal",
    "the citizen portal",
    "portal.sh",
    "VOORPORTAAL_PORTAL_PORT",
    PORTAL_PORT,
    ("intake", "routing", "dossier"),
)


def _start_app(app: _ReflexApp, env: dict[str, str], log_dir: Path) -> subprocess.Popen[bytes]:
    """One front end against the running services, in a session of its own (Ctrl-C reaches
    `up`, which stops it with the rest)."""
    app_env = {
        **env,
        app.port_setting: str(app.port),
        **{
            f"VOORPORTAAL_{service.upper()}_URL": f"http://127.0.0.1:{SERVICES[service].port}"
            for service in app.services
        },
    }
    click.echo(f"building and starting {app.title} (a minute the first time) …")
    with (log_dir / f"{app.name}.log").open("ab") as out:
        return subprocess.Popen(
            ["bash", str(REPO_ROOT / "scripts" / app.script), "run"],
            env=app_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _start_console(env: dict[str, str], log_dir: Path) -> subprocess.Popen[bytes]:
    """The buddy console against the running services."""
    return _start_app(CONSOLE, env, log_dir)


def _start_portal(env: dict[str, str], log_dir: Path) -> subprocess.Popen[bytes]:
    """The citizen portal against the running services."""
    return _start_app(PORTAL, env, log_dir)


def _wait_app(app: _ReflexApp, proc: subprocess.Popen[bytes], stopping: dict[str, bool]) -> None:
    """Until the front end answers its `/ping` (a first build takes a while), or it exited."""
    log = f"var/log/{app.name}.log"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not stopping["requested"]:
        if proc.poll() is not None:
            raise click.ClickException(f"the {app.name} exited at start; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{app.port}/ping", timeout=2):
                click.echo(f"{app.name:<8} up on http://127.0.0.1:{app.port}")
                return
        except OSError:
            time.sleep(1)
    if not stopping["requested"]:
        raise click.ClickException(f"the {app.name} did not answer in 240 s; see {log}")


def _print_urls(env: dict[str, str], *, console: bool = True, portal: bool = True) -> None:
    click.echo("\nVoorportaal is running:")
    for info in SERVICES.values():
        port = env.get(f"VOORPORTAAL_{info.name.upper()}_HTTP_PORT", str(info.port))
        click.echo(
            f"  {info.name:8} http://127.0.0.1:{port}   "
            f"(API docs /schema/swagger, health /health, metrics /metrics)"
        )
    click.echo(
        f"  kafka    {env['KAFKA_BOOTSTRAP_SERVERS']}"
        f"  ({env.get('KAFKA_SECURITY_PROTOCOL', 'PLAINTEXT')})"
    )
    if console:
        click.echo(
            f"  console  http://127.0.0.1:{CONSOLE_PORT}  (demo sign-in: anna / anna-noord-2024, "
            "sophie / sophie-super-2024; see frontends/buddy/README.md)"
        )
    if portal:
        click.echo(
            f"  portal   http://127.0.0.1:{PORTAL_PORT}  (the citizen portal: start an intake in "
            "five languages; see frontends/portal/README.md)"
        )
    click.echo(
        f"  sent     http://127.0.0.1:{SERVICES['notify'].port}/dev/outbox  (what the local SMTP "
        "server and SMS stub received; files in var/outbox-dev/)"
    )
    click.echo("  logs     var/log/<service>.log;  `voorportaal status` in another terminal")
    click.echo("Press Ctrl-C to stop everything.")


def _get_json(url: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local URLs only
            data: dict[str, Any] = json.loads(response.read())
            return data
    except urllib.error.HTTPError as exc:
        try:
            body: dict[str, Any] = json.loads(exc.read())
            return body
        except ValueError:
            return {"status": f"http {exc.code}"}
    except (OSError, ValueError):
        return None


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.group()
def infra() -> None:
    """Local infrastructure without Docker: Apache Kafka and PostgreSQL."""


@infra.command("kafka")
@click.argument("action", type=click.Choice(["start", "stop", "status", "reset"]))
@click.option("--secure", is_flag=True, help="The secured broker (SASL_SSL, ACLs) instead.")
def infra_kafka(action: str, secure: bool) -> None:
    """Start, stop or reset the local Kafka broker."""
    command = ["bash", str(KAFKA_SCRIPT), action, *(["--secure"] if secure else [])]
    sys.exit(subprocess.run(command, check=False).returncode)


@infra.command("postgres")
@click.argument("action", type=click.Choice(["start", "stop", "status"]))
def infra_postgres(action: str) -> None:
    """Start or stop the local PostgreSQL (installed with apt-get when absent)."""
    sys.exit(subprocess.run(["bash", str(POSTGRES_SCRIPT), action], check=False).returncode)


@main.group()
def content() -> None:
    """Life-event content (questionnaires, checklists, triage rules)."""


@content.command("check")
@click.option("--version", "version", default=None, help="Content version (default: current).")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to measure the age of `checked` dates against (default: today).",
)
def content_check(version: str | None, today: datetime | None) -> None:
    """Validate the content files; exits non-zero and lists every problem found.

    Every checklist item and triage rule needs its source and checked date (a problem);
    items checked more than a year ago are listed as warnings for a new review.
    """
    from voorportaal_intake.adapters import content_files, translations
    from voorportaal_intake.domain.triage import stale_triage_rules, triage_problems
    from voorportaal_intake.domain.validation import problems, stale

    chosen = version or content_files.CURRENT_VERSION
    day = (today or datetime.now(UTC)).date()
    catalogue = content_files.load_catalogue(chosen)
    events = content_files.load_life_events(chosen)
    triage_content = content_files.load_triage(chosen)
    found: list[str] = []
    warnings: list[str] = []
    for event in events.values():
        found += problems(event, catalogue)
        warnings += stale(event, day)
        click.echo(
            f"{event.code.value:20} {len(event.questions):3} questions "
            f"{len(event.signals):3} signals {len(event.checklist):3} checklist items"
        )
    found += triage_problems(triage_content, {r.code for r in catalogue.risks})
    warnings += stale_triage_rules(triage_content, day)
    root = content_files.CONTENT_ROOT / chosen
    for language in translations.TRANSLATED:
        found += [
            f"{stem}: {path} has no {language} translation"
            for stem, path, _ in translations.missing(root, language)
        ]
        found += [
            f"{entry}: a {language} translation of a text that is not there"
            for entry in translations.stale(root, language)
        ]
    routing_problems, routing_warnings = _routing_and_notify_findings()
    found += routing_problems
    warnings += routing_warnings
    for warning in warnings:
        click.echo(f"  warning: {warning}")
    for problem in found:
        click.echo(f"  problem: {problem}")
    if found:
        raise click.ClickException(f"{len(found)} problem(s) in content {chosen}")
    click.echo(f"content {chosen}: {len(events)} life events, no problems")


@content.command("strings")
@click.option("--language", required=True, type=click.Choice(["tr", "ar", "pl"]))
@click.option("--version", "version", default=None, help="Content version (default: current).")
def content_strings(language: str, version: str | None) -> None:
    """Print the texts that lack a translation into LANGUAGE, as a translation file to fill in
    (the Dutch and English as comments); add them to content/<version>/translations/."""
    from voorportaal_intake.adapters import content_files, translations

    root = content_files.CONTENT_ROOT / (version or content_files.CURRENT_VERSION)
    click.echo(translations.skeleton(root, language), nl=False)


def _routing_and_notify_findings() -> tuple[list[str], list[str]]:
    """Routing's rules and directory (each with its source and checked date; a warning when
    checked more than a year ago) and notify's translations: (problems, warnings)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from voorportaal_notify.adapters.data_files import load_notices, load_templates
    from voorportaal_notify.domain.notices import notice_problems
    from voorportaal_notify.domain.render import translation_problems
    from voorportaal_routing.adapters.data_files import content_findings

    routing = content_findings(today=datetime.now(ZoneInfo("Europe/Amsterdam")).date())
    notify = translation_problems(load_templates()) + notice_problems(load_notices())
    return routing.problems + notify, routing.warnings


main.add_command(agency)


@main.command("acls")
@click.option("--bootstrap", default="kafka.voorportaal.example:9093", show_default=True)
@click.option("--command-config", default="admin.properties", show_default=True)
@click.option(
    "--format",
    "output",
    type=click.Choice(["kafka-acls", "tsv"]),
    default="kafka-acls",
    show_default=True,
    help="tsv: principal, operation, resource, name, literal|prefixed (kafka.sh --secure).",
)
def acls_command(bootstrap: str, command_config: str, output: str) -> None:
    """Print the kafka-acls.sh commands for production (least privilege per service/agency)."""
    from voorportaal.acls import acls

    for acl in acls(agency_codes()):
        if output == "tsv":
            pattern = "prefixed" if acl.prefixed else "literal"
            click.echo(f"{acl.principal}\t{acl.operation}\t{acl.resource}\t{acl.name}\t{pattern}")
        else:
            click.echo(acl.command(bootstrap, command_config))


@main.command("k8s")
@click.option("--check", is_flag=True, help="Fail if the committed files are out of date.")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT / "infra" / "k8s",
    show_default=True,
)
def k8s_command(check: bool, output: Path) -> None:
    """Write the Kubernetes manifests and Strimzi topics and users (with the ACLs of
    `voorportaal acls`) from the code."""
    from voorportaal import k8s

    files = k8s.render(agency_codes())
    if check:
        stale = k8s.stale(output, files)
        if stale:
            raise click.ClickException(
                f"out of date: {', '.join(stale)}; run `uv run voorportaal k8s`"
            )
        click.echo(f"{len(files)} files up to date")
        return
    changed = k8s.write(output, files)
    click.echo(f"wrote {len(changed)} of {len(files)} files under {output}")


@main.command("onboard-agency")
@click.argument("code")
@click.option(
    "--keys-file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The agency keys TOML file (Secret voorportaal-agency-keys); a key is appended.",
)
@click.option(
    "--k8s-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT / "infra" / "k8s",
    show_default=True,
)
@click.option("--name", default=None, help="A municipality's name (with a GM code).")
@click.option(
    "--tenants-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Routing's tenants file a municipality is added to [default: routing's data/tenants.toml]",
)
def onboard_agency(
    code: str, keys_file: Path, k8s_dir: Path, name: str | None, tenants_file: Path | None
) -> None:
    """Give an agency in the directory its topic, principal with ACLs, and HMAC key; or, for
    a CBS code (GM0014 --name Groningen), make the municipality a tenant with its own agencies."""
    from voorportaal.onboard import OnboardingError, next_steps, onboard, onboard_municipality
    from voorportaal_routing.adapters.data_files import TENANTS_FILE

    if code.upper().startswith("GM") and not name:
        raise click.ClickException("name: a municipality needs --name (e.g. Groningen)")
    try:
        if code.upper().startswith("GM"):
            assert name is not None  # checked above
            tenants = tenants_file or TENANTS_FILE
            done = onboard_municipality(
                code.upper(), name, tenants, keys_file, k8s_dir, lambda: agency_codes(tenants)
            )
        else:
            done = [onboard(code, agency_codes(), keys_file, k8s_dir)]
    except OnboardingError as exc:
        raise click.ClickException(str(exc)) from exc
    for one in done:
        click.echo(next_steps(one))
