"""Fixtures for the notify service's unit tests: the template catalogue and local servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from notify_helpers import free_port

from voorportaal_notify.adapters.data_files import load_rules, load_templates
from voorportaal_notify.devservers import DevSmtpServer, SmsGatewayStub
from voorportaal_notify.domain.render import Renderer
from voorportaal_notify.domain.rules import RuleSet
from voorportaal_notify.domain.templates import TemplateCatalogue


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
