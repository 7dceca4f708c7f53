"""Issue 13, items 9, 2, 4 and 8 on notify's side, in-process with a test clock and the real local
SMTP server and SMS gateway stub:

- one-time codes from `contact.verifications` reach the unconfirmed address, say only the code,
  and are rate-limited per address across cases;
- nothing but a code goes to an address that is not confirmed: the update waits (held), or goes
  to a confirmed channel of the citizen's choice;
- a changed phone or e-mail tells the old address, in the citizen's language, without the new one;
- a representative's copy carries the representative's own link (their mandate), never the
  citizen's, and only under a current mandate;
- `CaseAnonymised` and a tombstone purge addresses, codes and message fields, keeping the figures.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from notify_factories import (
    CASE,
    EMAIL,
    MONDAY,
    PHONE,
    REPRESENTATIVE,
    accepted,
    anonymised,
    buddy,
    code_request,
    contact_points,
    mandate,
    mandate_revoked,
)
from notify_harness import WINDOW, Notify, NotifyFactory, mail_text
from sqlalchemy import select

from voorportaal.devservers import DevSmtpServer, read_sent_emails, read_sent_sms
from voorportaal_contracts.citizen_links import verify_link_token
from voorportaal_contracts.types import MessageChannel
from voorportaal_kit.auth import Principal
from voorportaal_kit.errors import Forbidden, NotFound, ServiceError
from voorportaal_notify.adapters.data_files import load_notices
from voorportaal_notify.adapters.orm import contact_points as contact_points_table
from voorportaal_notify.adapters.orm import notices, pending_updates
from voorportaal_notify.domain.access import ChangeReason
from voorportaal_notify.domain.notices import CODE_KINDS, LINK_KINDS, NoticeKind
from voorportaal_notify.service_layer.preferences import PreferencesChange

LANGUAGES = ("nl", "en", "tr", "ar", "pl")
SUPERVISOR = Principal(subject="sup-1", roles=frozenset({"supervisor"}))
NEW_PHONE = "+31687654321"
NEW_EMAIL = "nieuw@example.org"


def _links(text: str) -> list[str]:
    return [w.rstrip(".,)") for w in text.split() if w.startswith("http")]


async def _rows(notify: Notify, table: Any, case_id: str = CASE) -> list[dict[str, Any]]:
    async with notify.runtime.sessions() as session:
        found = await session.execute(select(table).where(table.c.case_id == case_id))
        return [dict(r) for r in found.mappings().all()]


# -- item 9: codes --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_code_reaches_an_unconfirmed_phone_and_says_only_the_code(
    notify: Notify, language: str
) -> None:
    await notify.handle(contact_points(channels=["sms"], verified=[], language=language))
    await notify.handle(code_request(language=language, code="493027"))
    assert (await notify.run()).notices == 1, "a code does not wait for the bundling window"
    (sms,) = read_sent_sms(notify.store)
    assert sms.to == PHONE
    expected = load_notices().render(NoticeKind.VERIFICATION_CODE, language, code="493027")
    assert sms.text == expected.sms
    assert "493027" in sms.text and "http" not in sms.text and CASE not in sms.text


async def test_a_code_by_email_says_only_the_code(notify: Notify) -> None:
    await notify.handle(contact_points(verified=[]))
    await notify.handle(code_request(channel="email", phone=None, email=EMAIL, language="en"))
    await notify.run()
    (stored,) = read_sent_emails(notify.store)
    assert stored.rcpt_tos == [EMAIL]
    mail, plain, html = mail_text(notify.store)
    assert mail["Subject"] == "Your code"
    assert plain.strip() == "Your code is 493027."
    assert "http" not in plain and "href" not in html


async def test_codes_are_rate_limited_per_address_across_cases(make_notify: NotifyFactory) -> None:
    notify = await make_notify(code_limit_per_hour=3, code_limit_per_day=4)
    for n in range(5):  # five intakes, five cases, one victim's phone
        await notify.handle(code_request(f"vp-00000000000000case{n}"))
    assert (await notify.run()).notices == 3, "three codes an hour per address"
    await notify.handle(code_request("vp-00000000000000case5", phone="+31699999999"))
    assert (await notify.run()).notices == 1, "another address has its own limit"
    notify.clock.advance(timedelta(minutes=61))
    now = notify.clock.now()
    await notify.handle(code_request("vp-00000000000000case6", at=now))
    await notify.handle(code_request("vp-00000000000000case7", at=now))
    assert (await notify.run()).notices == 1, "four a day: one more after the hour"
    assert sum(1 for s in read_sent_sms(notify.store) if s.to == PHONE) == 4
    async with notify.runtime.sessions() as session:
        statuses = (
            await session.scalars(select(notices.c.status).where(notices.c.address.is_not(None)))
        ).all()
    assert statuses == [], "no notice keeps its address once done (sent or rate-limited)"


async def test_an_expired_code_is_not_sent(notify: Notify) -> None:
    await notify.handle(code_request())
    notify.clock.advance(timedelta(minutes=16))
    assert (await notify.run()).notices == 0
    assert read_sent_sms(notify.store) == []
    (row,) = await _rows(notify, notices)
    assert row["status"] == "expired" and row["code"] is None and row["address"] is None


async def test_the_same_code_request_twice_sends_one_code(notify: Notify) -> None:
    request = code_request(verification_id="ver-0000000000a1")
    await notify.handle(request)
    await notify.handle(request.model_copy())
    await notify.run()
    assert len(read_sent_sms(notify.store)) == 1


# -- item 9: nothing but a code to an unconfirmed address -----------------------------------


async def test_nothing_but_a_code_goes_to_an_unconfirmed_address_updates_wait_for_confirmation(
    notify: Notify,
) -> None:
    await notify.handle(contact_points(channels=["sms", "email"], verified=[]))
    await notify.handle(accepted())
    await notify.run(WINDOW)
    await notify.run(timedelta(hours=2))
    assert read_sent_sms(notify.store) == [] and read_sent_emails(notify.store) == []
    assert await notify.deliveries() == [], "held: not even planned"
    await notify.handle(contact_points(channels=["sms", "email"], verified=["sms"]))
    assert (await notify.run()).sent == 1, "confirmed: the held update goes out at once"
    (sms,) = read_sent_sms(notify.store)
    assert sms.to == PHONE


async def test_an_unconfirmed_first_choice_is_passed_over_for_a_confirmed_channel(
    notify: Notify,
) -> None:
    await notify.handle(contact_points(channels=["sms", "email"], verified=["email"]))
    await notify.handle(accepted())
    await notify.run(WINDOW)
    assert read_sent_sms(notify.store) == []
    (stored,) = read_sent_emails(notify.store)
    assert stored.rcpt_tos == [EMAIL]


async def test_a_message_planned_before_its_address_lost_confirmation_is_held(
    notify: Notify, smtp_server: DevSmtpServer
) -> None:
    await notify.handle(contact_points(verified=["email"]))
    await notify.handle(accepted())
    smtp_server.fail_next(1, code=451)
    await notify.run(WINDOW)
    await notify.handle(contact_points(verified=[]))
    await notify.run(timedelta(hours=2))
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "held" and read_sent_emails(notify.store) == []
    await notify.handle(contact_points(verified=["email"]))
    await notify.run()
    (delivery,) = await notify.deliveries()
    assert delivery["status"] == "sent" and len(read_sent_emails(notify.store)) == 1


# -- item 2: the old address is told --------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_changed_phone_tells_the_old_number_in_the_citizens_language_without_the_new_one(
    notify: Notify, language: str
) -> None:
    await notify.handle(contact_points(channels=["sms"], language=language))
    await notify.service.change_preferences(
        CASE, PreferencesChange(phone=NEW_PHONE), SUPERVISOR, reason=ChangeReason.CITIZEN_REQUEST
    )
    assert (await notify.run()).notices == 2, "the old number is told, the new one gets a code"
    (sms,) = [s for s in read_sent_sms(notify.store) if s.to == PHONE]
    assert sms.text == load_notices().render(NoticeKind.CONTACT_CHANGED, language).sms
    assert NEW_PHONE not in sms.text and NEW_PHONE[-4:] not in sms.text
    assert _links(sms.text) == [], "no link that would open the dossier"
    (code,) = [s for s in read_sent_sms(notify.store) if s.to == NEW_PHONE]
    digits = "".join(c for c in code.text if c.isdigit())
    assert (
        code.text == load_notices().render(NoticeKind.VERIFICATION_CODE, language, code=digits).sms
    )


async def test_a_changed_email_tells_the_old_address_and_the_new_one_is_not_confirmed(
    notify: Notify,
) -> None:
    await notify.handle(contact_points(channels=["email", "sms"], language="pl"))
    await notify.service.change_preferences(
        CASE, PreferencesChange(email=NEW_EMAIL), SUPERVISOR, reason=ChangeReason.CORRECTION
    )
    await notify.run()
    assert sorted(m.rcpt_tos[0] for m in read_sent_emails(notify.store)) == sorted(
        [EMAIL, NEW_EMAIL]
    ), "the old address is told; the new one gets only a code"
    told = next(i for i, m in enumerate(read_sent_emails(notify.store)) if m.rcpt_tos == [EMAIL])
    mail, plain, html = mail_text(notify.store, told)
    assert mail["Subject"] == "Pana/Pani dane kontaktowe zostały zmienione"
    assert NEW_EMAIL not in plain and NEW_EMAIL not in html and "http" not in plain
    await notify.handle(accepted())
    await notify.run(WINDOW)
    (sms,) = read_sent_sms(notify.store)
    assert sms.to == PHONE, "the new e-mail is not confirmed: the update goes by confirmed SMS"
    assert len(read_sent_emails(notify.store)) == 2, "nothing but the code went to the new one"


async def test_the_same_address_again_tells_nobody_and_stays_confirmed(notify: Notify) -> None:
    await notify.handle(contact_points())
    await notify.service.change_preferences(
        CASE, PreferencesChange(email=EMAIL), SUPERVISOR, reason=ChangeReason.CORRECTION
    )
    assert (await notify.run()).notices == 0
    await notify.handle(accepted())
    await notify.run(WINDOW)
    assert [m.rcpt_tos for m in read_sent_emails(notify.store)] == [[EMAIL]]


def _code_sent_to(notify: Notify, phone: str) -> str:
    (sms,) = [s for s in read_sent_sms(notify.store) if s.to == phone]
    return "".join(c for c in sms.text if c.isdigit())


async def test_a_changed_number_is_confirmed_with_the_code_sent_to_it(notify: Notify) -> None:
    await notify.handle(contact_points(channels=["sms"], language="nl"))
    await notify.service.change_preferences(
        CASE, PreferencesChange(phone=NEW_PHONE), SUPERVISOR, reason=ChangeReason.CITIZEN_REQUEST
    )
    await notify.run()
    code = _code_sent_to(notify, NEW_PHONE)
    await notify.handle(accepted())
    await notify.run(WINDOW)
    assert [s.to for s in read_sent_sms(notify.store)].count(NEW_PHONE) == 1, "held: only the code"
    citizen = Principal(subject=f"citizen:{CASE}", roles=frozenset({"citizen"}), case_id=CASE)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ServiceError, match="not right"):
        await notify.service.confirm_address(CASE, MessageChannel.SMS, wrong, citizen)
    confirmed = await notify.service.confirm_address(CASE, MessageChannel.SMS, code, citizen)
    assert confirmed.verified == ("email", "sms")
    assert (await notify.run()).sent == 1, "the held update goes to the confirmed new number"
    assert [s.to for s in read_sent_sms(notify.store)].count(NEW_PHONE) == 2
    async with notify.runtime.sessions() as session:
        records = await notify.runtime.state["audit"].query(session, case_id=CASE)
    assert [(r.purpose, r.outcome.value) for r in records] == [
        ("citizen_request", "allowed"),
        ("confirm_address", "allowed"),
    ]
    published = [data for kind, data in await notify.outbox(access_log=True) if kind == "accessed"]
    assert [(e["service"], e["purpose"], e["record_seq"]) for e in published] == [
        ("notify", "citizen_request", 1),
        ("notify", "confirm_address", 2),
    ], "the citizen's 'who looked' on access.log covers notify"
    assert NEW_PHONE not in str(published)


async def test_five_wrong_codes_end_the_confirmation(notify: Notify) -> None:
    await notify.handle(contact_points(channels=["sms"]))
    await notify.service.change_preferences(
        CASE, PreferencesChange(phone=NEW_PHONE), SUPERVISOR, reason=ChangeReason.CITIZEN_REQUEST
    )
    await notify.run()
    code = _code_sent_to(notify, NEW_PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ServiceError, match="not right"):
            await notify.service.confirm_address(CASE, MessageChannel.SMS, wrong, SUPERVISOR)
    with pytest.raises(ServiceError, match="No code is waiting"):
        await notify.service.confirm_address(CASE, MessageChannel.SMS, code, SUPERVISOR)


async def test_a_stranger_cannot_confirm_an_address(notify: Notify) -> None:
    await notify.handle(contact_points(channels=["sms"]))
    await notify.handle(buddy(by="cm-owner", team="noord"))
    owner = Principal(subject="cm-owner", roles=frozenset({"casemanager"}), team="noord")
    await notify.service.change_preferences(
        CASE, PreferencesChange(phone=NEW_PHONE), owner, reason=ChangeReason.UNDELIVERABLE
    )
    await notify.run()
    code = _code_sent_to(notify, NEW_PHONE)
    stranger = Principal(subject="cm-x", roles=frozenset({"casemanager"}), team="zuid")
    with pytest.raises(Forbidden):
        await notify.service.confirm_address(CASE, MessageChannel.SMS, code, stranger)
    async with notify.runtime.sessions() as session:
        records = await notify.runtime.state["audit"].query(session, actor="cm-x")
    assert [(r.purpose, r.outcome.value) for r in records] == [("confirm_address", "refused")]


# -- item 4: a representative's own link -----------------------------------------------------


async def test_a_representatives_copy_carries_their_own_link_never_the_citizens(
    notify: Notify,
) -> None:
    await notify.handle(mandate(mandate_id="mandate-0001"))
    await notify.handle(contact_points(language="nl", representative=REPRESENTATIVE))
    await notify.handle(accepted())
    await notify.run(WINDOW)
    mails = read_sent_emails(notify.store)
    by_rcpt = {m.rcpt_tos[0]: i for i, m in enumerate(mails)}
    _, citizen_plain, _ = mail_text(notify.store, by_rcpt[EMAIL])
    _, copy_plain, copy_html = mail_text(notify.store, by_rcpt["bewind@example.org"])
    key = notify.settings.link_key.get_secret_value().encode()
    (citizen_link,) = set(_links(citizen_plain))
    (copy_link,) = set(_links(copy_plain))
    citizen_claims = verify_link_token(key, citizen_link.rsplit("/", 1)[-1], now=notify.clock.now())
    copy_claims = verify_link_token(key, copy_link.rsplit("/", 1)[-1], now=notify.clock.now())
    assert citizen_claims.holder is None
    assert copy_claims.holder == "mandate-0001" and copy_claims.case_id == CASE
    assert citizen_link not in copy_plain and citizen_link not in copy_html


async def test_no_copy_without_a_current_mandate(notify: Notify) -> None:
    await notify.handle(contact_points(representative=REPRESENTATIVE))
    await notify.handle(mandate(relation="family"))  # a mandate, but not the bewindvoerder's
    await notify.handle(accepted())
    await notify.run(WINDOW)
    assert [m.rcpt_tos for m in read_sent_emails(notify.store)] == [[EMAIL]]


async def test_no_copy_when_two_current_mandates_share_the_representatives_relation(
    notify: Notify,
) -> None:
    """Two bewindvoerders (or a son and a sister, both `family`): the copy could carry the other
    one's mandate and its rights, so nobody gets a copy until only one mandate is current."""
    await notify.handle(mandate(mandate_id="mandate-0001"))
    await notify.handle(mandate(mandate_id="mandate-0002"))
    await notify.handle(contact_points(representative=REPRESENTATIVE))
    await notify.handle(accepted())
    await notify.run(WINDOW)
    assert [m.rcpt_tos for m in read_sent_emails(notify.store)] == [[EMAIL]]


