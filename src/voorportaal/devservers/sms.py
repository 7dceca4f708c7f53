"""The development SMS gateway (stdlib `http.server` in a thread): `POST /messages {to, text,
reference}` with an `Idempotency-Key`; stores each SMS once in `sms/messages.jsonl` and answers a
repeated key with the first message's id. Told to fail with `POST /_control/fail?times=3
[&status=503]`, `POST /_control/fail?always=1`, `POST /_control/reset`, or
`VOORPORTAAL_SMS_STUB_FAIL_TIMES` at start."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from voorportaal.devservers._store import Background, append_line, now_iso, read_lines

FAIL_TIMES_ENV = "VOORPORTAAL_SMS_STUB_FAIL_TIMES"
"""Requests the SMS stub fails (503) after it starts."""


@dataclass(frozen=True)
class StoredSms:
    """One SMS the gateway stub accepted."""

    id: str
    to: str
    text: str
    reference: str
    idempotency_key: str | None
    received_at: str


class _SmsState:
    """What the stub holds: stored messages by key, and the failure mode."""

    def __init__(self, store: Path, token: str | None, fail_times: int) -> None:
        self.file = store / "sms" / "messages.jsonl"
        self.token = token
        self.lock = threading.Lock()
        self.by_key: dict[str, StoredSms] = {}
        self.count = 0
        for row in read_lines(self.file):
            sms = StoredSms(**row)
            self.count += 1
            if sms.idempotency_key:
                self.by_key[sms.idempotency_key] = sms
        self.fail_remaining = fail_times
        self.fail_always = False
        self.fail_status = 503
        self.requests = 0


class _SmsHandler(BaseHTTPRequestHandler):
    server: _SmsHttpServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and `voorportaal up` have their own logs."""

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else None

    def do_GET(self) -> None:
        """`GET /messages`: what was sent; `GET /_control/state`: the failure mode."""
        state = self.server.state
        path = urlsplit(self.path).path
        with state.lock:
            if path == "/messages":
                stored = [asdict(s) for s in _read_sms_file(state.file)]
                self._reply(200, stored)
                return
            if path == "/_control/state":
                self._reply(
                    200,
                    {
                        "fail_remaining": state.fail_remaining,
                        "fail_always": state.fail_always,
                        "fail_status": state.fail_status,
                        "requests": state.requests,
                        "stored": state.count,
                    },
                )
                return
        self._reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        """`POST /messages` sends; `POST /_control/...` sets the failure mode."""
        url = urlsplit(self.path)
        try:
            body = self._body()
        except ValueError:
            self._reply(400, {"error": "body is not JSON"})
            return
        if url.path.startswith("/_control/"):
            return self._control(url.path, parse_qs(url.query))
        if url.path != "/messages":
            self._reply(404, {"error": "not found"})
            return
        self._send(body)

    def _control(self, path: str, query: dict[str, list[str]]) -> None:
        state = self.server.state
        with state.lock:
            if path == "/_control/fail":
                state.fail_status = int(query.get("status", ["503"])[0])
                state.fail_always = query.get("always", ["0"])[0] in ("1", "true")
                state.fail_remaining = int(query.get("times", ["0"])[0])
            elif path == "/_control/reset":
                state.fail_always, state.fail_remaining, state.fail_status = False, 0, 503
            else:
                self._reply(404, {"error": "unknown control"})
                return
        self._reply(200, {"ok": True})

    def _send(self, body: Any) -> None:
        state = self.server.state
        with state.lock:
            state.requests += 1
            if state.token and self.headers.get("Authorization") != f"Bearer {state.token}":
                self._reply(401, {"error": "missing or wrong bearer token"})
                return
            if state.fail_always or state.fail_remaining > 0:
                state.fail_remaining = max(0, state.fail_remaining - 1)
                self._reply(state.fail_status, {"error": "stub told to fail"})
                return
            if not isinstance(body, dict) or not body.get("to") or not body.get("text"):
                self._reply(422, {"error": "to and text are required"})
                return
            key = self.headers.get("Idempotency-Key")
            if key and key in state.by_key:
                earlier = state.by_key[key]
                if (earlier.to, earlier.text) != (body["to"], body["text"]):
                    self._reply(422, {"error": "idempotency key reused for another SMS"})
                    return
                self._reply(200, {"id": earlier.id, "duplicate": True})
                return
            state.count += 1
            digest = hashlib.sha256(f"{state.count}:{key}".encode()).hexdigest()[:8]
            sms = StoredSms(
                id=f"sms-{state.count:06d}-{digest}",
                to=str(body["to"]),
                text=str(body["text"]),
                reference=str(body.get("reference", "")),
                idempotency_key=key,
                received_at=now_iso(),
            )
            append_line(state.file, asdict(sms))
            if key:
                state.by_key[key] = sms
        self._reply(201, {"id": sms.id, "duplicate": False})


class _SmsHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: _SmsState) -> None:
        self.state = state
        super().__init__(address, _SmsHandler)


class SmsGatewayStub(Background):
    """The HTTP SMS gateway stand-in (port 0 picks a free port; see `port` after `start`)."""

    def __init__(
        self,
        store: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8026,
        token: str | None = None,
        fail_times: int | None = None,
    ) -> None:
        if fail_times is None:
            fail_times = int(os.environ.get(FAIL_TIMES_ENV, "0"))
        self.state = _SmsState(store, token, fail_times)
        self._server = _SmsHttpServer((host, port), self.state)
        self.host = host
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sms-gateway-stub", daemon=True
        )

    @property
    def url(self) -> str:
        """The send endpoint, for `SmsGatewayConfig.url`."""
        return f"http://{self.host}:{self.port}/messages"

    def start(self) -> Self:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail_next(self, times: int, status: int = 503) -> None:
        """Answer the next `times` send requests with `status`."""
        with self.state.lock:
            self.state.fail_remaining, self.state.fail_status = times, status

    def fail_always(self, status: int = 503) -> None:
        """Answer every send request with `status` until `reset`."""
        with self.state.lock:
            self.state.fail_always, self.state.fail_status = True, status

    def reset(self) -> None:
        """Stop failing."""
        with self.state.lock:
            self.state.fail_always, self.state.fail_remaining = False, 0

    @property
    def requests(self) -> int:
        """Send requests received so far (failed ones included)."""
        with self.state.lock:
            return self.state.requests


def _read_sms_file(path: Path) -> list[StoredSms]:
    return [StoredSms(**row) for row in read_lines(path)]


def read_sent_sms(store: Path) -> list[StoredSms]:
    """Every SMS the gateway stub stored in `store`, oldest first."""
    return _read_sms_file(store / "sms" / "messages.jsonl")
