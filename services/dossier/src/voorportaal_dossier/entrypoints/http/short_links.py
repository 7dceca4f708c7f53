"""The short personal link from a message (`/citizen/l/<token>`), opened by the citizen.

Notify signs short links (`voorportaal_contracts.citizen_links`) with the key it shares with the
dossier, so they fit in an SMS. This route checks one, keeps it (so the citizen can list and
revoke it), and sends the browser on to the citizen's view with the dossier's own signed link,
valid no longer than the short one and refused with it once it is revoked; a representative's
short link (`holder`) becomes a representative's long link. The portal asks for the same
exchange as JSON (`Accept: application/json`: case id, long link, page, expiry) instead of
following the redirect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from litestar import MediaType, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter
from litestar.response import Redirect

from voorportaal_contracts.api.dossier import ShortLinkExchange
from voorportaal_contracts.citizen_links import InvalidLink, verify_link_token
from voorportaal_dossier.domain.citizen_link import InvalidLink as RevokedLink
from voorportaal_dossier.entrypoints.http.dependencies import DossierController
from voorportaal_dossier.service_layer.citizen_links import CitizenLinks

Token = Annotated[str, PathParameter(max_length=120)]


class ShortLinkController(DossierController):
    """Opens a message's short link."""

    path = "/citizen/l"
    tags = ["citizen"]

    @get(
        "/{token:str}",
        operation_id="openShortLink",
        status_code=303,
        responses={
            200: ResponseSpec(
                ShortLinkExchange,
                description="With `Accept: application/json`: the case, the long link, the "
                "page and the expiry, for the portal (no redirect).",
            )
        },
    )
    async def open_link(
        self,
        request: Request[Any, Any, Any],
        citizen_links: NamedDependency[CitizenLinks],
        now: NamedDependency[datetime],
        token: Token,
    ) -> Redirect | Response[ShortLinkExchange]:
        """Check the short link and go on to the citizen's view (303), or answer what it opens
        as JSON when asked (`Accept: application/json`); 401 with the reason."""
        try:
            case_id, link, expires_at = await citizen_links.open_short_link(token)
        except (InvalidLink, RevokedLink) as exc:
            raise NotAuthorizedException(str(exc)) from None
        page = verify_link_token(citizen_links.link_key, token, now=now).page
        if request.accept.best_match([MediaType.HTML, MediaType.JSON]) == MediaType.JSON:
            exchange = ShortLinkExchange(
                case_id=case_id, link=link, page=page, expires_at=expires_at
            )
            return Response(exchange, status_code=200, media_type=MediaType.JSON)
        target = f"/citizen/cases/{case_id}?link={quote(link)}#{page}"
        return Redirect(path=target, status_code=303)
