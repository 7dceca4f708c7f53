"""The sentences of the citizen's view in every citizen language: plain (B1), formal and
polite (`u`, `siz`, the Arabic plural of respect; Polish impersonal and infinitive forms, with
`Pan/Pani` where the reader is addressed, never `Państwo` and no past tense with `Pan/Pani`).
The buddy is "the contact person" in every language, as on the portal.

Each template names its values in braces; a value is either one text for every language (a
name, a phone number, a number) or a text per language (an agency's name, a date). The
sentences are built so that a name never has to be inflected: Turkish puts it before a
postposition (`X ile`, `X tarafından`), Polish after "the institution" (`instytucja X`), so that
any agency's name fits. Arabic sentences start with an Arabic word, never with a name (a line
laid out with `dir=auto` takes its direction from its first letter), and no verb agrees with a
name (البلدية is feminine, UWV is not): `من {A}`, `لـ {A}`, `بعد انتهاء {b}`.
Every template is given in all five languages with the same values; a unit test fails when one
is missing.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Final

from voorportaal_dossier.domain.checklist import AMSTERDAM

LANGUAGES: Final = ("nl", "en", "tr", "ar", "pl")
"""The citizen languages (`voorportaal_contracts.types.CitizenLanguage`), in this order."""

Local = Mapping[str, str]
"""A text per language."""

MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""The months' names in English (the date as the English view and timeline write it)."""

