"""Sharing and mandates on the case page: with which agencies the citizen shares their dossier
and who may act for them (*machtigingen*), recorded and revoked by a casemanager on the
citizen's behalf, always with the channel through which the citizen said so.

A person never types a code: the agency is chosen by its name (the public bodies a citizen may
share with, and the case's own municipality's organisations), scopes and relations are words
from the label table. The dossier decides who may record or revoke (the citizen, or a
casemanager of the case's owner or team); when it refuses, its own message is shown. A revoked
grant or mandate stays listed, marked revoked with when.
"""

from __future__ import annotations

from typing import Any, Final, cast

import reflex as rx
from reflex.vars.number import NumberVar
from reflex.vars.sequence import ArrayVar

from buddy.desk_form import SHARE_AGENCIES
from buddy.i18n import say, say_code, tr
from buddy.labels import Words, words
from buddy.layout import FOCUS_STYLE
from buddy.pages.case import forms
from buddy.pages.case.forms import CHANNELS
from buddy.pages.case.state import CASE_ROLES, CaseState
from buddy.pages.case.widgets import (
    SELECT_STYLE,
    action_form,
    checkbox_field,
    field,
    input_field,
    section,
    table,
    tr_dynamic,
)
from buddy.rows.case_parts import GrantRow, MandateRow
from buddy.state import SessionState
from voorportaal_contracts.topics import MUNICIPAL_AGENCIES, municipal_agency_code
from voorportaal_contracts.types import RepresentativeRelation, SharingScope

# Typing note: calls of event handlers with bound arguments carry `type: ignore[operator]`
# (see `records.py`: mypy does not follow Reflex's `EventCallback` typing).

SCOPES: Final = tuple(s.value for s in SharingScope)
RELATIONS: Final = tuple(r.value for r in RepresentativeRelation)


def agency_choices(municipality: str, referred: list[str]) -> list[dict[str, str]]:
    """The agencies a grant may name, by their names, alphabetically (Dutch): the public
    bodies a citizen may share with, where a municipality's organisation (`gemeente`) is the
    case's own municipality's (`gemeente-gm0344`, "Gemeente Utrecht": the bare kind names no
    agency), and any agency the case was referred to."""
    codes = [c for c in SHARE_AGENCIES if c not in MUNICIPAL_AGENCIES]
    for kind in MUNICIPAL_AGENCIES:
        try:
            codes.append(municipal_agency_code(kind, municipality))
        except ValueError:
            continue  # no (known) municipality: its organisations cannot be named
    codes += [c for c in referred if c and c not in codes and c not in MUNICIPAL_AGENCIES]
    named = [(code, words("agency", code)) for code in dict.fromkeys(codes)]
    return [
        {"value": code, "nl": w.nl, "en": w.en}
        for code, w in sorted(named, key=lambda c: c[1].nl.lower())
    ]


def scopes_of(form: dict[str, Any]) -> list[str]:
    """The scopes ticked in a form (the checkboxes are named after the scopes)."""
    return [s for s in SCOPES if forms.checked(form, s)]


def channel_of(form: dict[str, Any]) -> str | None:
    """How the citizen said so, if a known channel was chosen."""
    channel = forms.text(form, "channel", 16)
    return channel if channel in CHANNELS else None


