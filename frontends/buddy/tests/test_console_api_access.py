"""Access through the API behind the console, with the tokens the console signs: a
casemanager cannot open a case owned outside their team (403), and the attempt is audited."""

from __future__ import annotations

import httpx
from console_harness import staff_headers as _headers
from dossier_harness import ZUID_CASE, DossierProcess


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
