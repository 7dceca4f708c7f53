"""Messages with care in five languages (issue 15, item 3): what the citizen reads has no stray
whitespace and no unrendered placeholder in any template or notice, language or part; a non-ASCII
subject reaches the mail reader without a leading space; Arabic e-mail is right to left; the
content check fails when a language is missing."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from typing import Any

import pytest
from notify_helpers import LINK
from test_notify_templates import LANGUAGES, context_for

from voorportaal.cli import _routing_and_notify_findings
from voorportaal_notify.adapters import data_files
from voorportaal_notify.adapters.smtp import build_email
from voorportaal_notify.domain.notices import CODE_KINDS, LINK_KINDS, NoticeKind, notice_problems
from voorportaal_notify.domain.render import Message, Renderer, translation_problems
from voorportaal_notify.domain.templates import TemplateCatalogue

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\{(day|month|year)\}|\bNone\b|Undefined")
RECIPIENTS = ("citizen", "representative")


def _notices() -> list[tuple[str, Message]]:
    """Every notice (one-time codes, "your details were changed") in every language."""
    notices = data_files.load_notices()
    return [
        (
            f"notice {kind.value}.{language}",
            notices.render(
                kind,
                language,
                code="123456" if kind in CODE_KINDS else None,
                link="https://buddy.example.nl/zaak/vp-1" if kind in LINK_KINDS else None,
            ),
        )
        for kind in NoticeKind
        for language in LANGUAGES
    ]


def _messages(catalogue: TemplateCatalogue, renderer: Renderer) -> list[tuple[str, Message]]:
    """Every template in every language for both recipients, and every notice."""
    out = []
    for template_id in sorted(catalogue.templates):
        for language in LANGUAGES:
            for recipient in RECIPIENTS:
                ctx = {**context_for(catalogue, template_id), "recipient": recipient}
                where = f"{template_id}.{language}.{recipient}"
                out.append((where, renderer.render(template_id, language, ctx)))
    return out + _notices()


def _html_texts(html: str) -> list[str]:
    """Each element's own text as a reader hears it (the text between two tags)."""
    return [t for t in re.findall(r">([^<]+)<", html) if t.strip()]


def test_no_part_of_any_message_starts_or_ends_with_whitespace(
    catalogue: TemplateCatalogue, renderer: Renderer
) -> None:
    problems: list[str] = []
    for where, message in _messages(catalogue, renderer):
        parts = {"subject": message.subject, "sms": message.sms}
        for i, line in enumerate(message.text.rstrip("\n").split("\n")):
            parts[f"text line {i}"] = line
        for i, text in enumerate(_html_texts(message.html)):
            # The link's intro runs on into the <bdi> that holds the link: one space, on purpose.
            parts[f"html text {i}"] = text.rstrip(" ") if text.endswith(": ") else text
        problems += [
            f"{where} {part}: {value!r}"
            for part, value in parts.items()
            if value != value.strip() and value.strip()
        ]
        if not message.text.endswith("\n") or message.text.endswith("\n\n"):
            problems.append(f"{where} text: does not end with exactly one newline")
    assert problems == []


def test_no_placeholder_stays_unrendered_in_any_message(
    catalogue: TemplateCatalogue, renderer: Renderer
) -> None:
    problems = [
        f"{where} {part}"
        for where, message in _messages(catalogue, renderer)
        for part, value in (
            ("subject", message.subject),
            ("text", message.text),
            ("html", message.html),
            ("sms", message.sms),
        )
        if PLACEHOLDER.search(value)
    ]
    assert problems == []


def _subject_as_read(message: Message) -> str:
    mail = build_email(
        to="burger@example.org",
        message=message,
        idempotency_key="key",
        sender="Voorportaal <noreply@voorportaal.invalid>",
        message_id_domain="voorportaal.invalid",
    )
    return str(message_from_bytes(mail.as_bytes(), policy=policy.default)["Subject"])