async def _message_and_copy_waiting(notify: Notify, smtp_server: DevSmtpServer) -> None:
    """A representative with a mandate and a confirmed address; news for the case whose
    message to the citizen and copy to the representative both wait (the server said 451)."""
    await notify.handle(mandate())
    await notify.handle(contact_points(representative=REPRESENTATIVE))
    await notify.handle(accepted())
    smtp_server.fail_next(2, code=451)
    await notify.run(WINDOW)


async def test_a_copy_waiting_when_the_mandate_is_revoked_is_not_sent(
    notify: Notify, smtp_server: DevSmtpServer
) -> None:
    await _message_and_copy_waiting(notify, smtp_server)
    await notify.handle(mandate_revoked(at=notify.clock.now()))
    await notify.run(timedelta(hours=2))
    assert [m.rcpt_tos for m in read_sent_emails(notify.store)] == [[EMAIL]]
    copy = next(d for d in await notify.deliveries() if d["recipient"] == "representative")
    assert (copy["status"], copy["reason_code"]) == ("cancelled", "no_mandate")


# -- item 9 for representatives: a copy goes only to a confirmed address ---------------------


async def test_a_copy_goes_only_to_a_representatives_address_confirmed_with_a_code(
    notify: Notify,
) -> None:
    unconfirmed = {**REPRESENTATIVE, "verified": []}
    await notify.handle(mandate())
    await notify.handle(contact_points(representative=unconfirmed))
    await notify.handle(accepted())
    await notify.run(WINDOW)
    assert [m.rcpt_tos for m in read_sent_emails(notify.store)] == [[EMAIL]]
    (copy,) = [d for d in await notify.deliveries() if d["recipient"] == "representative"]
    assert (copy["status"], copy["reason_code"]) == ("skipped", "unconfirmed")

    await notify.handle(contact_points(representative=REPRESENTATIVE))  # confirmed now
    await notify.run(WINDOW)
    assert [m.rcpt_tos for m in read_sent_emails(notify.store)] == [[EMAIL]], (
        "a confirmation does not release the copies of old news"
    )
    await notify.handle(accepted(at=notify.clock.now()))
    await notify.run(WINDOW)
    rcpts = [m.rcpt_tos for m in read_sent_emails(notify.store)]
    assert rcpts.count(["bewind@example.org"]) == 1, "later news is copied"


