"""Fixtures for the notify service's unit tests: the template catalogue and local servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from notify_factories import MONDAY
from notify_harness import Notify, NotifyFactory
from notify_helpers import free_port

from voorportaal.devservers import DevSmtpServer, SmsGatewayStub
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.adapters.data_files import load_rules, load_templates
from voorportaal_notify.adapters.senders import EmailSender, SmsGateway
from voorportaal_notify.app import definition
from voorportaal_notify.domain.render import Renderer
from voorportaal_notify.domain.rules import RuleSet
from voorportaal_notify.domain.templates import TemplateCatalogue
from voorportaal_notify.settings import NotifySettings


@pytest.fixture(scope="session")
def catalogue() -> TemplateCatalogue:
    """The v1 templates as shipped."""
    return load_templates()


@pytest.fixture(scope="session")
def renderer(catalogue: TemplateCatalogue) -> Renderer:
    """A renderer over the shipped templates."""
    return Renderer(catalogue)


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    """The v1 rules as shipped."""
    return load_rules()


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[DevSmtpServer]:
    """The real dev SMTP server on a free port, storing in a temporary folder."""
    with DevSmtpServer(tmp_path, port=free_port()) as server:
        yield server


@pytest.fixture
def sms_stub(tmp_path: Path) -> Iterator[SmsGatewayStub]:
    """The real HTTP SMS gateway stub on a free port, storing in a temporary folder."""
    with SmsGatewayStub(tmp_path, port=0, fail_times=0) as stub:
        yield stub


@pytest.fixture
async def make_notify(
    tmp_path: Path, smtp_server: DevSmtpServer, sms_stub: SmsGatewayStub
) -> AsyncIterator[NotifyFactory]:
    runtimes: list[ServiceRuntime] = []

    async def make(
        email: Callable[[NotifySettings], EmailSender] | None = None,
        sms: Callable[[NotifySettings], SmsGateway] | None = None,
        start: datetime = MONDAY,
        **overrides: Any,
    ) -> Notify:
        values: dict[str, Any] = {
            "data_dir": tmp_path,
            "kafka_bootstrap_servers": "127.0.0.1:1",
            "smtp_port": smtp_server.port,
            "smtp_timeout_s": 5,
            "sms_gateway_url": sms_stub.url,
            "sms_timeout_s": 5,
            "retry_jitter": 0,
            **overrides,
        }
        settings = NotifySettings(**values)
        clock = FixedClock(start)
        runtime = ServiceRuntime(
            definition(
                settings,
                email=email(settings) if email else None,
                sms=sms(settings) if sms else None,
            ),
            clock=clock,
        )
        runtimes.append(runtime)
        await asyncio.to_thread(runtime.migrate)
        return Notify(
            runtime,
            runtime.state["notify"],
            runtime.state["delivery"],
            clock,
            settings,
            tmp_path,
        )

    yield make
    for runtime in runtimes:
        await runtime.engine.dispose()


@pytest.fixture
async def notify(make_notify: NotifyFactory) -> Notify:
    return await make_notify()
