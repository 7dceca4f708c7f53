"""The short personal link from a message (`/citizen/l/<token>`), opened by the citizen.

Notify signs short links (`voorportaal_contracts.citizen_links`) with the key it shares with the
dossier, so they fit in an SMS. This route checks one, keeps it (so the citizen can list and
revoke it), and sends the browser on to the citizen's view with the dossier's own signed link,
valid no longer than the short one and refused with it once it is revoked; a representative's
short link (`holder`) becomes a representative's long link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import PathParameter
from litestar.response import Redirect

from voorportaal_contracts.citizen_links import InvalidLink, verify_link_token
from voorportaal_dossier.domain.citizen_link import InvalidLink as RevokedLink
from voorportaal_dossier.entrypoints.http.dependencies import DEPENDENCIES
from voorportaal_dossier.service_layer.citizen_links import CitizenLinks

Token = Annotated[str, PathParameter(max_length=120)]


class ShortLinkController(Controller):
    """Opens a message's short link."""

    path = "/citizen/l"
    tags = ["citizen"]
    dependencies = DEPENDENCIES

    @get("/{token:str}", operation_id="openShortLink", status_code=303)
    async def open_link(
        self,
        citizen_links: NamedDependency[CitizenLinks],
        now: NamedDependency[datetime],
        token: Token,
    ) -> Redirect:
        """Check the short link and go on to the citizen's view (303), or 401 with the reason."""
        try:
            case_id, link, _ = await citizen_links.open_short_link(token)
        except (InvalidLink, RevokedLink) as exc:
            raise NotAuthorizedException(str(exc)) from None
        page = verify_link_token(citizen_links.link_key, token, now=now).page
        target = f"/citizen/cases/{case_id}?link={quote(link)}#{page}"
        return Redirect(path=target, status_code=303)
