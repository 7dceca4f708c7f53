"""What a message template file looks like (`data/<version>/templates/*.toml`).

One TOML file per template holds that message in every language side by side, so a
translator sees all versions of one message at once and a missing language is obvious.
`common.toml` holds what every message shares per language (greeting, footer, the note for a
representative's copy, month names, writing direction). The e-mail shells are two Jinja files
in `layouts/`. Texts are Jinja expressions over a small, fixed set of safe fields
(`SAFE_FIELDS`): nothing else exists to be printed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
TemplateId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,47}$")]

DEFAULT_LANGUAGE = "nl"
"""The language used when a recipient's language has no translation."""

BUNDLE_TEMPLATE = "bundle"
"""The template for one message that carries several updates."""

SafeField = Literal["contact_name", "date", "count"]
"""Fields a template may require besides `link` (`count` is set by the bundle itself)."""

SAFE_FIELDS: frozenset[str] = frozenset({"link", "contact_name", "date", "count"})
"""Every variable a template text may use."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CommonText(_Strict):
    """What every message in one language shares."""

    name: str = Field(min_length=1, description="The language's own name, e.g. Nederlands.")
    direction: Literal["ltr", "rtl"] = "ltr"
    greeting: str = Field(min_length=1)
    link_label: str = Field(min_length=1)
    """Text of the e-mail button that opens the citizen view."""
    link_intro: str = Field(min_length=1)
    """The plain-text line before the link."""
    footer: str = Field(min_length=1)
    copy_note: str = Field(min_length=1)
    """First line of a representative's copy (e-mail)."""
    copy_prefix_sms: str = Field(min_length=1, max_length=20)
    """First word of a representative's copy (SMS)."""
    months: list[str] = Field(min_length=12, max_length=12)
    date_format: str = Field(min_length=1)
    """How a date reads: `{day}`, `{month}` (a name from `months`) and `{year}`."""

    @field_validator("date_format")
    @classmethod
    def _has_parts(cls, value: str) -> str:
        for part in ("{day}", "{month}", "{year}"):
            if part not in value:
                raise ValueError(f"date_format needs {part}")
        return value


class TemplateText(_Strict):
    """One message in one language."""

    subject: str = Field(min_length=1, max_length=120)
    headline: str = Field(min_length=1, max_length=160)
    """One line about this update, as listed in a bundled message."""
    body: list[str] = Field(min_length=1, max_length=6)
    """Paragraphs of the e-mail (plain text; the HTML shell escapes them)."""
    sms: str = Field(min_length=1, max_length=400)
    """The SMS text; it must contain `{{ link }}`."""

    @field_validator("sms")
    @classmethod
    def _sms_has_link(cls, value: str) -> str:
        if "{{ link }}" not in value:
            raise ValueError("an SMS text must contain {{ link }}")
        return value


class TemplateDef(_Strict):
    """One message template, in every language."""

    id: TemplateId
    description: str = Field(min_length=1)
    """When the message is sent (for maintainers; never shown)."""
    requires: list[SafeField] = Field(default_factory=list)
    """Fields the texts print without checking for them."""
    texts: dict[LanguageCode, TemplateText]

    @model_validator(mode="after")
    def _has_default_language(self) -> TemplateDef:
        if DEFAULT_LANGUAGE not in self.texts:
            raise ValueError(f"template {self.id} has no {DEFAULT_LANGUAGE} text")
        return self


class TemplateCatalogue(_Strict):
    """Every template of a version with the shared texts and the two e-mail shells."""

    common: dict[LanguageCode, CommonText]
    templates: dict[TemplateId, TemplateDef]
    text_layout: str = Field(min_length=1)
    html_layout: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> TemplateCatalogue:
        if DEFAULT_LANGUAGE not in self.common:
            raise ValueError(f"common texts lack {DEFAULT_LANGUAGE}")
        if BUNDLE_TEMPLATE not in self.templates:
            raise ValueError(f"the {BUNDLE_TEMPLATE} template is missing")
        for template_id, template in self.templates.items():
            if template_id != template.id:
                raise ValueError(f"template {template.id} filed as {template_id}")
            unknown = set(template.texts) - set(self.common)
            if unknown:
                raise ValueError(f"template {template_id}: no common texts for {unknown}")
        return self

    @property
    def languages(self) -> list[str]:
        """Every language with common texts, the default first."""
        return [DEFAULT_LANGUAGE, *sorted(set(self.common) - {DEFAULT_LANGUAGE})]
