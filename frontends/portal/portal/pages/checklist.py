"""`/takenlijst`: the checklist+ after sending (the GOV.UK task list pattern): grouped by
agency, the group with the earliest deadline first and each group's items by deadline; every
item with why, by when (the real date, written out in the citizen's language) and how (a
`tel:` link, the website, the desk and its opening hours from routing's public directory);
ticked off by the citizen; printable (print CSS: no navigation, every item with its date)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx
import structlog

from portal import routes
from portal.api import ApiProblem, ApiUnavailable, DirectoryChannel, PublicDirectory, apis
from portal.flow import IntakeFlow, portal_text
from portal.i18n import LANGUAGES, TEXTS, WEEKDAYS, content, local_text, long_date, say, tr
from portal.layout import notice, shell
from voorportaal_contracts.api.intake import ChecklistItemOut

# Typing note: calls that bind an argument to an event handler carry `type: ignore[operator]`.
# Reflex types `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which
# mypy does not follow (it takes the result to be an `EventNamespace`, "not callable").

log = structlog.get_logger()

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DASH = " \u2013 "
"""An en dash with spaces, between the first and last day and between the hours."""
_DIALABLE = re.compile(r"^\+?[0-9][0-9 ()-]{5,18}[0-9]$")
_DAY_INDEX = {
    code: index for index, code in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
}


def tel_href(number: str) -> str:
    """A `tel:` link for a number a phone can dial ("088-898 92 94" → "tel:0888989294"), or ""
    for one it cannot ("14 + netnummer van de gemeente")."""
    if not _DIALABLE.fullmatch(number.strip()):
        return ""
    return "tel:" + re.sub(r"[ ()-]", "", number.strip())


def hours_text(channel: DirectoryChannel) -> dict[str, str]:
    """Opening hours in five languages: "maandag - vrijdag 09:00 - 16:30" (en dashes)."""
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        parts = []
        for hours in channel.hours:
            days = [WEEKDAYS[language][_DAY_INDEX[d]] for d in hours.days if d in _DAY_INDEX]
            if not days:
                continue
            span = days[0] if len(days) == 1 else f"{days[0]}{DASH}{days[-1]}"
            parts.append(f"{span} {hours.opens:%H:%M}{DASH}{hours.closes:%H:%M}")
        texts[language] = "; ".join(parts)
        texts[f"lang_{language}"] = language
    return texts


def deadline_text(deadline: date | None) -> dict[str, str]:
    """The deadline written out in five languages, or the words for "no fixed date"."""
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        texts[language] = (
            long_date(deadline, language) if deadline else TEXTS["no_deadline"][language]
        )
        texts[f"lang_{language}"] = language
    return texts


def reach(agency: str, need: str | None, directory: PublicDirectory) -> dict[str, Any]:
    """How to reach `agency` for `need`: its name, phone (and a `tel:` link), website, desk and
    the desk's opening hours, from the directory (the service for that need, else the
    agency's first service)."""
    organization = next((o for o in directory.organizations if o.code == agency), None)
    services = [s for s in directory.services if s.organization == agency]
    chosen = next((s for s in services if need and need in s.needs), None) or (
        services[0] if services else None
    )
    channels = chosen.contact if chosen else []
    phone = next((c for c in channels if c.kind == "phone"), None)
    web = next((c for c in channels if c.kind == "web"), None)
    desk = next((c for c in channels if c.kind == "desk"), None)
    name = (
        {"nl": organization.name.nl, "en": organization.name.en}
        if organization
        else {"nl": agency, "en": agency}
    )
    return {
        "name": {
            **{language: name.get(language) or name["nl"] for language in LANGUAGES},
            **{
                f"lang_{language}": language if language in name else "nl" for language in LANGUAGES
            },
        },
        "phone": phone.value if phone else "",
        "phone_href": tel_href(phone.value) if phone else "",
        "phone_hours": hours_text(phone) if phone else {},
        "has_phone_hours": bool(phone and phone.hours),
        "web": web.value if web else (organization.web if organization else ""),
        "desk": desk.value if desk else "",
        "desk_hours": hours_text(desk) if desk else {},
        "has_desk_hours": bool(desk and desk.hours),
    }


