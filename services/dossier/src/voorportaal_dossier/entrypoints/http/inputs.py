"""What the dossier API accepts: path ids and the request bodies (pydantic, closed to unknown
fields; bad input is a 400 naming the field)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from litestar.datastructures import UploadFile
from litestar.params import PathParameter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from voorportaal_contracts.types import Channel, RepresentativeRelation, SharingScope
from voorportaal_dossier.domain.promises import MAX_WHAT_LENGTH, MadeBy

CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{5,63}")
CaseId = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{5,63}$", max_length=64)]
ItemId = Annotated[str, PathParameter(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$", max_length=64)]
ChecklistItemId = Annotated[
    str, PathParameter(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", max_length=64)
]
"""A checklist item's id as the intake's content names it (`apply_ww`)."""
LinkId = Annotated[str, PathParameter(pattern=r"^link-[a-z0-9-]{1,59}$", max_length=64)]
Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,31}$")]
StaffId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9:_.\-]*$")
]
MAX_UPLOAD_BODY = 60 * 1024 * 1024


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HandoverIn(_In):
    """A warm handover: to whom, and what they must know."""

    to_casemanager_id: StaffId
    to_casemanager_name: str = Field(min_length=1, max_length=120)
    note: str = Field(min_length=1, max_length=2000)


class ReassignIn(_In):
    """To whom a supervisor gives the case."""

    to_casemanager_id: StaffId
    to_casemanager_name: str = Field(min_length=1, max_length=120)


class ContactIn(_In):
    """A contact moment with the citizen."""

    channel: Channel
    summary: str = Field(min_length=1, max_length=4000)
    next_steps: str | None = Field(default=None, max_length=2000)
    send_confirmation: bool = False


class PromiseIn(_In):
    """A promise or a term: who, what, by when."""

    made_by_kind: MadeBy
    made_by: str | None = Field(default=None, min_length=1, max_length=64)
    what: str = Field(min_length=1, max_length=MAX_WHAT_LENGTH)
    due_at: AwareDatetime
    referral_id: str | None = Field(default=None, min_length=1, max_length=64)


class GrantIn(_In):
    """Share the case with an agency."""

    agency_code: Code
    scopes: list[SharingScope] = Field(min_length=1, max_length=len(SharingScope))
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime
    channel: Channel | None = None


class RevokeIn(_In):
    """How the citizen said so (when a casemanager records it)."""

    channel: Channel | None = None


class MandateIn(_In):
    """A mandate for a representative (*machtiging*)."""

    holder_name: str = Field(min_length=1, max_length=120)
    relation: RepresentativeRelation
    scopes: list[SharingScope] = Field(min_length=1, max_length=len(SharingScope))
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime
    channel: Channel | None = None


class CitizenLinkIn(_In):
    """For whom a citizen link is: the citizen (no body), or a representative's mandate."""

    mandate_id: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,63}$", max_length=64
    )


class MessageIn(_In):
    """A message for the citizen (read in their view; notify only says there is news)."""

    text: str = Field(min_length=1, max_length=2000)


class ActionIn(_In):
    """Something the citizen must do, optionally by a date."""

    text: str = Field(min_length=1, max_length=2000)
    due_at: AwareDatetime | None = None


class OverrideIn(_In):
    """A proposed doorbraak: which rule stands in the way, and why to override it."""

    reason_code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    note: str = Field(min_length=3, max_length=2000)


class CloseIn(_In):
    """How the case ended."""

    outcome: str = Field(default="completed", pattern=r"^[a-z][a-z0-9_]{1,63}$")


@dataclass
class UploadIn:
    """A document upload (multipart)."""

    file: UploadFile
    title: str | None = None
    shared_with: str | None = None
    """Comma-separated agency codes that may see this document (empty: every agency the
    case is shared with for documents)."""
