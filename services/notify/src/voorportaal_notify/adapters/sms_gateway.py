"""SMS over an HTTP gateway: `POST {to, text, reference}` with an `Idempotency-Key` header.

The request shape is the common one of Dutch and EU SMS gateways (CM.com, MessageBird, Spryng
and the like differ in field names; a thin subclass can override `payload`). Replies map to the
domain's delivery errors: 2xx is success with the gateway's message id; 408/425/429/5xx,
timeouts and connection faults are transient; every other 4xx is permanent (invalid number,
refused credentials).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import structlog

from voorportaal_notify.adapters.senders import SmsReceipt
from voorportaal_notify.domain.delivery import (
    ErrorClass,
    PermanentDeliveryError,
    TransientDeliveryError,
    classify_http_status,
)

log = structlog.get_logger()


@dataclass(frozen=True)
class SmsGatewayConfig:
    """Where the gateway is and how to authenticate."""

    url: str = "http://127.0.0.1:8026/messages"
    bearer_token: str | None = None
    """Sent as `Authorization: Bearer …`."""
    api_key: str | None = None
    """Sent in `api_key_header`, for gateways that use a key header instead."""
    api_key_header: str = "X-API-Key"
    timeout_s: float = 10.0
    sender_id: str | None = None
    """Alphanumeric sender shown on the phone (max 11 characters), if the gateway takes one."""


def _retry_after(response: httpx.Response) -> timedelta | None:
    value = response.headers.get("Retry-After", "")
    return timedelta(seconds=int(value)) if value.isdigit() else None


class HttpSmsGateway:
    """Client for the SMS gateway; pass a shared `httpx.AsyncClient` or let it make one."""

    def __init__(self, config: SmsGatewayConfig, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._client = client or httpx.AsyncClient(timeout=config.timeout_s)
        self._owns_client = client is None

    async def aclose(self) -> None:
        """Close the HTTP client if this gateway created it."""
        if self._owns_client:
            await self._client.aclose()

    def headers(self, idempotency_key: str) -> dict[str, str]:
        """Request headers: idempotency key and credentials."""
        headers = {"Idempotency-Key": idempotency_key, "Accept": "application/json"}
        if self.config.bearer_token:
            headers["Authorization"] = f"Bearer {self.config.bearer_token}"
        if self.config.api_key:
            headers[self.config.api_key_header] = self.config.api_key
        return headers

    def payload(self, *, to: str, text: str, reference: str) -> dict[str, Any]:
        """The JSON body; override for a gateway with other field names."""
        body: dict[str, Any] = {"to": to, "text": text, "reference": reference}
        if self.config.sender_id:
            body["from"] = self.config.sender_id
        return body

    async def send(self, *, to: str, text: str, reference: str, idempotency_key: str) -> SmsReceipt:
        """Hand one SMS to the gateway, or raise a typed delivery error."""
        try:
            response = await self._client.post(
                self.config.url,
                json=self.payload(to=to, text=text, reference=reference),
                headers=self.headers(idempotency_key),
                timeout=self.config.timeout_s,
            )
        except httpx.TimeoutException as exc:
            raise TransientDeliveryError("timeout", type(exc).__name__) from exc
        except httpx.TransportError as exc:
            raise TransientDeliveryError("connection", type(exc).__name__) from exc
        status = response.status_code
        if 200 <= status < 300:
            return self._receipt(response, idempotency_key)
        reason = f"http_{status}"
        log.warning("sms_gateway.send_failed", reason_code=reason, reference=reference)
        if classify_http_status(status) is ErrorClass.TRANSIENT:
            raise TransientDeliveryError(reason, retry_after=_retry_after(response))
        raise PermanentDeliveryError(reason)

    @staticmethod
    def _receipt(response: httpx.Response, idempotency_key: str) -> SmsReceipt:
        try:
            body = response.json()
        except ValueError:
            body = None
        found = body.get("id") or body.get("message_id") if isinstance(body, dict) else None
        if not found:
            # The gateway took the message but gave no id we can read. Treating that as a
            # failure would resend (or fail over) a message that is on its way, so it counts
            # as sent, with the idempotency key standing in for the id.
            log.warning("sms_gateway.no_message_id", status=response.status_code)
            return SmsReceipt(message_id=idempotency_key)
        duplicate = isinstance(body, dict) and bool(body.get("duplicate", False))
        return SmsReceipt(message_id=str(found), duplicate=duplicate)