def item_view(item: ChecklistItemOut, today: date) -> dict[str, Any]:
    """One task as the page shows it; `overdue` when its date lies before `today` and it is
    not done."""
    why = [local_text(text) for text in item.why]
    # `done` is the intake's (ck-intake); an intake from before it has none: not done.
    done = bool(getattr(item, "done", False))
    return {
        "id": item.id,
        "title": local_text(item.title),
        "why": why,
        "deadline": item.deadline.isoformat() if item.deadline else "",
        "deadline_text": deadline_text(item.deadline),
        "deadline_rule": local_text(item.deadline_rule),
        "has_rule": item.deadline_rule is not None,
        "has_deadline": item.deadline is not None,
        "overdue": bool(item.deadline and item.deadline < today and not done),
        "refer": item.refer,
        "done": done,
    }


def dutch_today() -> date:
    """Today in the Netherlands, the day deadlines are counted in."""
    return datetime.now(AMSTERDAM).date()


def group_checklist(
    items: list[ChecklistItemOut], directory: PublicDirectory, today: date
) -> list[dict[str, Any]]:
    """The checklist grouped by agency: each group's items by deadline (none last), the groups
    by their earliest deadline."""

    def key(item: ChecklistItemOut) -> tuple[int, date]:
        return (0, item.deadline) if item.deadline else (1, date.max)

    groups: dict[str, list[ChecklistItemOut]] = {}
    for item in sorted(items, key=key):
        groups.setdefault(item.agency, []).append(item)
    ordered = sorted(groups.items(), key=lambda pair: key(pair[1][0]))
    result = []
    for agency, found in ordered:
        group = {
            "agency": agency,
            **reach(agency, next((i.need for i in found if i.need), None), directory),
            "items": [item_view(i, today) for i in found],
        }
        # The intake names the agency in five languages, and its phone and website, on each
        # item (ck-intake, issue 15); an intake from before that leaves the directory's.
        named = getattr(found[0], "agency_name", None)
        if named is not None:
            group["name"] = local_text(named)
        phone = getattr(found[0], "phone", None)
        if phone and not group["phone"]:
            group["phone"], group["phone_href"] = phone, tel_href(phone)
        web = getattr(found[0], "web", None)
        if web and not group["web"]:
            group["web"] = web
        result.append(group)
    return result


class ChecklistState(IntakeFlow):
    """The checklist of this tab's intake."""

    groups: list[dict[str, Any]] = []
    held: bool = False
    message: dict[str, str] = {}
    marking: str = ""

    @rx.event
    async def load_checklist(self) -> Any:
        """Fetch the submitted intake's checklist and the directory."""
        held = self.credentials()
        if held is None:
            return rx.redirect(routes.HOME)
        self.message = {}
        try:
            intake = await apis().intake(*held)
        except (ApiProblem, ApiUnavailable):
            self.message = portal_text("intake_unreachable")
            return None
        if intake.status != "submitted" or intake.result is None:
            return rx.redirect(routes.INTAKE)
        try:
            directory = await apis().directory()
        except (ApiProblem, ApiUnavailable):
            directory = PublicDirectory(organizations=[], services=[])
        self.held = intake.awaiting_confirmation
        self.groups = group_checklist(intake.result.checklist, directory, dutch_today())
        self.loaded = True
        return None

    @rx.event
    async def mark(self, item_id: str, done: bool) -> Any:
        """Tick an item off (or undo that) at the intake; the page shows what the intake kept."""
        held = self.credentials()
        if held is None:
            return rx.redirect(routes.HOME)
        self.marking = item_id
        try:
            await apis().mark(*held, item_id, done)
        except (ApiProblem, ApiUnavailable) as failed:
            log.info("portal.mark_failed", intake_id=self._intake_id, error=type(failed).__name__)
            self.message = portal_text("mark_failed")
            return None
        finally:
            self.marking = ""
        self.message = {}
        self.groups = [
            {
                **group,
                "items": [
                    {**item, "done": done, "overdue": item["overdue"] and not done}
                    if item["id"] == item_id
                    else item
                    for item in group["items"]
                ],
            }
            for group in self.groups
        ]
        log.info("portal.item_marked", intake_id=self._intake_id, item_id=item_id, done=done)
        return None