TEMPLATES: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        # ------------------------------------------------------------- referrals
        "self_contact": {
            "nl": "Neem zelf contact op met {a}.",
            "en": "Contact {a} yourself.",
            "tr": "Lütfen {a} ile kendiniz iletişime geçin.",
            "ar": "يُرجى التواصل بأنفسكم مع {a}.",
            "pl": "Prosimy samodzielnie skontaktować się z instytucją {a}.",
        },
        "completed": {
            "nl": "{A} is klaar.",
            "en": "{A} has finished.",
            "tr": "{A}: işlem tamamlandı.",
            "ar": "انتهى العمل على طلبكم لدى {A}.",
            "pl": "{A}: sprawa jest zakończona.",
        },
        "helping": {
            "nl": "{A} helpt u verder.",
            "en": "{A} is helping you.",
            "tr": "{A} size yardım ediyor.",
            "ar": "تحصلون الآن على المساعدة من {A}.",
            "pl": "{A} pomaga Panu/Pani w tej sprawie.",
        },
        "next_after": {
            "nl": "{A} komt aan de beurt als {b} klaar is.",
            "en": "{A} is next, once {b} has finished.",
            "tr": "{b} kendi işini bitirince {A} işe başlayacak.",
            "ar": "سيأتي دور {A} بعد انتهاء {b}.",
            "pl": "{A} zajmie się sprawą, gdy instytucja {b} zakończy swoją część.",
        },
        "next_after_step": {
            "nl": "{A} komt aan de beurt als een eerdere stap klaar is.",
            "en": "{A} is next, once an earlier step is done.",
            "tr": "Önceki bir adım bitince {A} işe başlayacak.",
            "ar": "سيأتي دور {A} بعد انتهاء خطوة سابقة.",
            "pl": "{A} zajmie się sprawą, gdy zakończy się wcześniejszy krok.",
        },
        "waiting_by": {
            "nl": "We wachten op een reactie van {a}, uiterlijk {d}.",
            "en": "We are waiting for {a} to respond, by {d}.",
            "tr": "{a} tarafından en geç {d} tarihine kadar yanıt verilmesini bekliyoruz.",
            "ar": "ننتظر ردًّا من {a} في موعد أقصاه {d}.",
            "pl": "Czekamy na odpowiedź od instytucji {a}, najpóźniej do {d}.",
        },
        "waiting": {
            "nl": "We wachten op een reactie van {a}.",
            "en": "We are waiting for {a} to respond.",
            "tr": "{a} tarafından yanıt verilmesini bekliyoruz.",
            "ar": "ننتظر ردًّا من {a}.",
            "pl": "Czekamy na odpowiedź od instytucji {a}.",
        },
        "cannot_help": {
            "nl": "{A} kan u niet helpen; uw buddy zoekt met u een andere weg.",
            "en": "{A} cannot help you; your buddy will look for another way with you.",
            "tr": "{A} size yardım edemiyor. İrtibat kişiniz sizinle birlikte başka bir yol "
            "arayacak.",
            "ar": "لا يمكن لـ {A} مساعدتكم. سيبحث معكم الشخص المسؤول عن التواصل عن طريق آخر.",
            "pl": "{A} nie może Panu/Pani pomóc. Osoba kontaktowa poszuka razem z Panem/Panią "
            "innego rozwiązania.",
        },
        # ------------------------------------------------------------- promises
        "you_agreed": {
            "nl": "U heeft afgesproken: {what} (uiterlijk {d}).",
            "en": "You agreed: {what} (by {d}).",
            "tr": "Şunu kabul ettiniz: {what} (en geç {d}).",
            "ar": "لقد اتفقتم على ما يلي: {what} (في موعد أقصاه {d}).",
            "pl": "Uzgodniono z Panem/Panią: {what} (najpóźniej do {d}).",
        },
        "promised": {
            "nl": "{who} heeft beloofd: {what} (uiterlijk {d}).",
            "en": "{who} promised: {what} (by {d}).",
            "tr": "{who} söz verdi: {what} (en geç {d}).",
            "ar": "وعدٌ من {who}: {what} (في موعد أقصاه {d}).",
            "pl": "{who} obiecuje: {what} (najpóźniej do {d}).",
        },
        "promise_kept": {
            "nl": "Dit is nagekomen.",
            "en": "This was done.",
            "tr": "Bu söz yerine getirildi.",
            "ar": "تمّ الوفاء بهذا الوعد.",
            "pl": "Obietnica została dotrzymana.",
        },
        "promise_kept_late": {
            "nl": "Dit is nagekomen, maar te laat.",
            "en": "This was done, but late.",
            "tr": "Bu söz yerine getirildi, ama geç.",
            "ar": "تمّ الوفاء بهذا الوعد، ولكن متأخرًا.",
            "pl": "Obietnica została dotrzymana, ale z opóźnieniem.",
        },
        "promise_broken": {
            "nl": "Dit is niet op tijd nagekomen.",
            "en": "This was not done in time.",
            "tr": "Bu söz zamanında yerine getirilmedi.",
            "ar": "لم يتمّ الوفاء بهذا الوعد في الوقت المحدد.",
            "pl": "Obietnica nie została dotrzymana na czas.",
        },
        "your_buddy": {
            "nl": "Uw buddy",
            "en": "Your buddy",
            "tr": "İrtibat kişiniz",
            "ar": "الشخص المسؤول عن التواصل معكم",
            "pl": "Osoba kontaktowa",
        },
        # ------------------------------------------------------------- the case
        "buddy_named": {
            "nl": "Uw vaste contactpersoon is {name}.",
            "en": "Your contact person is {name}.",
            "tr": "Sabit irtibat kişiniz: {name}.",
            "ar": "الشخص الثابت المسؤول عن التواصل معكم هو {name}.",
            "pl": "Stała osoba kontaktowa w Pana/Pani sprawie: {name}.",
        },
        "buddy_none": {
            "nl": "U heeft nog geen vaste contactpersoon.",
            "en": "You do not have a contact person yet.",
            "tr": "Henüz sabit bir irtibat kişiniz yok.",
            "ar": "ليس لديكم بعدُ شخص ثابت مسؤول عن التواصل معكم.",
            "pl": "Nie ma Pan/Pani jeszcze stałej osoby kontaktowej.",
        },
        "nothing_to_do": {
            "nl": "U hoeft nu niets te doen.",
            "en": "There is nothing you need to do now.",
            "tr": "Şu anda yapmanız gereken bir şey yok.",
            "ar": "لا يوجد ما يجب عليكم فعله الآن.",
            "pl": "W tej chwili nie trzeba nic robić.",
        },
        "case_open": {
            "nl": "Uw zaak loopt.",
            "en": "Your case is open.",
            "tr": "Başvurunuz devam ediyor.",
            "ar": "ملفكم قيد المعالجة.",
            "pl": "Sprawa jest w toku.",
        },
        "case_closed": {
            "nl": "Uw zaak is afgesloten.",
            "en": "Your case is closed.",
            "tr": "Başvurunuz kapatıldı.",
            "ar": "تمّ إغلاق ملفكم.",
            "pl": "Sprawa jest zamknięta.",
        },
        # ------------------------------------------------------------- the checklist
        "checklist_one_left": {
            "nl": "Op uw checklist staat nog 1 taak.",
            "en": "There is 1 task left on your checklist.",
            "tr": "Listenizde 1 görev kaldı.",
            "ar": "بقيت مهمة واحدة في قائمة مهامكم.",
            "pl": "Na liście zostało jeszcze 1 zadanie.",
        },
        "checklist_left": {
            "nl": "Op uw checklist staan nog {n} taken.",
            "en": "There are {n} tasks left on your checklist.",
            "tr": "Listenizde {n} görev kaldı.",
            "ar": "عدد المهام المتبقية في قائمة مهامكم: {n}.",
            "pl": "Liczba zadań pozostałych na liście: {n}.",
        },
        "checklist_one_late": {
            "nl": "1 taak is te laat.",
            "en": "1 task is late.",
            "tr": "1 görevin süresi geçti.",
            "ar": "تأخّرت مهمة واحدة عن موعدها.",
            "pl": "1 zadanie jest po terminie.",
        },
        "checklist_late": {
            "nl": "{n} taken zijn te laat.",
            "en": "{n} tasks are late.",
            "tr": "{n} görevin süresi geçti.",
            "ar": "عدد المهام المتأخرة عن موعدها: {n}.",
            "pl": "Liczba zadań po terminie: {n}.",
        },
        # ------------------------------------------------------------- a person
        "reach_buddy": {
            "nl": "Bel uw contactpersoon {name} op {phone}, op werkdagen.",
            "en": "Call your contact person {name} on {phone}, on working days.",
            "tr": "İrtibat kişinizi ({name}) iş günlerinde {phone} numarasından arayın.",
            "ar": "اتصلوا بالشخص المسؤول عن التواصل معكم ({name}) على الرقم {phone} في أيام العمل.",
            "pl": "Prosimy dzwonić do osoby kontaktowej ({name}) pod numer {phone} w dni robocze.",
        },
        "reach_counter": {
            "nl": "Bel het Voorportaal op {phone}, op werkdagen.",
            "en": "Call the Voorportaal on {phone}, on working days.",
            "tr": "Voorportaal'ı iş günlerinde {phone} numarasından arayın.",
            "ar": "اتصلوا بـ Voorportaal على الرقم {phone} في أيام العمل.",
            "pl": "Prosimy dzwonić do Voorportaal pod numer {phone} w dni robocze.",
        },
        "person_requested": {
            "nl": "U heeft gevraagd om met iemand te praten. Wij nemen uiterlijk {d} om {t} "
            "contact met u op.",
            "en": "You asked to talk to a person. We will contact you by {d}, {t}.",
            "tr": "Biriyle konuşmak istediğinizi belirttiniz. Sizinle en geç şu zamana kadar "
            "iletişime geçeceğiz: {d}, {t}.",
            "ar": "لقد طلبتم التحدث مع شخص. سنتواصل معكم في موعد أقصاه {d} الساعة {t}.",
            "pl": "Otrzymaliśmy prośbę o rozmowę z pracownikiem. Skontaktujemy się z Panem/Panią "
            "najpóźniej {d} o godz. {t}.",
        },
    }
)
"""Every sentence of the citizen's view, by key, in every language."""


