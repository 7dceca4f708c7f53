"""The supervisor's overview from the dossier's `SupervisorFigures`: the queue's figures, one
row per agency, and what the charts draw."""

from __future__ import annotations

from dataclasses import dataclass, field

from buddy.labels import Words, words
from buddy.rows.formats import number, rate
from voorportaal_contracts.api.dossier import AgencyFigures, SupervisorFigures


@dataclass
class QueueFigures:
    """How many cases stand where, and what is overdue or broken, as shown."""

    open_cases: str = ""
    unassigned: str = ""
    handover_requested: str = ""
    acute_cases: str = ""
    overdue_referrals: str = ""
    broken_promises: str = ""


@dataclass
class AgencyRow:
    """One agency's kastje-muur figures, as shown in the table."""

    agency_code: str
    referrals: str
    median_accept_hours: str
    decline_rate: str
    redirect_rate: str
    overdue_referrals: str
    broken_promises: str
    agency_words: Words = field(default_factory=Words)


@dataclass
class SupervisorView:
    figures: QueueFigures
    agencies: list[AgencyRow]
    chart: list[dict[str, str | float | int]]
    """Per agency the numbers the charts draw (recharts reads them by key)."""


def _agency_row(a: AgencyFigures) -> AgencyRow:
    return AgencyRow(
        agency_code=a.agency_code,
        referrals=str(a.referrals),
        median_accept_hours=number(a.median_accept_hours),
        decline_rate=rate(a.decline_rate),
        redirect_rate=rate(a.redirect_rate),
        overdue_referrals=str(a.overdue_referrals),
        broken_promises=str(a.broken_promises),
        agency_words=words("agency", a.agency_code),
    )


def supervisor_view(figures: SupervisorFigures) -> SupervisorView:
    """The supervisor's overview from the dossier's `SupervisorFigures`."""
    queue = figures.queue
    return SupervisorView(
        figures=QueueFigures(
            open_cases=str(queue.open_cases),
            unassigned=str(queue.in_queue),
            handover_requested=str(queue.handover_requested),
            acute_cases=str(queue.acute_cases),
            overdue_referrals=str(figures.overdue_referrals),
            broken_promises=str(figures.broken_promises),
        ),
        agencies=[_agency_row(a) for a in figures.agencies],
        chart=[
            {
                "agency": a.agency_code,
                "agency_nl": words("agency", a.agency_code).nl,
                "agency_en": words("agency", a.agency_code).en,
                "accept_hours": a.median_accept_hours or 0.0,
                "decline_pct": round((a.decline_rate or 0) * 100),
                "redirect_pct": round((a.redirect_rate or 0) * 100),
                "broken_promises": a.broken_promises,
            }
            for a in figures.agencies
        ],
    )
