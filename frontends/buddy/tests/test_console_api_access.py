"""Access through the API behind the console, with the tokens the console signs: a
casemanager cannot open a case owned outside their team (403), and the attempt is audited;
the dossier verifies them by the console's public key and refuses the old shared secret; the
console's own responses carry the security headers."""

from __future__ import annotations

import httpx
import pytest
from console_harness import staff_headers as _headers
from dossier_harness import ZUID_CASE, DossierProcess
from pydantic import SecretStr

from voorportaal_kit.auth import AuthSettings, issue_token
from voorportaal_kit.settings import DEV_JWT_SECRET


def test_casemanager_outside_the_team_gets_403_and_the_attempt_is_audited(
    dossier: DossierProcess,
) -> None:
    with httpx.Client(base_url=dossier.url, timeout=10) as api:
        claimed = api.post(f"/cases/{ZUID_CASE}/claim", headers=_headers("cm-chantal"))
        assert claimed.status_code == 200, claimed.text
        assert claimed.json()["team"] == "team-zuid"

        refused = api.get(f"/cases/{ZUID_CASE}", headers=_headers("cm-anna"))
        assert refused.status_code == 403
        assert api.get(f"/cases/{ZUID_CASE}", headers=_headers("cm-chantal")).status_code == 200

        log = api.get("/audit", params={"case_id": ZUID_CASE}, headers=_headers("sv-sophie")).json()
    anna = [r for r in log if r["who"] == "cm-anna"]
    assert anna and all(not r["allowed"] and r["role"] == "casemanager" for r in anna)
    assert {r["purpose"] for r in anna} == {"case_page"}


def test_the_dossier_takes_the_consoles_key_and_refuses_the_old_shared_secret(
    dossier: DossierProcess,
) -> None:
    # The browser tests' dossier verifies staff tokens with the console's public key only (no
    # HS256 secret configured at all, see `dossier_key_env`).
    old = issue_token(
        AuthSettings(hs256_secret=SecretStr(DEV_JWT_SECRET)), "sv-sophie", ["supervisor"]
    )
    with httpx.Client(base_url=dossier.url, timeout=10) as api:
        refused = api.get("/queue", headers={"Authorization": f"Bearer {old}"})
        assert refused.status_code == 401
        assert "signing algorithm not allowed" in refused.json()["detail"]
        assert api.get("/queue", headers=_headers("sv-sophie")).status_code == 200


@pytest.mark.browser
def test_the_console_sends_nosniff_a_content_security_policy_and_hsts_behind_https(
    console_url: str,
) -> None:
    page = httpx.get(f"{console_url}/inloggen", timeout=10, follow_redirects=True)
    assert page.status_code == 200
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "strict-transport-security" not in page.headers
    proxied = httpx.get(f"{console_url}/ping", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    assert proxied.headers["strict-transport-security"].startswith("max-age=")
    assert proxied.headers["x-content-type-options"] == "nosniff"