def fields_of(template: str) -> frozenset[str]:
    """The names of the values a template needs."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def say(key: str, **values: str | Local) -> dict[str, str]:
    """The sentence `key` in every language, with its values filled in (a plain string is
    the same in every language)."""
    texts = TEMPLATES[key]
    out = {}
    for language in LANGUAGES:
        filled = {
            name: value if isinstance(value, str) else value[language]
            for name, value in values.items()
        }
        out[language] = texts[language].format(**filled)
    return out


def join(*sentences: Local) -> dict[str, str]:
    """Sentences one after the other, per language."""
    return {lang: " ".join(s[lang] for s in sentences) for lang in LANGUAGES}


def day_texts(moment: datetime) -> dict[str, str]:
    """A moment's date in Dutch time as each language writes it."""
    local = moment.astimezone(AMSTERDAM)
    d, m, y = local.day, local.month, local.year
    return {
        "nl": f"{d}-{m}-{y}",
        "en": f"{d} {MONTHS_EN[m - 1]} {y}",
        "tr": f"{d:02d}.{m:02d}.{y}",
        "ar": f"{d}/{m}/{y}",
        "pl": f"{d:02d}.{m:02d}.{y}",
    }


def time_text(moment: datetime) -> str:
    """A moment's time of day in Dutch time (24 hours, as every language here reads it)."""
    return moment.astimezone(AMSTERDAM).strftime("%H:%M")