async def test_a_copy_waiting_when_the_representatives_address_loses_confirmation_is_not_sent(
    notify: Notify, smtp_server: DevSmtpServer
) -> None:
    await _message_and_copy_waiting(notify, smtp_server)
    changed = {**REPRESENTATIVE, "email": "ander@example.org", "verified": []}
    await notify.handle(contact_points(representative=changed))
    await notify.run(timedelta(hours=2))
    assert [m.rcpt_tos for m in read_sent_emails(notify.store)] == [[EMAIL]]
    copy = next(d for d in await notify.deliveries() if d["recipient"] == "representative")
    assert (copy["status"], copy["reason_code"]) == ("cancelled", "no_channel")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_representatives_code_says_it_confirms_copies_for_someone_they_help(
    notify: Notify, language: str
) -> None:
    await notify.handle(code_request(language=language, code="493027", for_representative=True))
    assert (await notify.run()).notices == 1
    (sms,) = read_sent_sms(notify.store)
    catalogue = load_notices()
    expected = catalogue.render(NoticeKind.REPRESENTATIVE_CODE, language, code="493027")
    assert sms.text == expected.sms
    assert sms.text != catalogue.render(NoticeKind.VERIFICATION_CODE, language, code="493027").sms
    assert "http" not in sms.text and CASE not in sms.text


