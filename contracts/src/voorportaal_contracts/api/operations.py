"""The operational answers every service gives: `/health` and `/ready` with its messaging
status (what a load balancer, an orchestrator's probes and `voorportaal status` read)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class HealthAnswer(BaseModel):
    """`/health`: the process is alive (liveness; nothing outside the process is asked)."""

    status: Literal["ok"] = "ok"
    service: str


class MessagingStatus(BaseModel):
    """The messaging side as the service sees it: reported by `/ready`, never a reason for a
    503 (the outbox keeps what comes in while Kafka is away, and sends it once it is back)."""

    status: Literal["ok", "degraded"] = Field(
        description="`ok` when the broker answers, the consumers run and the relay runs."
    )
    broker: str = Field(
        description="`ok`, `unavailable: <error type>` when no broker answered in time, or "
        "`unknown: <error type>` when the status could not be read."
    )
    consumers: Literal["running", "starting", "none", "unknown"] = Field(
        description="`running`: subscribed; `starting`: messaging not started yet (retried "
        "in the background, e.g. while the broker is down); `none`: the service consumes "
        "nothing; `unknown`: the status could not be read in time."
    )
    consumer_groups: list[str] = Field(description="The consumer groups this process runs.")
    relay: Literal["running", "stopped", "unknown"] = Field(
        description="Whether the outbox relay's loop runs (it retries a broker outage itself)."
    )
    outbox_backlog: int | None = Field(
        description="Events written but not yet published to Kafka (null: the database did "
        "not answer)."
    )


class ReadyAnswer(BaseModel):
    """`/ready`: 200 when the service can serve its API (its database answers), 503 when not.
    The messaging status is reported beside it and does not change the answer."""

    status: Literal["ready", "not_ready"]
    service: str
    checks: dict[str, str] = Field(
        description="Each dependency the API needs (`database`): `ok` or `unavailable: <why>`."
    )
    messaging: MessagingStatus | None = Field(
        default=None, description="The messaging side (null for an app without one)."
    )
