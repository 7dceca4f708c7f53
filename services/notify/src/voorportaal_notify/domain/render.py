"""Rendering a message: template + language + a small safe context → subject, text, HTML, SMS.

Templates are Jinja2, rendered in a `SandboxedEnvironment` with `StrictUndefined`: a template
that names a variable the context lacks fails loudly instead of printing an empty gap. The
HTML e-mail is built by an autoescaping environment, and the message texts enter it as plain
strings, so both the translators' words and the variables are escaped.

The context is validated into `MessageContext`, which has only safe fields: the personal link,
a staff member's name (the buddy; never the citizen's own name, in SMS or anywhere), a date,
and, for a bundle, the list of updates by template. Anything else a caller passes is dropped
before a template sees it, so an amount, a BSN, a diagnosis or a decline reason cannot reach a
message even by mistake.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from voorportaal_contracts.types import CitizenLanguage
from voorportaal_notify.domain.sms import SmsEncoding, fit_sms, measure
from voorportaal_notify.domain.templates import (
    BUNDLE_TEMPLATE,
    DEFAULT_LANGUAGE,
    CommonText,
    TemplateCatalogue,
    TemplateText,
)

_LINK = re.compile(r"https?://[^\s<>\"'`{}|\\^]{1,280}")
_STAFF_NAME = re.compile(r"[^\W\d_]+(?:[ .'\u2019-]+[^\W\d_]+)*\.?")


class RenderError(ValueError):
    """The template or the context is not fit to make a message from."""


class _SafeFields(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    contact_name: str | None = Field(default=None, max_length=120)
    """A staff member's name: letters, spaces, dots, hyphens, apostrophes; no digits."""
    date: dt.date | None = None
    count: int | None = Field(default=None, ge=1, le=99)
    """How many things (a checklist reminder's open items); a number, never what they are."""

    @field_validator("contact_name")
    @classmethod
    def _name_is_a_name(cls, value: str | None) -> str | None:
        if value is not None and not _STAFF_NAME.fullmatch(value.strip()):
            raise ValueError("contact_name must be a person's name (letters only)")
        return value.strip() if value is not None else None


class BundleUpdate(_SafeFields):
    """One update inside a bundled message: its template and that template's safe fields."""

    template_id: str = Field(min_length=1, max_length=48)


class MessageContext(_SafeFields):
    """Everything a template may print. Unknown keys are ignored, never rendered."""

    link: str = Field(max_length=300)
    """The personal signed link to the citizen view."""
    recipient: Literal["citizen", "representative"] = "citizen"
    updates: list[BundleUpdate] = Field(default_factory=list)
    """For the bundle template: the updates it lists, oldest first."""

    @field_validator("link")
    @classmethod
    def _link_is_http(cls, value: str) -> str:
        if not _LINK.fullmatch(value):
            raise ValueError("link must be an http(s) URL without spaces or quotes")
        return value


@dataclass(frozen=True)
class Message:
    """A rendered message, ready for the e-mail sender and the SMS gateway."""

    template_id: str
    language: str
    """The language actually used (the default when the requested one has no translation)."""
    subject: str
    text: str
    html: str
    sms: str
    sms_encoding: SmsEncoding
    sms_segments: int


def _text_env() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


def _html_env() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def format_date(value: dt.date, common: CommonText) -> str:
    """A date as the language writes it, with the month's name (plain language, no 03-04)."""
    return common.date_format.format(
        day=value.day, month=common.months[value.month - 1], year=value.year
    )


