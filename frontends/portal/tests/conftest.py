"""Fixtures of the portal's tests: the four services on the real broker and PostgreSQL, the
portal served in prod mode against them, and Chromium at a phone's and a desktop's size."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from portal_browser import DESKTOP, PHONE, chromium, shot
from portal_harness import CHROMEDRIVER, CHROMIUM, REPO, PortalProcess, Suite
from selenium.webdriver.remote.webdriver import WebDriver
from status_harness import case_events, publish, sms_link


@pytest.fixture(scope="session")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    """Intake, routing, dossier and notify as processes on the real Kafka and PostgreSQL."""
    services = Suite(tmp_path_factory.mktemp("portal-suite"))
    try:
        try:
            services.start()
        except RuntimeError as exc:
            pytest.fail(f"{exc}; logs in {services.logs}")
        yield services
    finally:
        services.stop()


@pytest.fixture(scope="session")
def portal_url(suite: Suite) -> Iterator[str]:
    """The portal, built and served by `scripts/portal.sh run` on a free port."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("chromium/chromedriver missing: run scripts/console-tools.sh first")
    portal = PortalProcess(suite.portal_port, suite, REPO / "var" / "log" / "portal-tests.log")
    try:
        try:
            portal.start()
        except RuntimeError as exc:
            pytest.fail(str(exc))
        yield portal.url
    finally:
        portal.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Keep each phase's report on the test, so a browser fixture knows the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _driver(size: tuple[int, int], request: pytest.FixtureRequest) -> Iterator[WebDriver]:
    driver = chromium(size)
    try:
        yield driver
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            # What the citizen saw when the test failed.
            shot(driver, f"FAILED-{request.node.name}-{size[0]}")
        driver.quit()


@pytest.fixture
def phone(request: pytest.FixtureRequest) -> Iterator[WebDriver]:
    """Chromium with a 360 x 740 viewport."""
    yield from _driver(PHONE, request)


@pytest.fixture
def desktop(request: pytest.FixtureRequest) -> Iterator[WebDriver]:
    """Chromium with a 1366 x 768 viewport."""
    yield from _driver(DESKTOP, request)


@pytest.fixture
def logs_dir(suite: Suite) -> Path:
    """Where the services write their logs (for tests that read them)."""
    return suite.logs


@pytest.fixture(scope="session")
def status_case(suite: Suite) -> tuple[str, str, str]:
    """(case id, phone, the link in its SMS) of a case opened on the broker in Arabic, whose
    SMS notify sent through the suite's SMS stub (see `status_harness.py`)."""
    # The services' consumer groups are shared with every other run on the broker: when
    # another run's notify holds the case's partition, its SMS goes there. A new case id lands
    # on another partition, so a case whose SMS does not come is opened again.
    for attempt in range(3):
        case_id = f"vp-portal-{uuid.uuid4().hex[:12]}"
        phone = f"+3164{uuid.uuid4().int % 10**7:07d}"  # unique: other runs share the broker
        asyncio.run(publish(case_events(case_id, phone, datetime.now(UTC))))
        try:
            return case_id, phone, sms_link(suite, phone, timeout_s=90)
        except AssertionError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
