"""Staff notices: a staff member who chose their console notifications by e-mail gets one
e-mail per notification — only a link to the case in the console — at the address notify's
settings hold for them; nobody else gets anything, and a redelivered request sends nothing
twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from notify_factories import CASE
from notify_harness import NotifyFactory, mail_text

from voorportaal.devservers import read_sent_emails
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import StaffNotificationRequested
from voorportaal_notify.adapters.data_files import load_notices
from voorportaal_notify.domain.notices import NoticeKind

ANNA_MAIL = "anna@gemeente.example"
CONSOLE = "https://console.voorportaal.example"


def _request(staff_id: str = "cm-anna") -> StaffNotificationRequested:
    return StaffNotificationRequested(
        case_id=CASE,
        staff_id=staff_id,
        notification_id="notice-0123456789abcdef01234567",
        kind="referral_declined",
        requested_at=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
    )


async def test_a_staff_notice_is_one_email_with_only_a_link_to_the_case(
    make_notify: NotifyFactory,
) -> None:
    notify = await make_notify(staff_emails={"cm-anna": ANNA_MAIL}, console_url=CONSOLE)
    request = Envelope(_request(), source="/voorportaal/dossier", time=notify.clock.now())
    for _ in range(2):  # delivered twice
        for subscription in notify.runtime.definition.subscriptions(notify.runtime):
            handler = subscription.handlers.get(StaffNotificationRequested)
            if handler is not None:
                async with notify.runtime.sessions.begin() as session:
                    await handler(session, request)
    assert (await notify.run()).notices == 1
    assert (await notify.run()).notices == 0
    (sent,) = read_sent_emails(notify.store)
    assert sent.rcpt_tos == [ANNA_MAIL]
    mail, plain, html = mail_text(notify.store)
    link = f"{CONSOLE}/zaak/{CASE}"
    assert link in plain and link in html
    assert mail["Subject"] == "Er is iets voor u in de buddyconsole"
    assert "declin" not in plain and "afgewezen" not in plain  # not even what happened


async def test_a_staff_member_without_an_address_in_the_settings_gets_nothing(
    make_notify: NotifyFactory,
) -> None:
    notify = await make_notify(staff_emails={"cm-anna": ANNA_MAIL})
    await notify.handle(_request("cm-bram"))
    assert (await notify.run()).notices == 0
    assert read_sent_emails(notify.store) == []


def test_only_the_staff_notice_takes_a_link() -> None:
    catalogue = load_notices()
    with pytest.raises(ValueError, match="link"):
        catalogue.render(NoticeKind.STAFF_NOTICE, "nl")
    with pytest.raises(ValueError, match="link"):
        catalogue.render(NoticeKind.CONTACT_CHANGED, "nl", link="https://x.example/zaak/1")
    english = catalogue.render(NoticeKind.STAFF_NOTICE, "en", link="https://x.example/zaak/1")
    assert "https://x.example/zaak/1" in english.text and english.language == "en"


def test_the_staff_notice_is_in_dutch_and_english_with_its_link_in_the_body_only() -> None:
    from pydantic import ValidationError

    from voorportaal_notify.domain.notices import NoticeDef

    assert set(load_notices().notices[NoticeKind.STAFF_NOTICE].texts) == {"nl", "en"}
    text = {"subject": "s", "body": ["Open {{ link }}"], "sms": "s"}
    NoticeDef(id=NoticeKind.STAFF_NOTICE, description="d", texts={"nl": text})
    with pytest.raises(ValidationError, match="only"):
        NoticeDef(
            id=NoticeKind.STAFF_NOTICE,
            description="d",
            texts={"nl": {**text, "sms": "{{ link }}"}},
        )
    with pytest.raises(ValidationError, match="link"):
        NoticeDef(
            id=NoticeKind.STAFF_NOTICE,
            description="d",
            texts={"nl": {**text, "body": ["no link here"]}},
        )
