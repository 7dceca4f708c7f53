"""The agency directory as it stands: the data file plus the changes made through the API.

Supervisors and operators change a service's referral settings (whether it takes electronic
referrals, its norms) without a release; every change is kept with who, when and why, and the
result is checked by the same validator as the data file, so a change can never break routing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import Clock
from voorportaal_kit.errors import Forbidden, NotFound, ServiceError
from voorportaal_routing.adapters.data_files import load_directory
from voorportaal_routing.adapters.repositories import DirectoryChange, RoutingStore
from voorportaal_routing.domain.directory import Directory, problems

EDITABLE = frozenset(
    {
        "accepts_electronic_referrals",
        "response_norm_working_days",
        "urgent_response_norm_working_days",
        "reminder_lead_working_days",
        "expiry_working_days",
    }
)
"""The fields of a service the admin API may change (the rest changes with the data file)."""

EDITORS = ("supervisor", "operator")


async def current_directory(store: RoutingStore) -> Directory:
    """The data file's directory with every recorded change applied, in order."""
    base = load_directory()
    recorded = await store.directory_changes.all()
    if not recorded:
        return base
    merged: dict[str, dict[str, Any]] = {}
    for change in recorded:
        merged[change.service_id] = {**merged.get(change.service_id, {}), **change.changes}
    return _with(base, merged)


def _with(base: Directory, merged: dict[str, dict[str, Any]]) -> Directory:
    services = [s.model_copy(update=merged[s.id]) if s.id in merged else s for s in base.services]
    return Directory.model_validate(
        {**base.model_dump(), "services": [s.model_dump() for s in services]}
    )


class DirectoryService:
    """Reading the directory and changing a service's referral settings."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def directory(self) -> Directory:
        """The directory as it stands now."""
        async with self._sessions() as session:
            return await current_directory(RoutingStore(session))

    async def change(
        self, service_id: str, changes: dict[str, Any], note: str, actor: Principal
    ) -> Directory:
        """Change a service's referral settings; refused when the result would be invalid."""
        if not actor.has_role(*EDITORS):
            raise Forbidden("Only a supervisor or an operator changes the directory.")
        unknown = sorted(set(changes) - EDITABLE)
        if unknown:
            raise ServiceError(
                f"These fields cannot be changed here: {', '.join(unknown)}.", field="changes"
            )
        if not changes:
            raise ServiceError("Nothing to change.", field="changes")
        async with self._sessions.begin() as session:
            store = RoutingStore(session)
            directory = await current_directory(store)
            try:
                directory.service(service_id)
            except KeyError:
                raise NotFound(f"No service {service_id!r} in the directory.") from None
            try:
                changed = _with(directory, {service_id: changes})
            except ValueError as exc:
                raise ServiceError(_first_error(exc), field="changes") from None
            found = problems(changed)
            if found:
                raise ServiceError("; ".join(found), field="changes")
            role = next(r for r in EDITORS if actor.has_role(r))
            await store.directory_changes.add(
                DirectoryChange(
                    service_id=service_id,
                    changes=changes,
                    note=note,
                    changed_by=actor.subject,
                    role=role,
                    changed_at=self._clock.now(),
                )
            )
        return changed

    async def history(self, service_id: str) -> list[DirectoryChange]:
        """Every recorded change of a service, oldest first."""
        async with self._sessions() as session:
            return await RoutingStore(session).directory_changes.of_service(service_id)


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)
