"""Fixtures of the buddy console tests: a real dossier service (seeded with contract events,
see `dossier_harness.py`) and the console served in prod mode against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_harness import chromium
from console_harness import ARTIFACTS, CHROMEDRIVER, CHROMIUM, IDLE_TIMEOUT_S, ConsoleProcess
from console_notify import seed_case_access
from desk_harness import ServiceProcess
from dossier_harness import DossierProcess, free_port, seed
from oidc_provider import OidcProvider
from selenium.webdriver.remote.webdriver import WebDriver


@pytest.fixture(scope="session")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DossierProcess]:
    """The real dossier service on a free port, its SQLite database seeded with events."""
    data_dir = tmp_path_factory.mktemp("dossier")
    seed(data_dir)
    server = DossierProcess(data_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def notify(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """The real notify service (its own SQLite database with the access facts of the
    console's own cases, the console's public key, a closed broker): the case page's
    contact-load meter reads it."""
    data_dir = tmp_path_factory.mktemp("notify")
    seed_case_access(data_dir)
    server = ServiceProcess("notify", data_dir)
    server.log_path = ARTIFACTS / "notify.log"
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """A tiny OIDC provider on 127.0.0.1 (see `oidc_provider.py`) the console is pointed at."""
    provider = OidcProvider("voorportaal-console", "console-test-secret")
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture(scope="session")
def console_url(
    dossier: DossierProcess, notify: ServiceProcess, oidc_provider: OidcProvider
) -> Iterator[str]:
    """The console, built and served by `scripts/console.sh run` on a free port, reading
    from the real dossier (routing is not started: its actions show it as unreachable), with
    the test OIDC provider configured next to the local accounts."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("chromium/chromedriver missing: run scripts/console-tools.sh first")
    port = free_port()
    oidc_provider.redirect_uri = f"http://localhost:{port}/inloggen/oidc/terug"
    console = ConsoleProcess(
        port,
        {
            "VOORPORTAAL_CONSOLE_SESSION_IDLE_TIMEOUT_S": str(IDLE_TIMEOUT_S),
            "VOORPORTAAL_CONSOLE_REFRESH_INTERVAL_S": "1",
            "VOORPORTAAL_CONSOLE_CASE_REFRESH_INTERVAL_S": "2",
            "VOORPORTAAL_DOSSIER_URL": dossier.url,
            "VOORPORTAAL_NOTIFY_URL": notify.url,
            # Nothing listens here: nudging and referring show routing as unreachable.
            "VOORPORTAAL_ROUTING_URL": f"http://127.0.0.1:{free_port()}",
            # Local accounts, and the test's OIDC provider next to them (development mode).
            "VOORPORTAAL_CONSOLE_OIDC_ISSUER": oidc_provider.issuer,
            "VOORPORTAAL_CONSOLE_OIDC_CLIENT_ID": oidc_provider.client_id,
            "VOORPORTAAL_CONSOLE_OIDC_CLIENT_SECRET": oidc_provider.client_secret,
        },
        ARTIFACTS / "console.log",
    )
    try:
        try:
            console.start()
        except RuntimeError as exc:
            pytest.fail(str(exc))
        yield console.url
    finally:
        console.stop()


def _chromium_for_a_test() -> Iterator[WebDriver]:
    """A fresh headless Chromium, quit when the test is done."""
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    """Headless Debian Chromium with no network of its own beyond localhost."""
    yield from _chromium_for_a_test()


@pytest.fixture
def second_browser() -> Iterator[WebDriver]:
    """A second, separate browser (another person at another desk)."""
    yield from _chromium_for_a_test()
