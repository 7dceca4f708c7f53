"""The SMTP sender and SMS gateway client against the real local servers on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from notify_helpers import LINK, free_port

from voorportaal.devservers import (
    DevSmtpServer,
    SmsGatewayStub,
    read_sent_emails,
    read_sent_sms,
)
from voorportaal_notify.adapters.sms_gateway import HttpSmsGateway, SmsGatewayConfig
from voorportaal_notify.adapters.smtp import SmtpConfig, SmtpEmailSender, message_id_for
from voorportaal_notify.domain.delivery import (
    ErrorClass,
    PermanentDeliveryError,
    TransientDeliveryError,
    classify,
)
from voorportaal_notify.domain.render import Renderer

PHONE = "+31612345678"


def smtp_sender(server: DevSmtpServer, **overrides: object) -> SmtpEmailSender:
    config = SmtpConfig(host="127.0.0.1", port=server.port, timeout_s=5, **overrides)  # type: ignore[arg-type]
    return SmtpEmailSender(config)


async def test_an_email_arrives_in_the_store_as_multipart_text_and_html(
    smtp_server: DevSmtpServer, renderer: Renderer, tmp_path: Path
) -> None:
    message = renderer.render("news", "ar", {"link": LINK})
    receipt = await smtp_sender(smtp_server).send(
        to="burger@example.org", message=message, idempotency_key="notif-1:email"
    )
    (stored,) = read_sent_emails(tmp_path)
    assert stored.rcpt_tos == ["burger@example.org"]
    assert (
        stored.message_id
        == receipt.message_id
        == message_id_for("notif-1:email", "voorportaal.invalid")
    )
    mail = stored.message()
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["Subject"] == message.subject
    assert mail["Content-Language"] == "ar"
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None and html is not None
    assert LINK in plain.get_content()
    assert '<html lang="ar" dir="rtl">' in html.get_content()


async def test_the_same_idempotency_key_gives_the_same_message_id(
    smtp_server: DevSmtpServer, renderer: Renderer, tmp_path: Path
) -> None:
    message = renderer.render("news", "nl", {"link": LINK})
    sender = smtp_sender(smtp_server)
    first = await sender.send(to="a@example.org", message=message, idempotency_key="k-7")
    second = await sender.send(to="a@example.org", message=message, idempotency_key="k-7")
    other = await sender.send(to="a@example.org", message=message, idempotency_key="k-8")
    assert first.message_id == second.message_id != other.message_id
    assert len({m.message_id for m in read_sent_emails(tmp_path)}) == 2


async def test_a_4xx_reply_is_transient_and_a_5xx_reply_permanent(
    smtp_server: DevSmtpServer, renderer: Renderer, tmp_path: Path
) -> None:
    message = renderer.render("news", "nl", {"link": LINK})
    sender = smtp_sender(smtp_server)
    smtp_server.fail_next(1, code=451)
    with pytest.raises(TransientDeliveryError) as transient:
        await sender.send(to="a@example.org", message=message, idempotency_key="k")
    assert transient.value.reason_code == "smtp_451"
    smtp_server.fail_next(1, code=550)
    with pytest.raises(PermanentDeliveryError) as permanent:
        await sender.send(to="a@example.org", message=message, idempotency_key="k")
    assert permanent.value.reason_code == "smtp_550"
    await sender.send(to="a@example.org", message=message, idempotency_key="k")
    assert len(read_sent_emails(tmp_path)) == 1


async def test_no_server_listening_is_transient(renderer: Renderer) -> None:
    sender = SmtpEmailSender(SmtpConfig(port=free_port(), timeout_s=2))
    with pytest.raises(TransientDeliveryError) as error:
        await sender.send(
            to="a@example.org",
            message=renderer.render("news", "nl", {"link": LINK}),
            idempotency_key="k",
        )
    assert classify(error.value) is ErrorClass.TRANSIENT


async def test_starttls_demanded_from_a_server_without_it_is_a_permanent_config_fault(
    smtp_server: DevSmtpServer, renderer: Renderer
) -> None:
    with pytest.raises(PermanentDeliveryError, match="smtp_not_supported"):
        await smtp_sender(smtp_server, starttls=True).send(
            to="a@example.org",
            message=renderer.render("news", "nl", {"link": LINK}),
            idempotency_key="k",
        )


# --- SMS ----------------------------------------------------------------------------------


async def test_the_gateway_fails_three_times_then_delivers_once(
    sms_stub: SmsGatewayStub, tmp_path: Path
) -> None:
    sms_stub.fail_next(3)
    gateway = HttpSmsGateway(SmsGatewayConfig(url=sms_stub.url, timeout_s=5))
    outcomes: list[str] = []
    try:
        for _ in range(4):
            try:
                receipt = await gateway.send(
                    to=PHONE,
                    text="Er is nieuws. " + LINK,
                    reference="n-1",
                    idempotency_key="n-1:sms",
                )
                outcomes.append("sent")
            except TransientDeliveryError as exc:
                outcomes.append(exc.reason_code)
    finally:
        await gateway.aclose()
    assert outcomes == ["http_503", "http_503", "http_503", "sent"]
    (stored,) = read_sent_sms(tmp_path)
    assert (stored.id, stored.to, stored.reference) == (receipt.message_id, PHONE, "n-1")
    assert sms_stub.requests == 4


async def test_the_idempotency_key_is_honoured(sms_stub: SmsGatewayStub, tmp_path: Path) -> None:
    async with httpx.AsyncClient() as client:
        gateway = HttpSmsGateway(SmsGatewayConfig(url=sms_stub.url), client=client)
        first = await gateway.send(to=PHONE, text="a " + LINK, reference="r", idempotency_key="k1")
        again = await gateway.send(to=PHONE, text="a " + LINK, reference="r", idempotency_key="k1")
        other = await gateway.send(to=PHONE, text="a " + LINK, reference="r", idempotency_key="k2")
        with pytest.raises(PermanentDeliveryError, match="http_422"):
            await gateway.send(to=PHONE, text="different", reference="r", idempotency_key="k1")
    assert first.message_id == again.message_id != other.message_id
    assert (first.duplicate, again.duplicate) == (False, True)
    assert [s.idempotency_key for s in read_sent_sms(tmp_path)] == ["k1", "k2"]


async def test_a_gateway_that_always_fails_stays_transient_and_stores_nothing(
    sms_stub: SmsGatewayStub, tmp_path: Path
) -> None:
    async with httpx.AsyncClient() as client:
        # Through the control endpoint, as an integration test or an operator would.
        await client.post(sms_stub.url.replace("/messages", "/_control/fail?always=1&status=502"))
        gateway = HttpSmsGateway(SmsGatewayConfig(url=sms_stub.url), client=client)
        for _ in range(3):
            with pytest.raises(TransientDeliveryError, match="http_502"):
                await gateway.send(to=PHONE, text="x " + LINK, reference="r", idempotency_key="k")
        await client.post(sms_stub.url.replace("/messages", "/_control/reset"))
        await gateway.send(to=PHONE, text="x " + LINK, reference="r", idempotency_key="k")
    assert len(read_sent_sms(tmp_path)) == 1


async def test_rate_limiting_is_transient_with_its_retry_after(tmp_path: Path) -> None:
    with SmsGatewayStub(tmp_path, port=0, fail_times=1) as stub:
        stub.fail_next(1, status=429)
        gateway = HttpSmsGateway(SmsGatewayConfig(url=stub.url))
        try:
            with pytest.raises(TransientDeliveryError, match="http_429"):
                await gateway.send(to=PHONE, text="x " + LINK, reference="r", idempotency_key="k")
        finally:
            await gateway.aclose()


async def test_wrong_credentials_are_permanent_and_right_ones_work(tmp_path: Path) -> None:
    with SmsGatewayStub(tmp_path, port=0, token="s3cret") as stub:
        async with httpx.AsyncClient() as client:
            wrong = HttpSmsGateway(SmsGatewayConfig(url=stub.url, bearer_token="nope"), client)
            with pytest.raises(PermanentDeliveryError, match="http_401"):
                await wrong.send(to=PHONE, text="x " + LINK, reference="r", idempotency_key="k")
            right = HttpSmsGateway(SmsGatewayConfig(url=stub.url, bearer_token="s3cret"), client)
            await right.send(to=PHONE, text="x " + LINK, reference="r", idempotency_key="k")
    assert len(read_sent_sms(tmp_path)) == 1


async def test_an_unreachable_gateway_is_transient() -> None:
    gateway = HttpSmsGateway(SmsGatewayConfig(url=f"http://127.0.0.1:{free_port()}/messages"))
    try:
        with pytest.raises(TransientDeliveryError, match="connection"):
            await gateway.send(to=PHONE, text="x", reference="r", idempotency_key="k")
    finally:
        await gateway.aclose()


def test_the_stub_remembers_keys_across_a_restart(tmp_path: Path) -> None:
    with SmsGatewayStub(tmp_path, port=0) as stub:
        first = httpx.post(
            stub.url, json={"to": PHONE, "text": "x"}, headers={"Idempotency-Key": "k"}
        )
    with SmsGatewayStub(tmp_path, port=0) as stub:
        again = httpx.post(
            stub.url, json={"to": PHONE, "text": "x"}, headers={"Idempotency-Key": "k"}
        )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert len(read_sent_sms(tmp_path)) == 1


def test_the_devservers_run_from_the_command_line(tmp_path: Path) -> None:
    smtp_port, sms_port = free_port(), free_port()
    store = tmp_path / "outbox"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voorportaal.devservers",
            "--smtp-port",
            str(smtp_port),
            "--sms-port",
            str(sms_port),
            "--store",
            str(store),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert "SMS gateway stub" in proc.stdout.readline()
        url = f"http://127.0.0.1:{sms_port}/messages"
        reply = httpx.post(
            url, json={"to": PHONE, "text": "hallo"}, headers={"Idempotency-Key": "c"}
        )
        assert reply.status_code == 201
        assert httpx.get(url).json()[0]["text"] == "hallo"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
    shown = subprocess.run(
        [sys.executable, "-m", "voorportaal.devservers", "--store", str(store), "--show"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "to=+31612345678" in shown.stdout and "'hallo'" in shown.stdout
    for port in (smtp_port, sms_port):
        with socket.socket() as s:  # the exited process released its ports: nothing listens
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
