"""Every template renders in every language, safely: no missing translations, no undefined
variables, nothing sensitive, right-to-left Arabic, escaped HTML, SMS within three segments."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from notify_helpers import LINK

from voorportaal_contracts.types import DeclineReason
from voorportaal_notify.domain.reminders import CHECKLIST_TEMPLATE
from voorportaal_notify.domain.render import Renderer, RenderError, missing_translations
from voorportaal_notify.domain.sms import segment_count
from voorportaal_notify.domain.templates import BUNDLE_TEMPLATE, TemplateCatalogue

LANGUAGES = ("nl", "en", "tr", "ar", "pl")
BUDDY = "Sanne de Vries"


def context_for(catalogue: TemplateCatalogue, template_id: str) -> dict[str, Any]:
    """A valid context for a template: the link and every field it requires."""
    ctx: dict[str, Any] = {"link": LINK}
    if template_id == BUNDLE_TEMPLATE:
        ctx["updates"] = [
            {"template_id": "referral_accepted"},
            {"template_id": "buddy_assigned", "contact_name": BUDDY},
            {"template_id": "promise_due", "date": date(2025, 3, 4)},
        ]
    for name in catalogue.templates[template_id].requires:
        ctx[name] = {"contact_name": BUDDY, "count": 2}.get(name, date(2025, 3, 4))
    return ctx


def every_template(catalogue: TemplateCatalogue) -> list[str]:
    return sorted(catalogue.templates)


def test_no_translation_is_missing(catalogue: TemplateCatalogue) -> None:
    assert set(LANGUAGES) <= set(catalogue.languages)
    assert missing_translations(catalogue) == []


def test_every_rule_has_a_template_and_every_template_a_use(
    catalogue: TemplateCatalogue, rules: Any
) -> None:
    assert rules.templates() <= set(catalogue.templates)
    # The bundle is chosen by the planner, the checklist reminder by its schedule.
    assert set(catalogue.templates) - rules.templates() == {BUNDLE_TEMPLATE, CHECKLIST_TEMPLATE}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_renders_in_every_language(
    catalogue: TemplateCatalogue, renderer: Renderer, language: str
) -> None:
    for template_id in every_template(catalogue):
        for recipient in ("citizen", "representative"):
            ctx = {**context_for(catalogue, template_id), "recipient": recipient}
            message = renderer.render(template_id, language, ctx)
            assert message.language == language
            for part in (message.subject, message.text, message.html, message.sms):
                assert part.strip()
                assert "{{" not in part and "{%" not in part and "None" not in part
            assert LINK in message.text and LINK in message.sms
            assert f'href="{LINK}"' in message.html
            assert message.sms.endswith(LINK)
            assert segment_count(message.sms) == message.sms_segments <= 3


def test_dutch_and_english_sms_stay_in_gsm7(
    catalogue: TemplateCatalogue, renderer: Renderer
) -> None:
    for template_id in every_template(catalogue):
        for language in ("nl", "en"):
            message = renderer.render(template_id, language, context_for(catalogue, template_id))
            assert message.sms_encoding.value == "gsm7", (template_id, language, message.sms)


def test_a_template_using_an_unknown_variable_fails_loudly(catalogue: TemplateCatalogue) -> None:
    broken = catalogue.model_dump()
    broken["templates"]["news"]["texts"]["nl"]["subject"] = "Nieuws over {{ debt_amount }}"
    renderer = Renderer(TemplateCatalogue.model_validate(broken))
    with pytest.raises(RenderError, match="debt_amount"):
        renderer.render("news", "nl", {"link": LINK, "debt_amount": "€ 1.234,56"})


def test_a_required_field_must_be_given(renderer: Renderer) -> None:
    with pytest.raises(RenderError, match="contact_name"):
        renderer.render("buddy_assigned", "nl", {"link": LINK})


def test_an_unknown_language_falls_back_to_dutch(renderer: Renderer) -> None:
    message = renderer.render("news", "fy", {"link": LINK})
    assert message.language == "nl"
    assert message.subject == "Er is nieuws over uw aanvraag"


def test_arabic_email_is_right_to_left(renderer: Renderer) -> None:
    html = renderer.render("news", "ar", {"link": LINK}).html
    assert '<html lang="ar" dir="rtl">' in html
    assert 'dir="rtl"' in html.split("<body", 1)[1]
    assert "text-align:right" in html
    assert f'<bdi dir="ltr">{LINK}</bdi>' in html
    assert '<html lang="nl" dir="ltr">' in renderer.render("news", "nl", {"link": LINK}).html


def test_html_escapes_what_it_prints(renderer: Renderer) -> None:
    link = "https://voorportaal.example/b/x?a=1&b=2"
    message = renderer.render("buddy_assigned", "en", {"link": link, "contact_name": "Jo O'Neill"})
    assert "O&#39;Neill" in message.html and "O'Neill" not in message.html
    assert 'href="https://voorportaal.example/b/x?a=1&amp;b=2"' in message.html
    assert "Jo O'Neill" in message.text


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "https://x.example/a b", 'https://x.example/"><script>']
)
def test_only_plain_http_links_are_accepted(renderer: Renderer, link: str) -> None:
    with pytest.raises(RenderError, match="link"):
        renderer.render("news", "nl", {"link": link})


def test_a_bundle_lists_every_update_in_one_message(renderer: Renderer) -> None:
    updates = [
        {"template_id": "referral_accepted"},
        {"template_id": "case_handed_over", "contact_name": BUDDY},
        {"template_id": "action_required", "date": date(2025, 5, 1)},
    ]
    message = renderer.render_updates("nl", {"link": LINK}, updates)
    assert message.template_id == BUNDLE_TEMPLATE
    assert "(3 berichten)" in message.subject
    assert "- Een instantie gaat u helpen." in message.text
    assert f"- Uw nieuwe contactpersoon is {BUDDY}." in message.text
    assert "- U moet iets doen, uiterlijk op 1 mei 2025." in message.text
    assert message.html.count("<li>") == 3


def test_one_update_is_sent_with_its_own_template(renderer: Renderer) -> None:
    message = renderer.render_updates("en", {"link": LINK}, [{"template_id": "case_closed"}])
    assert message.template_id == "case_closed"


def test_a_bundle_needs_two_updates(renderer: Renderer) -> None:
    with pytest.raises(RenderError, match="two"):
        renderer.render(BUNDLE_TEMPLATE, "nl", {"link": LINK, "updates": [{"template_id": "news"}]})


def test_dates_are_written_out_per_language(renderer: Renderer) -> None:
    ctx = {"link": LINK, "date": date(2025, 3, 4)}
    subjects = {lang: renderer.render("contact_confirmation", lang, ctx).text for lang in LANGUAGES}
    assert "4 maart 2025" in subjects["nl"]
    assert "4 March 2025" in subjects["en"]
    assert "4 Mart 2025" in subjects["tr"]
    assert "4 مارس 2025" in subjects["ar"]
    assert "4 marca 2025" in subjects["pl"]


def test_a_representative_copy_says_so(renderer: Renderer) -> None:
    message = renderer.render("news", "nl", {"link": LINK, "recipient": "representative"})
    assert message.sms.startswith("Kopie:")
    assert "omdat u iemand helpt" in message.text


# --- the forbidden-content scanner ------------------------------------------------------------

BSN = "111222333"
AMOUNT = "€ 1.234,56"
DIAGNOSIS = "diagnose: depressie"
ADVERSARIAL: dict[str, Any] = {
    "bsn": BSN,
    "amount": AMOUNT,
    "debt": "schuld € 12.500",
    "diagnosis": DIAGNOSIS,
    "decline_reason": DeclineReason.NOT_ELIGIBLE.value,
    "reason": "Afgewezen: geen recht op bijstand",
    "note": "Toeslag teruggevorderd € 4.000",
    "outcome": "Uitkering toegekend, € 1.100 per maand",
    "agency_code": "schuldhulpverlening",
    "citizen_name": "Jan Jansen",
    "name": "Jan Jansen",
    "first_name": "Jan",
    "email": "jan@example.org",
    "phone": "+31612345678",
}
FORBIDDEN = [
    re.compile(r"€|EUR\s?\d", re.IGNORECASE),
    re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{2})?"),  # 1.234,56 and 12.500
    re.compile(r"(?<!\d)\d{9}(?!\d)"),  # a BSN
    re.compile(r"\bBSN\b|burgerservicenummer", re.IGNORECASE),
    re.compile(r"diagnos|depressi|psychi|verslav", re.IGNORECASE),
    re.compile(r"schuld|debt|bijstand|toeslag|uitkering|benefit", re.IGNORECASE),
    re.compile(r"afgewezen|afwijzing|declined|rejected|not eligible|geen recht", re.IGNORECASE),
    re.compile("|".join(r.value for r in DeclineReason)),
    re.compile(r"Jan Jansen|jan@example\.org|\+31612345678"),
]


def leaks(text: str) -> list[str]:
    return [p.pattern for p in FORBIDDEN if p.search(text)]


def test_the_templates_themselves_hold_nothing_sensitive(catalogue: TemplateCatalogue) -> None:
    # Everything a citizen can read; the maintainers' `description` is never sent.
    shown = [c.model_dump_json() for c in catalogue.common.values()]
    shown += [t.model_dump_json() for d in catalogue.templates.values() for t in d.texts.values()]
    assert [leaks(text) for text in shown] == [[] for _ in shown]


@pytest.mark.parametrize("language", LANGUAGES)
def test_adversarial_context_never_reaches_a_message(
    catalogue: TemplateCatalogue, renderer: Renderer, language: str
) -> None:
    for template_id in every_template(catalogue):
        ctx = {**ADVERSARIAL, **context_for(catalogue, template_id)}
        if template_id == BUNDLE_TEMPLATE:
            ctx["updates"] = [{**ADVERSARIAL, **u} for u in ctx["updates"]]
        message = renderer.render(template_id, language, ctx)
        for part in (message.subject, message.text, message.html, message.sms):
            assert leaks(part) == [], (template_id, language, part)


@pytest.mark.parametrize("name", [AMOUNT, BSN, DIAGNOSIS, "Jan 2x", "<b>Jan</b>"])
def test_the_contact_name_field_cannot_smuggle_details(renderer: Renderer, name: str) -> None:
    with pytest.raises(RenderError, match="contact_name"):
        renderer.render("buddy_assigned", "nl", {"link": LINK, "contact_name": name})


@settings(max_examples=60, deadline=None)
@given(
    extra=st.dictionaries(
        st.text(min_size=1, max_size=20).filter(
            lambda k: k not in {"link", "contact_name", "date", "count", "recipient", "updates"}
        ),
        st.sampled_from([BSN, AMOUNT, DIAGNOSIS, *[r.value for r in DeclineReason]]),
        max_size=6,
    ),
    template_id=st.sampled_from(
        ["intake_received", "referral_declined", "promise_broken", "case_closed", "news"]
    ),
    language=st.sampled_from(LANGUAGES),
)
def test_no_unknown_key_is_ever_printed(
    renderer: Renderer, extra: dict[str, str], template_id: str, language: str
) -> None:
    message = renderer.render(template_id, language, {**extra, "link": LINK})
    for part in (message.subject, message.text, message.html, message.sms):
        assert leaks(part) == []
