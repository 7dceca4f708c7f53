"""The warm handover: the story so far, in plain Dutch, for an agency the citizen shares with.

What goes in follows the grants that hold when routing sends (`domain/consent.py`).

The agency reads what the citizen already told the voorportaal, so the citizen does not have to
tell it again. Only facts the intake established go in; nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from voorportaal_contracts.events import Handover
from voorportaal_contracts.types import SharingScope

LIFE_EVENTS_NL = {
    "moving_rented_home": "verhuizen (huurwoning)",
    "turning_18": "18 worden",
    "income_loss": "inkomen kwijt of baan verloren",
    "falling_ill": "ziek geworden",
    "death_of_relative": "overlijden van een naaste",
    "divorce": "scheiding",
}

NEEDS_NL = {
    "registration": "inschrijving en adres",
    "income_gap": "inkomen",
    "housing_costs": "woonlasten",
    "allowances": "toeslagen",
    "health_insurance": "zorgverzekering",
    "care": "zorg en ondersteuning",
    "debts": "schulden",
    "taxes": "belastingen",
    "study_finance": "studiefinanciering",
    "pension_benefits": "uitkering of pensioen",
    "children": "kinderen",
    "legal": "juridische vragen",
    "work": "werk",
    "estate": "nalatenschap",
    "mobility": "vervoer",
    "unemployment_benefit": "WW-uitkering",
    "self_employed_income": "inkomen als zelfstandige (Bbz)",
    "sickness_benefit": "Ziektewet-uitkering",
    "sick_pay_top_up": "toeslag op lager loon in het tweede ziektejaar",
    "survivor_benefit": "nabestaandenuitkering (Anw)",
    "state_pension": "AOW voor alleenstaanden",
    "long_term_care": "langdurige zorg (Wlz)",
    "leaving_rented_home": "nieuwe woning na scheiding",
    "tenancy_of_deceased": "huurcontract na overlijden",
}

RISKS_NL = {
    "eviction": "dreigende huisuitzetting",
    "no_income": "geen inkomen",
    "utilities_cut_off": "afsluiting van energie of water",
    "unsafe_at_home": "niet veilig thuis",
    "no_health_insurance": "geen zorgverzekering",
    "homeless": "geen woonplek",
    "growing_debts": "oplopende schulden",
}

RELATIONS_NL = {
    "family": "familielid",
    "partner": "partner",
    "bewindvoerder": "bewindvoerder",
    "mentor": "mentor",
    "curator": "curator",
    "other": "vertegenwoordiger",
}


def _listed(codes: list[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(code, code) for code in codes)


def story(facts: dict[str, Any], needs: list[str], urgent: bool) -> str:
    """What the citizen told, for this agency: life events, the needs it is referred for,
    acute risks, and a line asking the agency not to ask it all again."""
    lines = [f"Levensgebeurtenis: {_listed(list(facts['life_events']), LIFE_EVENTS_NL)}."]
    if needs:
        lines.append(f"Hulpvraag voor u: {_listed(needs, NEEDS_NL)}.")
    others = [n for n in facts.get("needs", []) if n not in needs]
    if others:
        lines.append(f"Andere hulpvragen (elders belegd): {_listed(others, NEEDS_NL)}.")
    if facts.get("risks"):
        lines.append(f"Acute risico's: {_listed(list(facts['risks']), RISKS_NL)}.")
    if urgent:
        lines.append("Deze verwijzing is urgent.")
    lines.append(
        "De burger heeft dit al verteld bij het voorportaal. Vraag er niet opnieuw naar, "
        "maar bouw erop voort."
    )
    return " ".join(lines)


NOT_SHARED_NL = (
    "De burger deelt met u wie hij of zij is, maar niet het verhaal tot nu toe. "
    "Vraag de burger zelf waarmee u kunt helpen."
)


def handover(
    facts: dict[str, Any],
    needs: list[str],
    urgent: bool,
    *,
    scopes: Collection[SharingScope],
    identity: dict[str, Any] | None,
    language: str | None,
    channels: list[str],
    buddy_name: str | None,
) -> Handover | None:
    """The handover for an agency, holding only what the citizen shares with it now:
    `summary` the story (and language, and the citizen's own words), `identity` who the
    citizen is (and how they like contact); None when neither."""
    share_story = SharingScope.SUMMARY in scopes
    share_identity = SharingScope.IDENTITY in scopes
    if not (share_story or share_identity):
        return None
    # The citizen's own words are their story, not who they are: they go with `summary`.
    own_words = (identity or {}).get("own_words") if share_story else None
    identity = (identity or {}) if share_identity else {}
    representative = identity.get("representative")
    return Handover(
        story=story(facts, needs, urgent) if share_story else NOT_SHARED_NL,
        name=identity.get("name"),
        bsn=identity.get("bsn"),
        date_of_birth=identity.get("date_of_birth"),
        municipality_code=identity.get("municipality_code")
        or (facts.get("municipality_code") if share_story else None),
        language=language if share_story else None,
        channels=channels if share_identity else [],
        buddy_name=buddy_name,
        representative=(
            f"{representative['name']} ({RELATIONS_NL.get(representative['relation'], '')})"
            if representative
            else None
        ),
        own_words=own_words,
    )