class Renderer:
    """Renders messages from one template catalogue; compiled templates are cached.

    Performance (`bench/notify.py`, notify at least 50 % of a raw SMTP loop): compiling a Jinja
    template costs far more than rendering it, so each source compiles once per renderer and
    `adapters.data_files.default_renderer` keeps one renderer per process.
    """

    def __init__(self, catalogue: TemplateCatalogue, *, max_sms_segments: int = 3) -> None:
        self.catalogue = catalogue
        self.max_sms_segments = max_sms_segments
        self._text = _text_env()
        self._html = _html_env()
        self._compiled: dict[tuple[bool, str], Template] = {}
        self._text_layout = self._text.from_string(catalogue.text_layout)
        self._html_layout = self._html.from_string(catalogue.html_layout)

    def _compile(self, source: str) -> Template:
        key = (False, source)
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = self._text.from_string(source)
        return found

    def language_for(self, template_id: str, language: str) -> str:
        """The language a template will be rendered in: `language`, or the default."""
        template = self.catalogue.templates.get(template_id)
        if template is None:
            raise RenderError(f"unknown template {template_id!r}")
        return language if language in template.texts else DEFAULT_LANGUAGE

    def _variables(
        self, template_id: str, fields: _SafeFields, common: CommonText, link: str
    ) -> dict[str, Any]:
        template = self.catalogue.templates[template_id]
        missing = [f for f in template.requires if getattr(fields, f) is None]
        if missing:
            raise RenderError(f"template {template_id} needs {', '.join(missing)}")
        variables: dict[str, Any] = {"link": link}
        if fields.contact_name is not None:
            variables["contact_name"] = fields.contact_name
        if fields.date is not None:
            variables["date"] = format_date(fields.date, common)
        if fields.count is not None:
            variables["count"] = fields.count
        return variables

    def _fill(self, source: str, variables: Mapping[str, Any]) -> str:
        try:
            return self._compile(source).render(variables).strip()
        except Exception as exc:
            # Jinja raises UndefinedError, SecurityError, TemplateSyntaxError …: all mean the
            # template data is wrong, which the caller reports as one kind of failure.
            raise RenderError(f"template text failed: {exc}") from exc

    def render(self, template_id: str, language: str, context: Mapping[str, Any]) -> Message:
        """Render one template in `language` (falling back to Dutch) with a safe context."""
        try:
            ctx = MessageContext.model_validate(dict(context))
        except ValidationError as exc:
            raise RenderError(f"bad message context: {exc}") from exc
        lang = self.language_for(template_id, language)
        common = self.catalogue.common[lang]
        text = self.catalogue.templates[template_id].texts[lang]
        variables = self._variables(template_id, ctx, common, ctx.link)
        items: list[str] = []
        if template_id == BUNDLE_TEMPLATE:
            if len(ctx.updates) < 2:
                raise RenderError("a bundle lists at least two updates")
            variables["count"] = len(ctx.updates)
            items = [self._headline(u, lang) for u in ctx.updates]
        return self._compose(template_id, lang, common, text, variables, items, ctx)

    def _headline(self, update: BundleUpdate, lang: str) -> str:
        if update.template_id == BUNDLE_TEMPLATE:
            raise RenderError("a bundle cannot list a bundle")
        item_lang = self.language_for(update.template_id, lang)
        common = self.catalogue.common[item_lang]
        text = self.catalogue.templates[update.template_id].texts[item_lang]
        variables = self._variables(update.template_id, update, common, link="")
        return self._fill(text.headline, variables)

    def _compose(
        self,
        template_id: str,
        lang: str,
        common: CommonText,
        text: TemplateText,
        variables: dict[str, Any],
        items: list[str],
        ctx: MessageContext,
    ) -> Message:
        subject = self._fill(text.subject, variables)
        paragraphs = [self._fill(p, variables) for p in text.body]
        copy = ctx.recipient == "representative"
        shell = {
            "lang": lang,
            "dir": common.direction,
            "subject": subject,
            "greeting": common.greeting,
            "copy_note": common.copy_note if copy else "",
            "paragraphs": paragraphs,
            "items": items,
            "link": ctx.link,
            "link_intro": common.link_intro,
            "link_label": common.link_label,
            "footer": common.footer,
        }
        sms = self._fill(text.sms, variables)
        if copy:
            sms = f"{common.copy_prefix_sms} {sms}"
        sms = fit_sms(sms, keep=ctx.link, max_segments=self.max_sms_segments)
        length = measure(sms)
        return Message(
            template_id=template_id,
            language=lang,
            subject=subject,
            text=self._text_layout.render(shell).strip() + "\n",
            html=self._html_layout.render(shell),
            sms=sms,
            sms_encoding=length.encoding,
            sms_segments=length.segments,
        )

    def render_updates(
        self,
        language: str,
        context: Mapping[str, Any],
        updates: Sequence[Mapping[str, Any]],
    ) -> Message:
        """One message for the queued updates: the update's own template, or the bundle.

        `updates` are mappings with `template_id` and that update's safe fields; `context`
        gives the link and recipient.
        """
        if not updates:
            raise RenderError("nothing to render")
        if len(updates) == 1:
            only = dict(updates[0])
            return self.render(str(only.pop("template_id")), language, {**context, **only})
        return self.render(BUNDLE_TEMPLATE, language, {**context, "updates": list(updates)})


