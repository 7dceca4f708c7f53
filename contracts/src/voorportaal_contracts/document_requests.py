"""A request for a document, as the citizen reads it among their actions.

The console records the request as a citizen action (`POST /cases/{id}/actions`) whose text is
`request_text(what)`; the portal's status page recognises such an action with
`requested_document` and offers an upload for it. Both import these, so the two cannot drift.
"""

from __future__ import annotations

from typing import Final

REQUEST_START: Final = "Document gevraagd: "
REQUEST_END: Final = (
    ". Wilt u het uploaden op uw pagina in het portaal? Een foto of een PDF is goed."
)
"""How a request for a document reads for the citizen (and how a page recognises one among
the citizen's actions)."""


def request_text(what: str) -> str:
    """The action the citizen reads: which document, and that they can upload it."""
    return f"{REQUEST_START}{what.rstrip('. ')}{REQUEST_END}"


def requested_document(text: str) -> str | None:
    """The document a citizen's action asks for, or None when it asks for something else."""
    if not text.startswith(REQUEST_START):
        return None
    what = text.removeprefix(REQUEST_START).removesuffix(REQUEST_END).strip()
    return what or None
