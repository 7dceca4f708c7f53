"""The intake's HTTP API in a unit test: the app on SQLite with a fixed clock (Kafka is not
needed), staff tokens, and the outbox read back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import create_engine, text

from voorportaal_intake.app import definition
from voorportaal_intake.demo import sample_answer
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
VERIFICATION = "nl.voorportaal.contact.verification-requested"


@dataclass
class Api:
    client: TestClient[Any]
    runtime: ServiceRuntime
    clock: FixedClock
    db: Path
    staff_member: tuple[str, str, str]
    """Role, subject and name of `staff()` when not told otherwise."""

    def staff(self, role: str | None = None, subject: str | None = None) -> dict[str, str]:
        """A staff member's bearer header (`staff_member`, or this role and subject)."""
        default_role, default_subject, name = self.staff_member
        token = issue_token(
            self.runtime.settings.auth,
            default_subject if subject is None else subject,
            [default_role if role is None else role],
            name=name,
        )
        return {"Authorization": f"Bearer {token}"}

    def outbox(self) -> list[tuple[str, str, dict[str, Any] | None]]:
        rows = sql(self.db, "SELECT topic, event_type, value FROM outbox ORDER BY id")
        return [(r[0], r[1], json.loads(bytes(r[2])) if r[2] else None) for r in rows]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [value for _, t, value in self.outbox() if t == kind and value]

    def codes(self) -> list[dict[str, Any]]:
        return self.of_type(VERIFICATION)

    def sql(self, query: str) -> list[Any]:
        return sql(self.db, query)

    def run(self, coroutine: Any) -> Any:
        return asyncio.run(coroutine)

    def move_to(self, moment: datetime) -> None:
        self.clock.advance(moment - self.clock.now())


def sql(db: Path, query: str) -> list[Any]:
    """The rows `query` finds in the intake's SQLite database `db`."""
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = list(conn.execute(text(query)).all())
    engine.dispose()
    return rows


def walk(
    client: TestClient[Any],
    intake: dict[str, Any],
    auth: dict[str, str],
    answers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Answer each question the intake asks next (the demo's sample answer, or what `answers`
    gives for its id), each answer accepted; the intake once none is left."""
    while intake["next"] is not None:
        step, question = intake["next"]["step"], intake["next"]["question"]
        if answers is not None and question["id"] in answers:
            value = answers[question["id"]]
        else:
            value = sample_answer(question)
        response = client.put(
            f"/intakes/{intake['id']}/answers/{step}/{question['id']}",
            json={"value": value},
            headers=auth,
        )
        assert response.status_code == 200, response.text
        intake = response.json()
    return intake


def serve(tmp_path: Path, staff_member: tuple[str, str, str], **settings: Any) -> Iterator[Api]:
    """The intake migrated and served at START, with `settings`."""
    config = IntakeSettings(data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1", **settings)
    clock = FixedClock(START)
    runtime = ServiceRuntime(definition(config), clock=clock)
    runtime.migrate()
    with TestClient(runtime.app()) as client:
        yield Api(client, runtime, clock, tmp_path / "intake.db", staff_member)