@dataclass(frozen=True)
class MissingTranslation:
    """A template without a text in one of the catalogue's languages."""

    template_id: str
    language: str


def missing_translations(catalogue: TemplateCatalogue) -> list[MissingTranslation]:
    """Every (template, language) pair the catalogue lacks, for tests and an operator check."""
    return [
        MissingTranslation(template_id, language)
        for template_id, template in sorted(catalogue.templates.items())
        for language in catalogue.languages
        if language not in template.texts
    ]


_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_STRAY_SPACE = re.compile(r"^\s|\s$|\s{2}| [.,:;!?،؟]|\u00a0|\u200b")


def has_stray_space(text: str) -> bool:
    """A leading, trailing or doubled space, a space before punctuation, or an invisible one."""
    return _STRAY_SPACE.search(text) is not None


def translation_problems(catalogue: TemplateCatalogue) -> list[str]:
    """What a second reader of the translations would not let through, found mechanically:
    a missing language (every `CitizenLanguage` in the common texts and in every template),
    stray spaces (leading, trailing, doubled, before punctuation), and a
    text that prints other variables than its Dutch original (a date the Dutch text names
    but a translation leaves out, or the other way round)."""
    out = [
        f"common: no {language.value} texts"
        for language in CitizenLanguage
        if language.value not in catalogue.common
    ]
    out += [
        f"template {m.template_id}: no {m.language} text" for m in missing_translations(catalogue)
    ]
    for language, common in sorted(catalogue.common.items()):
        for field, value in common.model_dump().items():
            for i, text in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(text, str) and _STRAY_SPACE.search(text):
                    out.append(f"common.{language}.{field}[{i}]: stray space in {text!r}")
    for template_id, template in sorted(catalogue.templates.items()):
        dutch = template.texts[DEFAULT_LANGUAGE]
        for language, text in sorted(template.texts.items()):
            for field in ("subject", "headline", "sms"):
                out += _text_problems(
                    f"template {template_id}.{language}.{field}",
                    getattr(text, field),
                    getattr(dutch, field),
                )
            if len(text.body) != len(dutch.body):
                out.append(
                    f"template {template_id}.{language}.body: {len(text.body)} paragraphs, "
                    f"the Dutch text has {len(dutch.body)}"
                )
            for i, (paragraph, original) in enumerate(zip(text.body, dutch.body, strict=False)):
                out += _text_problems(
                    f"template {template_id}.{language}.body[{i}]", paragraph, original
                )
    return out


def _text_problems(where: str, text: str, dutch: str) -> list[str]:
    out: list[str] = []
    if _STRAY_SPACE.search(text):
        out.append(f"{where}: stray space in {text!r}")
    mine, theirs = set(_VARIABLE.findall(text)), set(_VARIABLE.findall(dutch))
    if mine != theirs:
        out.append(f"{where}: prints {sorted(mine)}, the Dutch text prints {sorted(theirs)}")
    return out
