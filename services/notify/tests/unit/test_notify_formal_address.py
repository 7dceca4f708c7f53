"""Every message addresses the citizen formally, in the register of the portal the link opens
and of the intake's content: Polish "Pan/Pani" or impersonal forms, never "Ty"; Turkish "siz",
never "sen"; Arabic the polite plural (أنتم، ـكم), never the singular "you".

A government body that says "Twoja osoba kontaktowa" in the SMS and "Pana/Pani osoba
kontaktowa" on the page it links to speaks with two voices, and the first reads as rude. The
markers below are words and endings that only the informal (or, in Arabic, singular) address
uses; the shipped texts (templates, notices and the shared texts around every message) must
contain none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from voorportaal_notify.adapters.data_files import load_notices
from voorportaal_notify.domain.templates import TemplateCatalogue

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670]")
"""Arabic vowel marks and shadda: "اطّلع" and "اطلع" are one word to this check."""
_WORD = re.compile(r"\w+")

POLISH_INFORMAL: frozenset[str] = frozenset(
    {
        # "you" and "your" in the singular
        *("ty", "ci", "cię", "ciebie", "tobie", "tobą"),
        *("twój", "twoja", "twoje", "twojej", "twoim", "twojego", "twoją", "twoich", "twoimi"),
        *("twojemu",),
        # imperatives in the singular, as the old texts used them
        *("zobacz", "przeczytaj", "daj", "otwórz", "udostępniaj", "skontaktuj", "sprawdź"),
    }
)
"""Polish words only the informal "Ty" address uses (the imperatives as whole words)."""

POLISH_INFORMAL_ENDING = re.compile(r"(?:[aeiy]sz|łeś|łaś)$")
"""Second person singular verbs: masz, możesz, musisz, zobaczysz, potrzebujesz, pomagasz;
zrobiłeś, prosiłaś. ("nasz", our, is the one such word a formal text may use.)"""

POLISH_NOT_VERBS: frozenset[str] = frozenset({"nasz"})

TURKISH_INFORMAL: frozenset[str] = frozenset(
    {"sen", "seni", "sana", "senin", "sende", "senden", "seninle", "senle", "bak", "gör"}
)
"""Turkish "sen" and the bare imperatives ("Bak: link"); the texts say "siz" and "Bakın"."""

TURKISH_INFORMAL_ENDING = re.compile(
    r"(?:abilir|ebilir|ıyor|iyor|uyor|üyor|acak|ecek)(?:sın|sin|sun|sün)$"
)
"""A verb in the second person singular (alabilirsin, görüyorsun); siz says -sınız."""

TURKISH_INFORMAL_PHRASE = re.compile(r"\w+m[ae]n gerek")
""""yapman gerekiyor" (your doing, singular) where siz says "yapmanız gerekiyor"."""

ARABIC_SINGULAR: frozenset[str] = frozenset(
    {
        # "you" and prepositions carrying the singular "you"
        *("أنت", "لك", "بك", "منك", "عنك", "معك", "عليك", "لديك", "إليك", "فيك", "أنك", "لأنك"),
        # the singular "your" on the words these messages use
        *("طلبك", "رمزك", "قائمتك", "قصتك", "وضعك", "رسائلك", "بلديتك", "ملفك"),
        # imperatives in the singular
        *("اطلع", "اقرأ", "افتح", "أخبرنا", "تشارك"),
    }
)
"""Arabic words that address one person (and a man); the texts use the plural (لكم، اطّلعوا)."""


def _texts(catalogue: TemplateCatalogue, language: str) -> Iterator[tuple[str, str]]:
    """Every text in `language` a citizen may read: (where, text), Jinja markup left out."""
    for template_id, template in sorted(catalogue.templates.items()):
        if language in template.texts:
            text = template.texts[language]
            parts = {"subject": text.subject, "headline": text.headline, "sms": text.sms}
            parts |= {f"body[{i}]": paragraph for i, paragraph in enumerate(text.body)}
            for field, value in parts.items():
                yield f"template {template_id}.{field}", _JINJA.sub(" ", value)
    for notice_id, notice in sorted(load_notices().notices.items()):
        if language in notice.texts:
            text = notice.texts[language]
            parts = {"subject": text.subject, "sms": text.sms}
            parts |= {f"body[{i}]": paragraph for i, paragraph in enumerate(text.body)}
            for field, value in parts.items():
                yield f"notice {notice_id}.{field}", _JINJA.sub(" ", value)
    for field, value in catalogue.common[language].model_dump().items():
        if isinstance(value, str) and field not in {"name", "direction"}:
            yield f"common.{field}", value


def _words(text: str) -> list[str]:
    return _WORD.findall(_ARABIC_MARKS.sub("", text).lower())


def test_polish_messages_say_pan_pani_or_impersonal_never_ty(
    catalogue: TemplateCatalogue,
) -> None:
    found = [
        f"{where}: {word!r} in {text!r}"
        for where, text in _texts(catalogue, "pl")
        for word in _words(text)
        if word in POLISH_INFORMAL
        or (POLISH_INFORMAL_ENDING.search(word) and word not in POLISH_NOT_VERBS)
    ]
    assert found == []


def test_turkish_messages_say_siz_never_sen(catalogue: TemplateCatalogue) -> None:
    found = [
        f"{where}: {word!r} in {text!r}"
        for where, text in _texts(catalogue, "tr")
        for word in _words(text)
        if word in TURKISH_INFORMAL or TURKISH_INFORMAL_ENDING.search(word)
    ]
    found += [
        f"{where}: {match!r} in {text!r}"
        for where, text in _texts(catalogue, "tr")
        for match in TURKISH_INFORMAL_PHRASE.findall(text)
    ]
    assert found == []


def test_arabic_messages_address_the_reader_in_the_polite_plural(
    catalogue: TemplateCatalogue,
) -> None:
    found = [
        f"{where}: {word!r} in {text!r}"
        for where, text in _texts(catalogue, "ar")
        for word in _words(text)
        if word in ARABIC_SINGULAR
    ]
    assert found == []


@pytest.mark.parametrize(
    ("language", "informal"),
    [
        ("pl", "Twoja osoba kontaktowa: Anna. Masz pytanie? Zobacz: link"),
        ("tr", "Sana yardım edebiliriz, bak: link. Bunu yapman gerekiyor."),
        ("ar", "اطّلع على طلبك"),
    ],
)
def test_the_markers_catch_the_informal_forms_the_old_texts_used(
    language: str, informal: str
) -> None:
    words = _words(informal)
    caught = {
        "pl": [w for w in words if w in POLISH_INFORMAL or POLISH_INFORMAL_ENDING.search(w)],
        "tr": [w for w in words if w in TURKISH_INFORMAL]
        + TURKISH_INFORMAL_PHRASE.findall(informal),
        "ar": [w for w in words if w in ARABIC_SINGULAR],
    }[language]
    assert len(caught) >= 2
