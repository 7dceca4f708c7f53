"""Local stand-ins for the mail server and the SMS gateway, for `voorportaal up` and tests.

Both are real network servers on 127.0.0.1 and keep what they receive in one folder:

- `DevSmtpServer`: an SMTP server (aiosmtpd) that stores each message as `mail/NNNNNN.eml`
  and appends a line to `mail/index.jsonl`. `fail_next(n, code)` makes it refuse the next `n`
  messages (4xx transient or 5xx permanent).
- `SmsGatewayStub`: an HTTP gateway (stdlib `http.server` in a thread) taking
  `POST /messages {to, text, reference}` with an `Idempotency-Key`; it stores each SMS once in
  `sms/messages.jsonl` and answers a repeated key with the first message's id. It can be told
  to fail: `POST /_control/fail?times=3[&status=503]`, `POST /_control/fail?always=1`,
  `POST /_control/reset`, or `VOORPORTAAL_SMS_STUB_FAIL_TIMES` at start.

`read_sent_emails` and `read_sent_sms` read a store; run
`python -m voorportaal_notify.devservers --smtp-port 8025 --sms-port 8026 --store var/outbox-dev`
to serve, and add `--show` to print what was "sent" instead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

FAIL_TIMES_ENV = "VOORPORTAAL_SMS_STUB_FAIL_TIMES"
"""Requests the SMS stub fails (503) after it starts."""


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _append_line(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")


def _read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --- e-mail ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredEmail:
    """One e-mail the dev SMTP server received."""

    file: str
    """The .eml file, relative to the store."""
    message_id: str
    mail_from: str
    rcpt_tos: list[str]
    subject: str
    received_at: str
    store: str

    def message(self) -> EmailMessage:
        """The parsed message (headers decoded, parts reachable)."""
        raw = (Path(self.store) / self.file).read_bytes()
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(parsed, EmailMessage)
        return parsed


class MailStoreHandler:
    """aiosmtpd handler that writes every accepted message into a folder."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.folder = store / "mail"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._count = len(_read_lines(self.folder / "index.jsonl"))
        self._fail_remaining = 0
        self._fail_reply = "451 4.3.0 Temporary failure (dev server told to fail)"

    def fail_next(self, times: int, code: int = 451) -> None:
        """Refuse the next `times` messages with `code` (4xx transient, 5xx permanent)."""
        with self._lock:
            self._fail_remaining = times
            kind = "4.3.0 Temporary" if code < 500 else "5.7.1 Permanent"
            self._fail_reply = f"{code} {kind} failure (dev server told to fail)"

    def _store(self, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        if isinstance(envelope.content, bytes) and not content:
            content = envelope.content
        with self._lock:
            if self._fail_remaining > 0:
                self._fail_remaining -= 1
                return self._fail_reply
            self._count += 1
            name = f"{self._count:06d}.eml"
            (self.folder / name).write_bytes(content)
            parsed = BytesParser(policy=policy.default).parsebytes(content, headersonly=True)
            _append_line(
                self.folder / "index.jsonl",
                {
                    "file": f"mail/{name}",
                    "message_id": str(parsed.get("Message-ID", "")),
                    "mail_from": envelope.mail_from or "",
                    "rcpt_tos": list(envelope.rcpt_tos),
                    "subject": str(parsed.get("Subject", "")),
                    "received_at": _now(),
                },
            )
        return "250 2.0.0 Message accepted for delivery"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Store the message (aiosmtpd hook)."""
        return self._store(envelope)


class DevSmtpServer:
    """A real SMTP server on 127.0.0.1 that stores what it receives (runs in its own thread)."""

    def __init__(self, store: Path, *, host: str = "127.0.0.1", port: int = 8025) -> None:
        self.handler = MailStoreHandler(store)
        self.host = host
        self.port = port
        self._controller = Controller(self.handler, hostname=host, port=port, ready_timeout=10)

    def start(self) -> Self:
        """Start listening."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        self._controller.stop()

    def fail_next(self, times: int, code: int = 451) -> None:
        """Refuse the next `times` messages with SMTP reply `code`."""
        self.handler.fail_next(times, code)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def read_sent_emails(store: Path) -> list[StoredEmail]:
    """Every e-mail the dev SMTP server stored in `store`, oldest first."""
    return [
        StoredEmail(store=str(store), **{**row, "rcpt_tos": list(row["rcpt_tos"])})
        for row in _read_lines(store / "mail" / "index.jsonl")
    ]


# --- SMS ------------------------------------------------------------------------------------


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
        for row in _read_lines(self.file):
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
                received_at=_now(),
            )
            _append_line(state.file, asdict(sms))
            if key:
                state.by_key[key] = sms
        self._reply(201, {"id": sms.id, "duplicate": False})


class _SmsHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: _SmsState) -> None:
        self.state = state
        super().__init__(address, _SmsHandler)


class SmsGatewayStub:
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

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _read_sms_file(path: Path) -> list[StoredSms]:
    return [StoredSms(**row) for row in _read_lines(path)]


def read_sent_sms(store: Path) -> list[StoredSms]:
    """Every SMS the gateway stub stored in `store`, oldest first."""
    return _read_sms_file(store / "sms" / "messages.jsonl")


# --- both at once (for `voorportaal up`) ----------------------------------------------------


@dataclass
class DevServers:
    """The dev SMTP server and SMS stub, started together; `stop()` ends both."""

    smtp: DevSmtpServer
    sms: SmsGatewayStub
    store: Path

    def stop(self) -> None:
        """Stop both servers and release their ports."""
        try:
            self.sms.stop()
        finally:
            self.smtp.stop()


def start_dev_servers(
    store: Path,
    smtp_port: int = 8025,
    sms_port: int = 8026,
    *,
    host: str = "127.0.0.1",
    sms_token: str | None = None,
) -> DevServers:
    """Start the dev SMTP server and SMS stub in background threads (defaults match the notify
    settings' defaults: SMTP 127.0.0.1:8025, SMS http://127.0.0.1:8026/messages)."""
    smtp = DevSmtpServer(store, host=host, port=smtp_port).start()
    try:
        sms = SmsGatewayStub(store, host=host, port=sms_port, token=sms_token).start()
    except BaseException:
        smtp.stop()
        raise
    return DevServers(smtp, sms, store)


# --- command line ---------------------------------------------------------------------------


def _show(store: Path) -> None:
    for mail in read_sent_emails(store):
        print(f"mail  {mail.received_at}  to={','.join(mail.rcpt_tos)}  {mail.subject!r}")
    for sms in read_sent_sms(store):
        print(f"sms   {sms.received_at}  to={sms.to}  {sms.text!r}")


def main(argv: list[str] | None = None) -> None:
    """Serve the dev SMTP server and SMS stub until interrupted (or `--show` the store)."""
    parser = argparse.ArgumentParser(prog="python -m voorportaal_notify.devservers")
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--sms-port", type=int, default=8026)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--store", type=Path, default=Path("var/outbox-dev"))
    parser.add_argument("--sms-token", default=None, help="require this bearer token")
    parser.add_argument("--show", action="store_true", help="print what was sent and exit")
    args = parser.parse_args(argv)
    store: Path = args.store
    if args.show:
        _show(store)
        return
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    servers = start_dev_servers(
        store, args.smtp_port, args.sms_port, host=args.host, sms_token=args.sms_token
    )
    print(
        f"dev SMTP on {args.host}:{args.smtp_port}, SMS gateway stub on {servers.sms.url}; "
        f"storing in {store.resolve()}",
        flush=True,
    )
    try:
        stop.wait()
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