def test_every_subject_reaches_the_reader_as_written_without_a_leading_space(
    catalogue: TemplateCatalogue, renderer: Renderer
) -> None:
    # The Polish bundle subject (and Turkish and Arabic ones) arrived as " Mamy nowe …": a
    # pre-encoded subject longer than a line was folded right after "Subject:".
    wrong = {
        where: _subject_as_read(message)
        for where, message in _messages(catalogue, renderer)
        if _subject_as_read(message) != message.subject
    }
    assert wrong == {}


def test_the_polish_bundle_subject_starts_with_its_first_word(renderer: Renderer) -> None:
    updates = [{"template_id": "news"}, {"template_id": "case_closed"}]
    message = renderer.render_updates("pl", {"link": LINK}, updates)
    assert _subject_as_read(message) == "Mamy nowe informacje o Pana/Pani zgłoszeniu (2 wiadomości)"


@pytest.mark.parametrize("recipient", RECIPIENTS)
def test_every_arabic_email_is_right_to_left_with_its_language(
    catalogue: TemplateCatalogue, renderer: Renderer, recipient: str
) -> None:
    for template_id in sorted(catalogue.templates):
        ctx = {**context_for(catalogue, template_id), "recipient": recipient}
        html = renderer.render(template_id, "ar", ctx).html
        assert '<html lang="ar" dir="rtl">' in html, template_id
        body = html.split("<body", 1)[1]
        assert '<div lang="ar" dir="rtl"' in body, template_id


def test_every_arabic_notice_is_right_to_left_with_its_language() -> None:
    for where, message in _notices():
        if message.language == "ar":
            assert '<html lang="ar" dir="rtl">' in message.html, where
            assert '<div lang="ar" dir="rtl"' in message.html, where


def test_a_notice_missing_a_language_fails_the_content_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notices = data_files.load_notices()
    code = notices.notices[NoticeKind.VERIFICATION_CODE]
    texts = {k: v for k, v in code.texts.items() if k != "ar"}
    broken = notices.model_copy(
        update={
            "notices": {
                **notices.notices,
                NoticeKind.VERIFICATION_CODE: code.model_copy(update={"texts": texts}),
            }
        }
    )
    assert notice_problems(notices) == []
    assert notice_problems(broken) == ["notice verification_code: no ar text"]
    monkeypatch.setattr(data_files, "load_notices", lambda: broken)
    problems, _ = _routing_and_notify_findings()
    assert "notice verification_code: no ar text" in problems


def _without(catalogue: TemplateCatalogue, template_id: str, language: str) -> TemplateCatalogue:
    template = catalogue.templates[template_id]
    texts = {k: v for k, v in template.texts.items() if k != language}
    templates = {**catalogue.templates, template_id: template.model_copy(update={"texts": texts})}
    return catalogue.model_copy(update={"templates": templates})


@pytest.mark.parametrize("language", ["tr", "ar", "pl"])
def test_a_template_missing_a_language_fails_the_content_check(
    catalogue: TemplateCatalogue, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    broken = _without(catalogue, "promise_due", language)
    assert f"template promise_due: no {language} text" in translation_problems(broken)
    # … and `voorportaal content check` reports it as a problem (what fails the command).
    monkeypatch.setattr(data_files, "load_templates", lambda: broken)
    problems, _ = _routing_and_notify_findings()
    assert f"template promise_due: no {language} text" in problems


def test_a_language_missing_everywhere_still_fails_the_content_check(
    catalogue: TemplateCatalogue,
) -> None:
    # Without Polish common texts and no Polish template, nothing would be "missing" per
    # template: the check compares against the citizen languages themselves.
    data: dict[str, Any] = catalogue.model_dump()
    del data["common"]["pl"]
    for template in data["templates"].values():
        del template["texts"]["pl"]
    assert "common: no pl texts" in translation_problems(TemplateCatalogue.model_validate(data))


def test_the_shipped_templates_pass_the_content_check(catalogue: TemplateCatalogue) -> None:
    assert translation_problems(catalogue) == []
