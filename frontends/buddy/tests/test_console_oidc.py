"""Staff sign-in through OIDC (authorization code flow with PKCE) against a tiny provider on
127.0.0.1 (`oidc_provider.py`), in headless Chromium; and the PKCE and role rules on their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_harness import (
    WAIT_S,
    click,
    open_sign_in,
    shot,
    storage,
    until,
    wait_path,
    wait_text,
)
from oidc_provider import OidcProvider
from pydantic import ValidationError
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from buddy import oidc
from buddy.settings import ConsoleSettings

KARIN = {
    "sub": "oidc-karin-0001",
    "name": "Karin Okkerse",
    "roles": ["casemanager"],
    "team": "team-noord",
}


def test_pkce_s256_challenge_is_rfc_7636s_example() -> None:
    # RFC 7636, appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert oidc.code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_role_comes_from_the_claim_the_stronger_first() -> None:
    assert oidc.role_of({"roles": ["casemanager", "supervisor"]}, "roles") == "supervisor"
    assert oidc.role_of({"groups": "casemanager"}, "groups") == "casemanager"
    with pytest.raises(oidc.OidcError) as refused:
        oidc.role_of({"roles": ["operator"]}, "roles")
    assert refused.value.key == "no_role"


def test_a_role_claim_of_another_shape_is_no_role() -> None:
    for claim in (7, {"supervisor": True}, ["supervisor", 3], None):
        with pytest.raises(oidc.OidcError):
            oidc.role_of({"roles": claim}, "roles")


def test_production_needs_an_https_issuer() -> None:
    with pytest.raises(ValidationError, match="https issuer"):
        ConsoleSettings(
            environment="production",
            auth_mode="oidc",
            oidc_issuer="http://login.example.nl",
            oidc_client_id="buddy",
        )


@pytest.fixture
def provider(oidc_provider: OidcProvider) -> Iterator[OidcProvider]:
    """The session's provider, with Karin signing in next and no earlier requests."""
    oidc_provider.reset(dict(KARIN))
    yield oidc_provider
    oidc_provider.reset({})


def start_oidc(browser: WebDriver, base: str) -> None:
    """From the sign-in page, choose the organisation's sign-in."""
    open_sign_in(browser, base)
    click(browser, "oidc-link")


@pytest.mark.browser
def test_oidc_sign_in_with_pkce_lands_on_the_work_queue(
    browser: WebDriver, console_url: str, provider: OidcProvider
) -> None:
    start_oidc(browser, console_url)
    wait_path(browser, "/werkvoorraad")
    wait_text(browser, "Karin Okkerse")
    # The provider was asked for a code with an S256 challenge, and the code was redeemed with
    # the verifier behind that challenge, at the same redirect URI.
    [asked] = provider.authorize_requests
    [redeemed] = provider.token_requests
    assert asked["code_challenge_method"] == "S256"
    assert oidc.code_challenge(redeemed["code_verifier"]) == asked["code_challenge"]
    assert redeemed["redirect_uri"] == asked["redirect_uri"] == provider.redirect_uri
    assert asked["state"] and asked["nonce"]
    # The callback URL with its code left the history; nothing of the sign-in or the person
    # is kept in the browser (only Reflex's opaque tab token).
    assert "code=" not in browser.current_url
    kept = storage(browser)
    for secret in (asked["state"], asked["nonce"], redeemed["code_verifier"], "Karin"):
        assert secret not in kept
    # The session is real: the dossier answers Karin's queue (signed as her, with her team).
    click(browser, "view-recommended")
    until(
        browser,
        lambda d: "vp-" in "".join(e.text for e in d.find_elements(By.ID, "queue-table")),
    )
    assert not browser.find_elements(By.ID, "notice")
    assert not browser.find_elements(By.ID, "nav-supervisor")
    shot(browser, "oidc-signed-in")


@pytest.mark.browser
def test_oidc_sign_in_at_127_0_0_1_comes_back_to_127_0_0_1(
    browser: WebDriver, console_url: str, provider: OidcProvider
) -> None:
    # The pending sign-in lives in this tab's state, which only this origin reaches: the
    # provider must send the browser back to the address it left from, not to localhost.
    base = console_url.replace("://localhost:", "://127.0.0.1:")
    registered = provider.redirect_uri
    provider.redirect_uri = registered.replace("://localhost:", "://127.0.0.1:")
    try:
        start_oidc(browser, base)
        wait_path(browser, "/werkvoorraad")
        wait_text(browser, "Karin Okkerse")
    finally:
        provider.redirect_uri = registered
    [asked] = provider.authorize_requests
    assert asked["redirect_uri"] == f"{base}/inloggen/oidc/terug"
    assert browser.current_url.startswith(base)


@pytest.mark.browser
@pytest.mark.parametrize("tamper", ["nonce", "audience", "key"])
def test_oidc_refuses_an_id_token_that_does_not_verify(
    browser: WebDriver, console_url: str, provider: OidcProvider, tamper: str
) -> None:
    provider.tamper = tamper
    start_oidc(browser, console_url)
    wait_path(browser, "/inloggen/oidc/terug")
    wait_text(browser, "Het antwoord van de inlogdienst klopt niet. U bent niet ingelogd.")
    assert len(provider.token_requests) == 1
    shot(browser, f"oidc-refused-{tamper}")
    browser.get(f"{console_url}/werkvoorraad")
    wait_path(browser, "/inloggen")
    assert "Karin Okkerse" not in browser.find_element(By.TAG_NAME, "body").text


@pytest.mark.browser
def test_oidc_callback_that_this_tab_did_not_start_is_refused(
    browser: WebDriver, console_url: str, provider: OidcProvider
) -> None:
    open_sign_in(browser, console_url)
    browser.get(f"{console_url}/inloggen/oidc/terug?code=stolen-code&state=forged-state")
    wait_text(browser, "Deze inlogpoging is verlopen of niet van deze pagina.")
    assert provider.token_requests == []  # the code was never even tried
    browser.get(f"{console_url}/werkvoorraad")
    wait_path(browser, "/inloggen")


@pytest.mark.browser
def test_oidc_account_without_a_console_role_is_refused(
    browser: WebDriver, console_url: str, provider: OidcProvider
) -> None:
    provider.user = {**KARIN, "roles": ["operator"]}
    start_oidc(browser, console_url)
    wait_text(browser, "Uw account heeft geen rol in deze console")
    until(browser, lambda d: "/inloggen/oidc/terug" in d.current_url, timeout=WAIT_S)
    browser.get(f"{console_url}/werkvoorraad")
    wait_path(browser, "/inloggen")
