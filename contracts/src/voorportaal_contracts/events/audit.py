"""Events on `access.log`: reads and changes of a case's personal data outside the dossier."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from voorportaal_contracts.registry import Event, registry
from voorportaal_contracts.topics import ACCESS_LOG
from voorportaal_contracts.types import AwareDatetime, CaseId

_CODE = r"^[a-z][a-z0-9_.:\-]{0,63}$"


@registry.register("nl.voorportaal.audit.accessed", version=1, topic=ACCESS_LOG)
class PersonalDataAccessed(Event):
    """Someone read or changed (or was refused) personal data of a case in routing, intake or
    notify; the service's own hash-chained audit log holds the record (`record_seq`), and the
    dossier shows it in the citizen's "who looked at my dossier". Ids and codes only."""

    case_id: CaseId
    service: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,31}$", description="Who recorded it.")
    actor: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9:_.\-]{0,127}$",
        description="Subject id of who acted (never a name; a hash for any other subject).",
    )
    role: str = Field(pattern=_CODE, description="`casemanager`, `agency:uwv`, `citizen` …")
    on_behalf_of: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9:_.\-]{0,127}$",
        description="The agency, or the mandate of a representative, the actor acted for.",
    )
    data_kind: str = Field(pattern=_CODE, description="`referrals`, `intake_answers` …")
    purpose: str = Field(pattern=_CODE, description="The use case: `referral_history` …")
    object_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9:_.\-]{0,127}$",
        description="Id of the object touched, e.g. a referral or an intake.",
    )
    action: Literal["read", "change"]
    outcome: Literal["allowed", "refused"]
    basis: str = Field(
        pattern=_CODE, description="`owner`, `team`, `supervisor`, `grant:<id>` … or `none`."
    )
    at: AwareDatetime
    record_seq: int = Field(ge=1, description="The record's number in the service's audit log.")
    record_hash: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="The record's hash in that chain (SHA-256)."
    )