class SharingState(CaseState):
    """Which grant or mandate is being revoked, and the outcome of this section's last action
    (shown beside its forms as well as at the top of the page)."""

    revoking_kind: str = ""
    """`grant` or `mandate` while a revocation is asked for, else empty."""
    revoking_id: str = ""
    revoking_name: Words = Words()
    said: str = ""
    """Key of this section's last outcome (`ok_…`, `action_…`)."""
    said_ok: bool = False
    said_detail: Words = Words()
    """The dossier's own message when it refused, in Dutch and English."""
    grant_round: int = 0
    """Bumped once a grant is recorded, so its form is drawn empty again (its key)."""
    mandate_round: int = 0
    """The same for the mandate form."""

    @rx.var
    def agency_options(self) -> list[dict[str, str]]:
        """The agencies the grant form offers (value, Dutch and English name)."""
        return agency_choices(self.header.municipality, [r.agency_code for r in self.referrals])

    def _refuse(self, key: str) -> None:
        """Bad input: say which field and why; nothing is sent."""
        self.ok, self.failed, self.failed_detail = "", key, Words()
        self.said, self.said_ok, self.said_detail = key, False, Words()

    def _with_terms(self, form: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
        """`body` with what a grant and a mandate both need (the scopes, the last day, how the
        citizen said so), or None once a missing one is refused."""
        until = forms.end_of_day(form.get("valid_until"))
        channel = channel_of(form)
        if not scopes_of(form):
            self._refuse("action_sh_scopes")
        elif until is None:
            self._refuse("action_sh_date")
        elif channel is None:
            self._refuse("action_sh_channel")
        else:
            return {**body, "scopes": scopes_of(form), "valid_until": until, "channel": channel}
        return None

    async def _record(self, action: str, ok: str, body: dict[str, Any], **ids: str) -> Any:
        redirect = await self._act(CASE_ROLES, action, ok, body, **ids)
        self.said_ok = self.ok == ok
        refused = self.failed_detail
        self.said, self.said_detail = self.ok or self.failed, Words(nl=refused.nl, en=refused.en)
        if self.said_ok:
            self.grant_round += action == "grants"
            self.mandate_round += action == "mandates"
            self.revoking_kind = self.revoking_id = ""
        return redirect

    @rx.event
    async def grant(self, form: dict[str, Any]) -> Any:
        """Record that the citizen shares their dossier with an agency."""
        agency = forms.text(form, "agency_code", 32)
        if agency not in {o["value"] for o in self.agency_options}:
            return self._refuse("action_sh_agency")
        body = self._with_terms(form, {"agency_code": agency})
        if body is None:
            return None
        return await self._record("grants", "ok_grant", body)

    @rx.event
    async def mandate(self, form: dict[str, Any]) -> Any:
        """Record a mandate the citizen gives a representative."""
        holder = forms.text(form, "holder_name", 200)
        relation = forms.text(form, "relation", 32)
        if not holder or len(holder) > 120:
            return self._refuse("action_sh_holder")
        if relation not in RELATIONS:
            return self._refuse("action_sh_relation")
        body = self._with_terms(form, {"holder_name": holder, "relation": relation})
        if body is None:
            return None
        return await self._record("mandates", "ok_mandate", body)

    @rx.event
    def ask_revoke(self, kind: str, ident: str, nl: str, en: str) -> None:
        """Open the revocation of one grant or mandate: it asks how the citizen said so."""
        if kind not in ("grant", "mandate"):
            return
        self.revoking_kind, self.revoking_id = kind, ident[:64]
        self.revoking_name = Words(nl=nl[:200], en=en[:200])

    @rx.event
    def cancel_revoke(self) -> None:
        """Close the revocation without changing anything."""
        self.revoking_kind = self.revoking_id = ""

    @rx.event
    async def revoke(self, form: dict[str, Any]) -> Any:
        """Record that the citizen revoked the grant or mandate being asked about."""
        channel = channel_of(form)
        if channel is None:
            return self._refuse("action_sh_channel")
        body = {"channel": channel}
        if self.revoking_kind == "grant":
            return await self._record("grant_revoke", "ok_revoke", body, grant_id=self.revoking_id)
        if self.revoking_kind == "mandate":
            return await self._record(
                "mandate_revoke", "ok_mandate_revoke", body, mandate_id=self.revoking_id
            )
        return None


# --------------------------------------------------------------------------- the section


def _said() -> rx.Component:
    """This section's last outcome, next to its forms."""
    return rx.cond(
        SharingState.said != "",
        rx.callout.root(
            rx.callout.text(tr_dynamic(SharingState.said), " ", say(SharingState.said_detail)),
            color_scheme=rx.cond(SharingState.said_ok, "green", "red"),
            role="status",
            id="sharing-said",
        ),
    )


def _select(label: str, name: str, ident: str, *options: rx.Component) -> rx.Component:
    """A labelled native select that starts at "Choose …" (nothing chosen)."""
    return field(
        label,
        name,
        ident,
        rx.el.select(
            rx.el.option(tr("sh_choose"), value=""),
            *options,
            id=ident,
            name=name,
            style=SELECT_STYLE,
        ),
    )


def _code_options(kind: str, codes: tuple[str, ...]) -> list[rx.Component]:
    return [rx.el.option(say_code(kind, code), value=code) for code in codes]


def _channel(ident: str) -> rx.Component:
    return _select("how_citizen_said", "channel", ident, *_code_options("channel", CHANNELS))


def _scopes(legend: str, prefix: str) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(tr(legend), style={"font_weight": "600"}),
        rx.hstack(
            *[checkbox_field(say_code("scope", s), s, f"{prefix}-{s}") for s in SCOPES],
            spacing="4",
            wrap="wrap",
        ),
        style={"border": "none", "padding": "0"},
    )


def _form(
    title: str, ident: str, on_submit: Any, submit: str, round: Any, *fields: rx.Component
) -> Any:
    """An action's form that keeps what was typed when it is refused, and is drawn empty
    again (a new key: `round`) once the dossier recorded it."""
    return action_form(
        title,
        ident,
        on_submit,
        submit,
        *fields,
        reset=False,
        key=f"{ident}-" + _number(round).to_string(),
    )


def _number(var: Any) -> NumberVar[int]:
    """A form's round, a state var: mypy sees the class attribute's Python type (`int`); at
    runtime it is Reflex's NumberVar."""
    return cast("NumberVar[int]", var)


def _status(revoked: rx.Var[bool], revoked_at: rx.Var[str]) -> rx.Component:
    return rx.cond(
        revoked,
        rx.badge(tr("sh_revoked_on"), " ", revoked_at, color_scheme="gray", class_name="revoked"),
        rx.badge(tr("sh_active"), color_scheme="green"),
    )


