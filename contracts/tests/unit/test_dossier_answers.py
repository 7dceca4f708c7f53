"""The dossier's answer models (`voorportaal_contracts.api.dossier`) write the JSON the dossier
always wrote: a part the caller may not read is left out, not `null`; and a reader ignores a
field it does not know yet (answers grow additively)."""

from __future__ import annotations

from voorportaal_contracts.api.dossier import CasePage, CitizenView, Sentence


def test_a_part_left_out_of_the_case_page_stays_out_of_the_json() -> None:
    page = CasePage.model_validate(
        {"case_id": "case-1", "refused": {"identity": "not shared"}, "identity": None}
    )
    assert page.model_dump(mode="json") == {
        "case_id": "case-1",
        "refused": {"identity": "not shared"},
        "identity": None,
    }


def test_a_sentence_names_only_the_ids_it_is_about() -> None:
    line = Sentence.model_validate({"nl": "Wacht op UWV.", "en": "Waits on UWV.", "on": "uwv"})
    assert line.model_dump(mode="json") == {
        "nl": "Wacht op UWV.",
        "en": "Waits on UWV.",
        "on": "uwv",
    }


def test_a_reader_ignores_a_field_the_dossier_added_later() -> None:
    view = CitizenView.model_validate(
        {
            "case_id": "case-1",
            "status": {"nl": "Open", "en": "Open", "closed": False},
            "buddy": {"nl": "Nog geen buddy", "en": "No buddy yet"},
            "arranged": [],
            "waiting": [{"nl": "Wacht.", "en": "Waits.", "on": "buddy", "new_field": 1}],
            "next_steps": [],
            "promises": [],
            "sharing": [],
            "mandates": [],
            "links": [],
            "refused": {},
            "messages": [],
            "actions": [],
            "added_later": True,
        }
    )
    assert view.waiting[0].on == "buddy"
    assert "added_later" not in view.model_dump(mode="json")
    assert view.model_dump(mode="json")["buddy"] == {"nl": "Nog geen buddy", "en": "No buddy yet"}
