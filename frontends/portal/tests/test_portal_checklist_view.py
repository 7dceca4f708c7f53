"""The checklist page's view of the intake's checklist+: grouped by agency, ordered by deadline,
dates written out, late items marked, how to reach each agency from the directory."""

from __future__ import annotations

from datetime import date, time

from portal.api import (
    DirectoryChannel,
    DirectoryHours,
    DirectoryOrganization,
    DirectoryService,
    DirectoryText,
    PublicDirectory,
)
from portal.pages.checklist import group_checklist, hours_text, tel_href
from voorportaal_contracts.api.intake import ChecklistItemOut, LocalText

TODAY = date(2026, 12, 7)


def _item(
    ident: str, agency: str, deadline: date | None, need: str | None = None
) -> ChecklistItemOut:
    return ChecklistItemOut(
        id=ident,
        title=LocalText(nl=f"Taak {ident}", en=f"Task {ident}"),
        agency=agency,
        why=[LocalText(nl="Omdat het moet.", en="Because it must.")],
        life_events=["income_loss"],
        deadline=deadline,
        contact=["phone"],
        refer=False,
        need=need,
    )


WEEKDAYS_9_TO_5 = DirectoryHours(
    days=["mon", "tue", "wed", "thu", "fri"], opens=time(9, 0), closes=time(17, 0)
)
DIRECTORY = PublicDirectory(
    organizations=[
        DirectoryOrganization(
            code="uwv", name=DirectoryText(nl="UWV", en="UWV"), web="https://www.uwv.nl"
        ),
        DirectoryOrganization(
            code="gemeente",
            name=DirectoryText(nl="Gemeente", en="Municipality"),
            web="https://www.rijksoverheid.nl/onderwerpen/gemeenten",
        ),
    ],
    services=[
        DirectoryService(
            id="uwv_ww",
            organization="uwv",
            name=DirectoryText(nl="WW", en="Unemployment benefit"),
            contact=[
                DirectoryChannel(kind="phone", value="088-898 92 94", hours=[WEEKDAYS_9_TO_5]),
                DirectoryChannel(kind="web", value="https://www.uwv.nl/ww"),
            ],
        ),
        DirectoryService(
            id="gemeente_bijstand",
            organization="gemeente",
            name=DirectoryText(nl="Bijstand", en="Assistance"),
            contact=[
                DirectoryChannel(kind="phone", value="14 + netnummer van de gemeente"),
                DirectoryChannel(
                    kind="desk", value="Stadhuis, op afspraak", hours=[WEEKDAYS_9_TO_5]
                ),
            ],
        ),
    ],
)


def test_the_agency_with_the_earliest_deadline_comes_first_and_its_items_by_date() -> None:
    items = [
        _item("g1", "gemeente", None),
        _item("u2", "uwv", date(2026, 12, 20)),
        _item("g2", "gemeente", date(2026, 12, 10)),
        _item("u1", "uwv", date(2026, 12, 14)),
    ]
    groups = group_checklist(items, DIRECTORY, TODAY)
    assert [g["agency"] for g in groups] == ["gemeente", "uwv"]
    assert [i["id"] for i in groups[0]["items"]] == ["g2", "g1"]
    assert [i["id"] for i in groups[1]["items"]] == ["u1", "u2"]


def test_each_deadline_is_written_out_and_a_passed_one_is_marked_late() -> None:
    groups = group_checklist(
        [_item("late", "uwv", date(2026, 12, 4)), _item("soon", "uwv", date(2026, 12, 8))],
        DIRECTORY,
        TODAY,
    )
    late, soon = groups[0]["items"]
    assert late["overdue"] is True
    assert soon["overdue"] is False
    assert soon["deadline_text"]["nl"] == "dinsdag 8 december 2026"
    assert soon["deadline_text"]["ar"] == "الثلاثاء 8 ديسمبر 2026"
    assert soon["deadline"] == "2026-12-08"


def test_an_item_without_a_date_says_so_in_words() -> None:
    item = group_checklist([_item("x", "uwv", None)], DIRECTORY, TODAY)[0]["items"][0]
    assert item["has_deadline"] is False
    assert item["overdue"] is False
    assert item["deadline_text"]["nl"].startswith("Geen vaste datum")


def test_how_to_reach_an_agency_comes_from_the_directory() -> None:
    groups = group_checklist(
        [_item("u", "uwv", None), _item("g", "gemeente", date(2026, 12, 9))], DIRECTORY, TODAY
    )
    gemeente, uwv = groups
    assert uwv["phone_href"] == "tel:0888989294"
    assert uwv["web"] == "https://www.uwv.nl/ww"
    assert uwv["name"]["tr"] == "UWV"
    # "14 + netnummer" is no number a phone can dial: shown, not linked.
    assert gemeente["phone"] == "14 + netnummer van de gemeente"
    assert gemeente["phone_href"] == ""
    assert gemeente["desk"] == "Stadhuis, op afspraak"
    assert gemeente["desk_hours"]["nl"] == "maandag \u2013 vrijdag 09:00 \u2013 17:00"
    assert gemeente["name"]["en"] == "Municipality"
    # No web channel for the service: the agency's own website.
    assert gemeente["web"] == "https://www.rijksoverheid.nl/onderwerpen/gemeenten"


def test_an_agency_missing_from_the_directory_is_still_listed_by_its_code() -> None:
    groups = group_checklist([_item("x", "cjib", None)], DIRECTORY, TODAY)
    assert groups[0]["name"]["nl"] == "cjib"
    assert groups[0]["phone"] == ""


def test_only_a_dialable_number_gets_a_tel_link() -> None:
    assert tel_href("0800-0543") == "tel:08000543"
    assert tel_href("+31 20 123 4567") == "tel:+31201234567"
    assert tel_href("14 + netnummer") == ""
    assert tel_href("javascript:alert(1)") == ""


def test_opening_hours_are_written_in_each_language() -> None:
    hours = hours_text(DirectoryChannel(kind="desk", value="x", hours=[WEEKDAYS_9_TO_5]))
    assert hours["pl"] == "poniedziałek \u2013 piątek 09:00 \u2013 17:00"
    assert hours["tr"] == "Pazartesi \u2013 Cuma 09:00 \u2013 17:00"


def test_the_intakes_own_agency_name_in_five_languages_wins_over_the_directorys() -> None:
    item = _item("x", "uwv", None)
    named = item.model_copy(
        update={"agency_name": LocalText(nl="UWV", en="UWV", tr="UWV (İşçi Sigortaları)")}
    )
    group = group_checklist([named], DIRECTORY, TODAY)[0]
    assert group["name"]["tr"] == "UWV (İşçi Sigortaları)"
    assert group["name"]["lang_tr"] == "tr"
