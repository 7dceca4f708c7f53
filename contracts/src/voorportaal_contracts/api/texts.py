"""A text the citizen reads, in every citizen language: the intake's questionnaire and checklist
and the dossier's citizen view give their texts in this one shape."""

from __future__ import annotations

from pydantic import BaseModel


class CitizenText(BaseModel):
    """A text in plain Dutch and English, and in Turkish, Arabic and Polish where given (the
    languages of `voorportaal_contracts.types.CitizenLanguage`)."""

    nl: str
    en: str
    tr: str | None = None
    ar: str | None = None
    pl: str | None = None
