"""Display names of the agencies, as a citizen reads them in a sentence.

The routing directory is the authority on agencies; this small table only turns a code into
a name for the timeline. An unknown code is shown as written, upper-cased, so a new agency
never breaks a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from voorportaal_contracts.topics import municipal_agency


@dataclass(frozen=True, slots=True)
class AgencyName:
    """How an agency is called in each citizen language. Turkish, Arabic and Polish keep the
    Dutch name the citizen meets on letters and websites, with a short explanation, as the
    English does where it translates."""

    nl: str
    en: str
    tr: str
    ar: str
    pl: str

    def get(self, language: str) -> str:
        """The name in `language` (`nl`, `en`, `tr`, `ar`, `pl`)."""
        name: str = getattr(self, language)
        return name


def _same(name: str) -> AgencyName:
    return AgencyName(name, name, name, name, name)


AGENCY_NAMES: Final = MappingProxyType(
    {
        "uwv": AgencyName(
            "UWV",
            "UWV",
            "UWV (İşçi Sigortaları Kurumu)",
            "UWV (هيئة تأمينات الموظفين)",
            "UWV (urząd ds. świadczeń dla pracowników)",
        ),
        "svb": AgencyName(
            "SVB",
            "SVB",
            "SVB (Sosyal Sigorta Bankası)",
            "SVB (بنك التأمينات الاجتماعية)",
            "SVB (urząd ds. emerytur AOW i zasiłku na dzieci)",
        ),
        "gemeente": AgencyName(
            "De gemeente",
            "The municipality",
            "Gemeente (belediye)",
            "Gemeente (البلدية)",
            "Gemeente (urząd gminy)",
        ),
        "toeslagen": AgencyName(
            "Dienst Toeslagen",
            "The Benefits Agency (Dienst Toeslagen)",
            "Dienst Toeslagen (Yardımlar Dairesi)",
            "Dienst Toeslagen (مصلحة البدلات)",
            "Dienst Toeslagen (urząd ds. dodatków)",
        ),
        "belastingdienst": AgencyName(
            "De Belastingdienst",
            "The Tax Administration",
            "Belastingdienst (Vergi Dairesi)",
            "Belastingdienst (مصلحة الضرائب)",
            "Belastingdienst (urząd skarbowy)",
        ),
        "duo": AgencyName(
            "DUO",
            "DUO",
            "DUO (öğrenim desteği kurumu)",
            "DUO (هيئة تنفيذ شؤون التعليم)",
            "DUO (urząd ds. finansowania nauki)",
        ),
        "cak": AgencyName(
            "Het CAK",
            "The CAK",
            "CAK (bakım katkı payı kurumu)",
            "CAK (هيئة مساهمات الرعاية)",
            "CAK (urząd ds. opłat za opiekę)",
        ),
        "cjib": AgencyName(
            "Het CJIB",
            "The CJIB",
            "CJIB (Merkezi Adli Tahsilat Kurumu)",
            "CJIB (الهيئة المركزية لتحصيل الغرامات)",
            "CJIB (centralne biuro ściągania grzywien)",
        ),
        "ciz": AgencyName(
            "Het CIZ",
            "The CIZ",
            "CIZ (Bakım İhtiyacı Değerlendirme Merkezi)",
            "CIZ (مركز تقييم الحاجة إلى الرعاية)",
            "CIZ (urząd oceniający potrzebę opieki)",
        ),
        "zorgverzekeraar": AgencyName(
            "De zorgverzekeraar",
            "The health insurer",
            "Zorgverzekeraar (sağlık sigortası şirketi)",
            "شركة التأمين الصحي (zorgverzekeraar)",
            "Ubezpieczyciel zdrowotny (zorgverzekeraar)",
        ),
        "wijkteam": AgencyName(
            "Het wijkteam",
            "The neighbourhood team",
            "Wijkteam (mahalle ekibi)",
            "Wijkteam (فريق الحي)",
            "Wijkteam (zespół pomocy w dzielnicy)",
        ),
        "schuldhulp": AgencyName(
            "De schuldhulpverlening",
            "Debt counselling",
            "Schuldhulpverlening (borç danışmanlığı)",
            "المساعدة في الديون (schuldhulpverlening)",
            "Pomoc w długach (schuldhulpverlening)",
        ),
        "waterschap": AgencyName(
            "Het waterschap",
            "The water board",
            "Waterschap (su kurulu)",
            "Waterschap (هيئة المياه)",
            "Waterschap (zarząd wodny)",
        ),
        "cbr": AgencyName(
            "Het CBR",
            "The CBR",
            "CBR (ehliyet kurumu)",
            "CBR (هيئة رخص القيادة)",
            "CBR (urząd ds. praw jazdy)",
        ),
        "rdw": AgencyName(
            "De RDW",
            "The RDW",
            "RDW (araç tescil kurumu)",
            "RDW (هيئة تسجيل المركبات)",
            "RDW (urząd ds. rejestracji pojazdów)",
        ),
        "verhuurder": AgencyName(
            "De verhuurder",
            "The landlord",
            "Ev sahibi (verhuurder)",
            "المؤجِّر (verhuurder)",
            "Wynajmujący (verhuurder)",
        ),
        "rechtbank": AgencyName(
            "De rechtbank",
            "The court",
            "Mahkeme (rechtbank)",
            "المحكمة (rechtbank)",
            "Sąd (rechtbank)",
        ),
        "juridisch-loket": AgencyName(
            "Het Juridisch Loket",
            "The Legal Services Counter",
            "Het Juridisch Loket (Hukuki Danışma Bürosu)",
            "Het Juridisch Loket (مكتب المساعدة القانونية)",
            "Het Juridisch Loket (bezpłatna porada prawna)",
        ),
    }
)
"""Known agency codes and their names; the first letter is upper case (sentence start)."""


MUNICIPALITY_NAMES: Final = MappingProxyType(
    {
        "GM0363": "Amsterdam",
        "GM0599": "Rotterdam",
        "GM0518": "'s-Gravenhage",
        "GM0344": "Utrecht",
        "GM0772": "Eindhoven",
        "GM0014": "Groningen",
        "GM0855": "Tilburg",
        "GM0034": "Almere",
        "GM0758": "Breda",
        "GM0268": "Nijmegen",
        "GM0392": "Haarlem",
        "GM0202": "Arnhem",
        "GM0307": "Amersfoort",
        "GM0200": "Apeldoorn",
        "GM0153": "Enschede",
        "GM0193": "Zwolle",
        "GM0546": "Leiden",
        "GM0935": "Maastricht",
        "GM0505": "Dordrecht",
    }
)
"""The onboarded municipalities' names by CBS code (as in routing's `data/tenants.toml`, which a
unit test compares). A municipality onboarded later and missing here reads as "De gemeente"."""

_MUNICIPAL: Final = MappingProxyType(
    {
        "gemeente": (
            "Gemeente {}",
            "{} municipality",
            "{} Belediyesi (gemeente)",
            "بلدية {} (gemeente)",
            "Gemeente {} (urząd gminy)",
        ),
        "wijkteam": (
            "Het wijkteam in {}",
            "The neighbourhood team in {}",
            "{} wijkteam (mahalle ekibi)",
            "Wijkteam (فريق الحي) في {}",
            "Wijkteam (zespół pomocy w dzielnicy), {}",
        ),
        "schuldhulp": (
            "De schuldhulpverlening van {}",
            "Debt counselling in {}",
            "{} schuldhulpverlening (borç danışmanlığı)",
            "المساعدة في الديون في {} (schuldhulpverlening)",
            "Pomoc w długach (schuldhulpverlening), {}",
        ),
    }
)


def agency_name(code: str) -> AgencyName:
    """The display name of an agency code; a municipality's own agency (`gemeente-gm0363`)
    reads with its municipality: "Gemeente Amsterdam"."""
    known = AGENCY_NAMES.get(code)
    if known is not None:
        return known
    municipal = municipal_agency(code)
    if municipal is not None:
        kind, municipality = municipal
        place = MUNICIPALITY_NAMES.get(municipality)
        if place is None:
            return AGENCY_NAMES[kind]
        return AgencyName(*(name.format(place) for name in _MUNICIPAL[kind]))
    return _same(code.upper())


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: `De gemeente` → `de gemeente`, `UWV` stays."""
    head, _, rest = name.partition(" ")
    if rest and head in {"De", "Het", "The"}:
        return f"{head.lower()} {rest}"
    return name
