"""The start page: what the portal does, how long it takes, and the choice of life events."""

from __future__ import annotations

from typing import Any

import reflex as rx

from portal.api import ApiProblem, ApiUnavailable, apis
from portal.flow import IntakeFlow, portal_text
from portal.i18n import content, local_text, say, tr
from portal.layout import notice, shell
from portal.state import PortalState

EVENTS_ID = "life-events"

# Typing note: calls that bind an argument to an event handler carry `type: ignore[operator]`.
# Reflex types `@rx.event` through `EventNamespace.__new__` returning an `EventCallback`, which
# mypy does not follow (it takes the result to be an `EventNamespace`, "not callable").
# State vars used in components are Vars at run time (`.contains`, indexing) but their declared
# Python types to mypy, hence `type: ignore[attr-defined]` / `[index]` there.


class HomeState(PortalState):
    """The life events to choose from, and the choice."""

    events: list[dict[str, Any]] = []
    chosen: list[str] = []
    error: dict[str, str] = {}
    unavailable: dict[str, str] = {}
    busy: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the life events (titles and intros in five languages) from the intake."""
        self.error = {}
        try:
            found = await apis().life_events()
        except (ApiUnavailable, ApiProblem):
            self.unavailable = portal_text("intake_unreachable")
            return
        self.unavailable = {}
        self.events = [
            {"code": str(e.code), "title": local_text(e.title), "intro": local_text(e.intro)}
            for e in found
        ]

    @rx.event
    def toggle(self, code: str) -> None:
        """Choose or unchoose one life event."""
        self.error = {}
        if code in self.chosen:
            self.chosen = [c for c in self.chosen if c != code]
        else:
            self.chosen = [*self.chosen, code]

    @rx.event
    async def begin(self, _form: dict[str, Any] | None = None) -> Any:
        """Start the intake for the chosen life events (in the order the page lists them)."""
        known = [str(e["code"]) for e in self.events]
        chosen = [code for code in known if code in self.chosen]
        if not chosen:
            self.error = portal_text("choose_error")
            return rx.set_focus("error-summary")
        flow = await self.get_state(IntakeFlow)
        titles = {str(e["code"]): dict(e["title"]) for e in self.events}
        self.busy = True
        try:
            return await flow.start(chosen, titles)
        except ApiProblem as refused:
            self.unavailable = portal_text(
                "too_busy" if refused.status == 429 else "intake_unreachable"
            )
        except ApiUnavailable:
            self.unavailable = portal_text("intake_unreachable")
        finally:
            self.busy = False
        return None


def _event_choice(event: Any) -> rx.Component:
    code = event["code"].to(str)
    return rx.el.li(
        rx.el.label(
            rx.el.input(
                type="checkbox",
                name="life_event",
                value=code,
                id="event-" + code,
                checked=HomeState.chosen.contains(code),  # type: ignore[attr-defined]  # typing note above
                on_change=lambda _checked: HomeState.toggle(code),  # type: ignore[operator]  # typing note above
                aria_describedby="intro-" + code,
            ),
            rx.el.span(
                content(rx.el.span, event["title"], class_name="choice-title"),
                content(rx.el.span, event["intro"], class_name="choice-intro", id="intro-" + code),
                class_name="choice-text",
            ),
            class_name="choice",
        ),
    )


def page() -> rx.Component:
    """The start page."""
    has_error = HomeState.error.length() > 0  # type: ignore[attr-defined]
    return shell(
        rx.el.h1(tr("home_title")),
        rx.el.p(tr("home_intro"), class_name="lead"),
        rx.el.p(tr("home_time")),
        rx.el.p(tr("home_need")),
        rx.cond(
            HomeState.unavailable.length() > 0,  # type: ignore[attr-defined]
            notice(say(HomeState.unavailable), error=True),
        ),
        rx.cond(
            has_error,
            rx.el.div(
                rx.el.h2(tr("error_summary"), id="error-summary-title"),
                rx.el.ul(rx.el.li(rx.el.a(say(HomeState.error), href=f"#{EVENTS_ID}"))),
                role="alert",
                aria_labelledby="error-summary-title",
                tab_index=-1,
                id="error-summary",
                class_name="error-summary",
            ),
        ),
        rx.el.form(
            rx.el.fieldset(
                rx.el.legend(rx.el.h2(tr("choose_legend"), style={"margin": "0"})),
                rx.cond(
                    has_error,
                    rx.el.span(say(HomeState.error), id="events-error", class_name="error-message"),
                ),
                rx.el.ul(
                    rx.foreach(HomeState.events, _event_choice),
                    class_name="choices",
                    id=EVENTS_ID,
                    tab_index=-1,
                ),
                aria_describedby=rx.cond(has_error, "events-error", ""),
                class_name=rx.cond(has_error, "field field-error", "field"),
            ),
            rx.el.div(
                rx.el.button(
                    tr("start"),
                    type="submit",
                    id="start",
                    class_name="button",
                    disabled=HomeState.busy,
                ),
                class_name="actions",
            ),
            on_submit=HomeState.begin,
            prevent_default=True,
        ),
    )
