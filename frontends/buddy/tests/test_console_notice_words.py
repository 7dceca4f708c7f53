"""Notifications read as words: every kind the dossier can send has Dutch and English words in
the label table, the rows carry them, and the answer's model is the dossier's own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

from buddy.i18n import EN, NL
from buddy.labels import labels
from buddy.notices import notice_rows
from voorportaal_contracts.api.dossier import StaffNotification, StaffNotifications
from voorportaal_dossier.domain.staff_notices import NoticeKind


def test_every_notification_kind_has_dutch_and_english_words() -> None:
    table = labels()["staff_notice"]
    kinds = set(get_args(StaffNotification.model_fields["kind"].annotation))
    assert kinds == {k.value for k in NoticeKind}
    assert {k for k in kinds if k not in table} == set()
    assert all(table[k].nl != k and table[k].en != k for k in kinds)


def test_the_notification_texts_exist_in_both_languages() -> None:
    keys = {k for k in NL if k.startswith("notices_")}
    assert keys and keys == {k for k in EN if k.startswith("notices_")}


def test_a_notification_row_shows_words_and_whether_it_is_new() -> None:
    answer = StaffNotifications.model_validate(
        {
            "unread": 1,
            "items": [
                {
                    "id": "notice-0123456789abcdef01234567",
                    "case_id": "vp-case-000001",
                    "kind": "referral_declined",
                    "at": datetime(2026, 12, 6, 9, 30, tzinfo=UTC),
                    "read": False,
                },
                {
                    "id": "notice-0123456789abcdef01234568",
                    "case_id": "vp-case-000002",
                    "kind": "handover_requested",
                    "at": datetime(2026, 12, 6, 9, 0, tzinfo=UTC),
                    "read": True,
                },
            ],
        }
    )
    first, second = notice_rows(answer)
    assert first.what.nl == "Een instantie heeft een verwijzing afgewezen"
    assert first.what.en == "An agency declined a referral"
    assert first.unread and not second.unread
    assert first.at == "2026-12-06 09:30" and second.case_id == "vp-case-000002"