async def test_a_representatives_codes_count_against_the_address_limit(
    make_notify: NotifyFactory,
) -> None:
    notify = await make_notify(code_limit_per_hour=2, code_limit_per_day=4)
    await notify.handle(code_request("vp-00000000000000case1"))
    await notify.handle(code_request("vp-00000000000000case2", for_representative=True))
    await notify.handle(code_request("vp-00000000000000case3", for_representative=True))
    assert (await notify.run()).notices == 2, "one limit per address, whoever the code is for"


# -- item 8: erasure -------------------------------------------------------------------------


async def test_case_anonymised_purges_addresses_codes_and_message_fields_keeping_the_figures(
    notify: Notify,
) -> None:
    await notify.handle(contact_points())
    await notify.handle(buddy())  # a staff name in the update's fields
    await notify.run(WINDOW)
    await notify.handle(accepted())
    await notify.handle(code_request(at=notify.clock.now()))
    await notify.handle(anonymised())
    await notify.run(WINDOW)
    assert await _rows(notify, contact_points_table) == []
    assert all(u["fields"] == {} for u in await _rows(notify, pending_updates))
    (code,) = await _rows(notify, notices)
    assert (code["address"], code["code"], code["address_key"]) == (None, None, None)
    assert code["status"] == "cancelled"
    deliveries = await notify.deliveries()
    assert [d["status"] for d in deliveries] == ["sent"], "ids, times and status stay"
    load = await notify.service.contact_load(CASE, SUPERVISOR)
    assert load.messages_24h == 1, "the contact-load figures survive the erasure"
    await notify.handle(contact_points())
    assert await _rows(notify, contact_points_table) == [], "nothing is kept for an erased case"
    with pytest.raises(NotFound):
        await notify.service.preferences(CASE, SUPERVISOR)