def _how(group: Any) -> rx.Component:
    return rx.el.dl(
        rx.cond(
            group["phone"].to(str) != "",
            rx.fragment(
                rx.el.dt(tr("call")),
                rx.el.dd(
                    rx.cond(
                        group["phone_href"].to(str) != "",
                        rx.el.a(
                            group["phone"].to(str),
                            href=group["phone_href"].to(str),
                            class_name="ltr",
                        ),
                        rx.el.span(group["phone"].to(str), lang="nl"),
                    ),
                    rx.cond(
                        group["has_phone_hours"].to(bool),
                        rx.el.span(" (", tr("opening_hours"), " ", say(group["phone_hours"]), ")"),
                    ),
                ),
            ),
        ),
        rx.cond(
            group["web"].to(str) != "",
            rx.fragment(
                rx.el.dt(tr("website")),
                rx.el.dd(
                    rx.el.a(
                        group["web"].to(str),
                        href=group["web"].to(str),
                        class_name="ltr",
                        rel="noopener noreferrer",
                        target="_blank",
                    )
                ),
            ),
        ),
        rx.cond(
            group["desk"].to(str) != "",
            rx.fragment(
                rx.el.dt(tr("desk")),
                rx.el.dd(
                    rx.el.span(group["desk"].to(str), lang="nl"),
                    rx.cond(
                        group["has_desk_hours"].to(bool),
                        rx.el.span(" (", tr("opening_hours"), " ", say(group["desk_hours"]), ")"),
                    ),
                ),
            ),
        ),
        class_name="how",
    )


def _item(item: Any) -> rx.Component:
    ident = item["id"].to(str)
    done = item["done"].to(bool)
    overdue = item["overdue"].to(bool)
    return rx.el.li(
        rx.el.div(
            content(rx.el.h3, item["title"], class_name="task-title", id="task-" + ident),
            rx.el.p(
                rx.cond(
                    done,
                    tr("status_done"),
                    rx.cond(overdue, tr("status_overdue"), tr("status_todo")),
                ),
                class_name=rx.cond(
                    done,
                    "task-status task-done",
                    rx.cond(overdue, "task-status task-late", "task-status"),
                ),
                id="status-" + ident,
            ),
            class_name="task-head",
        ),
        rx.cond(
            item["has_deadline"].to(bool),
            rx.el.p(
                rx.el.strong(tr("by_when")),
                " ",
                rx.el.time(say(item["deadline_text"]), date_time=item["deadline"].to(str)),
                class_name="task-deadline",
            ),
            rx.el.p(say(item["deadline_text"]), class_name="task-deadline"),
        ),
        rx.cond(overdue, rx.el.p(tr("overdue_note"), class_name="notice notice-error")),
        rx.cond(
            item["has_rule"].to(bool),
            content(rx.el.p, item["deadline_rule"], class_name="hint"),
        ),
        rx.el.p(rx.el.strong(tr("why")), class_name="task-label"),
        rx.el.ul(
            rx.foreach(item["why"].to(list[dict[str, str]]), lambda why: content(rx.el.li, why)),
            class_name="task-why",
        ),
        rx.cond(item["refer"].to(bool), rx.el.p(tr("refer_note"), class_name="hint")),
        rx.el.label(
            rx.el.input(
                type="checkbox",
                id="done-" + ident,
                checked=done,
                disabled=ChecklistState.marking == ident,
                on_change=lambda _v: ChecklistState.mark(ident, ~done),  # type: ignore[operator]  # typing note above
                aria_describedby="task-" + ident,
            ),
            rx.el.span(tr("mark_done"), class_name="choice-text"),
            class_name="choice task-tick no-print",
        ),
        class_name=rx.cond(done, "task task-is-done", "task"),
    )


def _group(group: Any) -> rx.Component:
    return rx.el.section(
        content(rx.el.h2, group["name"], id="agency-" + group["agency"].to(str)),
        rx.el.p(rx.el.strong(tr("how")), class_name="task-label"),
        _how(group),
        rx.el.ul(rx.foreach(group["items"].to(list[dict[str, Any]]), _item), class_name="tasks"),
        class_name="agency",
        aria_labelledby="agency-" + group["agency"].to(str),
    )


def page() -> rx.Component:
    """The checklist page."""
    return shell(
        rx.el.h1(tr("checklist_title"), id="checklist-heading"),
        rx.el.p(tr("checklist_intro")),
        rx.cond(
            ChecklistState.message.length() > 0,  # type: ignore[attr-defined]
            notice(say(ChecklistState.message), error=True, ident="checklist-notice"),
        ),
        rx.cond(ChecklistState.held, rx.el.p(tr("checklist_held"), class_name="notice", id="held")),
        rx.el.div(
            rx.el.button(
                tr("print"),
                type="button",
                id="print",
                class_name="button button-secondary",
                custom_attrs={"data-print": "true"},
            ),
            class_name="actions no-print",
        ),
        rx.cond(
            ChecklistState.groups.length() > 0,  # type: ignore[attr-defined]
            rx.foreach(ChecklistState.groups, _group),
            rx.cond(ChecklistState.loaded, rx.el.p(tr("no_checklist"))),
        ),
    )
