"""Fixtures of the portal's tests: the four services on the real broker and PostgreSQL, the
portal served in prod mode against them, and Chromium at a phone's and a desktop's size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_harness import DESKTOP, PHONE, chromium
from portal_harness import CHROMEDRIVER, CHROMIUM, REPO, PortalProcess, Suite, free_port
from selenium.webdriver.remote.webdriver import WebDriver


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
    portal = PortalProcess(free_port(), suite, REPO / "var" / "log" / "portal-tests.log")
    try:
        try:
            portal.start()
        except RuntimeError as exc:
            pytest.fail(str(exc))
        yield portal.url
    finally:
        portal.stop()


@pytest.fixture
def phone() -> Iterator[WebDriver]:
    """Chromium with a 360 x 740 viewport."""
    driver = chromium(PHONE)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def desktop() -> Iterator[WebDriver]:
    """Chromium with a 1366 x 768 viewport."""
    driver = chromium(DESKTOP)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def logs_dir(suite: Suite) -> Path:
    """Where the services write their logs (for tests that read them)."""
    return suite.logs