def _revoke_button(kind: str, ident: Any, nl: Any, en: Any, revoked: Any) -> rx.Component:
    return rx.cond(
        revoked,
        rx.fragment(),
        rx.button(
            tr("sh_act_revoke"),
            on_click=SharingState.ask_revoke(kind, ident, nl, en),  # type: ignore[operator]  # typing note above
            size="1",
            variant="outline",
            color_scheme="red",
            class_name=f"{kind}-revoke",
            style=FOCUS_STYLE,
        ),
    )


def _revocation(kind: str) -> rx.Component:
    """Revoking one grant or mandate: how the citizen said so, then confirm (or cancel)."""
    return rx.cond(
        SharingState.revoking_kind == kind,
        rx.box(
            rx.form(
                rx.el.fieldset(
                    rx.el.legend(
                        tr("sh_revoke_title"),
                        " ",
                        say(SharingState.revoking_name),
                        style={"font_weight": "600"},
                    ),
                    rx.hstack(
                        _channel(f"{kind}-revoke-channel"),
                        rx.button(
                            tr("sh_revoke_confirm"),
                            type="submit",
                            color_scheme="red",
                            id=f"{kind}-revoke-submit",
                            style=FOCUS_STYLE,
                        ),
                        rx.button(
                            tr("sh_cancel"),
                            type="button",
                            variant="outline",
                            on_click=SharingState.cancel_revoke,
                            id=f"{kind}-revoke-cancel",
                            style=FOCUS_STYLE,
                        ),
                        align="end",
                        spacing="3",
                    ),
                    style={
                        "border": "1px solid #e5484d",
                        "padding": "0.75em",
                        "border_radius": "6px",
                    },
                ),
                on_submit=SharingState.revoke,
                reset_on_submit=False,
                id=f"{kind}-revoke-form",
            ),
            padding_top="0.5em",
        ),
    )


def _grant_row(g: GrantRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(say(g.holder_words)),
        rx.table.cell(say(g.scopes_words)),
        rx.table.cell(g.valid_until, white_space="nowrap"),
        rx.table.cell(say(g.by_words), rx.cond(g.channel != "", " · ", ""), say(g.channel_words)),
        rx.table.cell(_status(g.revoked, g.revoked_at)),  # type: ignore[arg-type]  # state vars
        rx.table.cell(
            _revoke_button("grant", g.id, g.holder_words.nl, g.holder_words.en, g.revoked)
        ),
    )


def _mandate_row(m: MandateRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m.holder),
        rx.table.cell(say(m.relation_words)),
        rx.table.cell(say(m.scopes_words)),
        rx.table.cell(m.valid_until, white_space="nowrap"),
        rx.table.cell(_status(m.revoked, m.revoked_at)),  # type: ignore[arg-type]  # state vars
        rx.table.cell(_revoke_button("mandate", m.id, m.holder, m.holder, m.revoked)),
    )


def _grant_form() -> rx.Component:
    option = rx.foreach(
        SharingState.agency_options,
        lambda o: rx.el.option(
            rx.cond(SessionState.lang == "en", o["en"], o["nl"]), value=o["value"]
        ),
    )
    return _form(
        "grant_title",
        "grant-form",
        SharingState.grant,
        "act_grant",
        SharingState.grant_round,
        _select("sh_agency", "agency_code", "grant-agency", option),
        _scopes("scopes", "grant"),
        input_field("valid_until", "valid_until", "grant-until", type="date"),
        _channel("grant-channel"),
    )


def _mandate_form() -> rx.Component:
    return _form(
        "sh_mandate_title",
        "mandate-form",
        SharingState.mandate,
        "sh_act_mandate",
        SharingState.mandate_round,
        input_field("sh_holder", "holder_name", "mandate-holder", max_length=120),
        _select(
            "sh_relation", "relation", "mandate-relation", *_code_options("relation", RELATIONS)
        ),
        _scopes("sh_mandate_scopes", "mandate"),
        input_field("valid_until", "valid_until", "mandate-until", type="date"),
        _channel("mandate-channel"),
    )


def sharing() -> rx.Component:
    """With whom the citizen shares their dossier and who may act for them: both lists, the
    revocation of one entry, and the two forms side by side."""
    lists = rx.fragment(
        table(
            "sharing-table",
            ["col_agency", "col_scopes", "col_until", "sh_col_recorded", "col_state", "actions"],
            CaseState.grants,
            _grant_row,
        ),
        _revocation("grant"),
        rx.heading(tr("sh_mandates"), size="4", as_="h3", id="mandates", padding_top="0.75em"),
        table(
            "mandates-table",
            [
                "sh_col_holder",
                "sh_col_relation",
                "sh_col_may",
                "col_until",
                "col_state",
                "actions",
            ],
            CaseState.mandates,
            _mandate_row,
        ),
        _revocation("mandate"),
    )
    refused = cast("ArrayVar[list[str]]", CaseState.refused)
    return section(
        "sharing",
        "section-sharing",
        rx.cond(
            refused.contains("sharing"),
            rx.text(tr("sh_not_shown"), id="sharing-not-shown"),
            lists,
        ),
        rx.box(_said(), padding_top="0.75em"),
        rx.grid(
            _grant_form(),
            _mandate_form(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
            padding_top="0.75em",
        ),
    )