async def test_a_tombstone_purges_codes_and_message_fields_too(notify: Notify) -> None:
    await notify.handle(contact_points())
    await notify.handle(buddy())
    await notify.run(WINDOW)
    await notify.handle(code_request(at=notify.clock.now()))
    await notify.erase()
    assert await _rows(notify, contact_points_table) == []
    assert all(u["fields"] == {} for u in await _rows(notify, pending_updates))
    (code,) = await _rows(notify, notices)
    assert (code["address"], code["code"], code["status"]) == (None, None, "cancelled")
    assert [d["status"] for d in await notify.deliveries()] == ["sent"]
    assert notify.clock.now() > MONDAY


def test_every_notice_is_in_all_five_languages_and_carries_no_link() -> None:
    catalogue = load_notices()
    # The staff notice goes to staff (Dutch and English) with a console link: see
    # test_notify_staff_notices.py.
    for kind in set(NoticeKind) - LINK_KINDS:
        assert set(catalogue.notices[kind].texts) == set(LANGUAGES), kind
        for language in LANGUAGES:
            code = "123456" if kind in CODE_KINDS else None
            message = catalogue.render(kind, language, code=code)
            assert message.language == language
            assert "http" not in message.text + message.sms + message.html
            assert message.sms_segments <= 3
    assert catalogue.render(NoticeKind.CONTACT_CHANGED, "ar").html.count('dir="rtl"') == 2


def test_a_notice_text_with_a_link_or_another_variable_is_refused() -> None:
    from pydantic import ValidationError

    from voorportaal_notify.domain.notices import NoticeDef

    text = {"subject": "Code", "body": ["Uw code is {{ code }}."], "sms": "{{ code }}"}
    NoticeDef(id=NoticeKind.VERIFICATION_CODE, description="d", texts={"nl": text})
    with pytest.raises(ValidationError, match="only"):
        NoticeDef(
            id=NoticeKind.VERIFICATION_CODE,
            description="d",
            texts={"nl": {**text, "sms": "{{ code }} {{ link }}"}},
        )
    with pytest.raises(ValidationError, match="no link"):
        NoticeDef(
            id=NoticeKind.CONTACT_CHANGED,
            description="d",
            texts={"nl": {"subject": "s", "body": ["zie https://x.test"], "sms": "s"}},
        )
