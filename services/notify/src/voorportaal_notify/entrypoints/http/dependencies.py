"""What the controllers get injected (Litestar `Provide`): the use cases the composition root
wired (`app._wire`), looked up here once instead of in each handler. The caller comes from the
kit's `principal` dependency."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import Provide

from voorportaal_notify.service_layer.case_messages import CaseMessages
from voorportaal_notify.service_layer.citizen_links import CitizenLinks
from voorportaal_notify.service_layer.notifications import NotifyService
from voorportaal_notify.service_layer.preferences import Preferences


def provide_case_messages(state: State) -> CaseMessages:
    """The contact-load meter and deliveries use cases."""
    notify: NotifyService = state["notify"]
    return notify.case_messages


def provide_preferences(state: State) -> Preferences:
    """The preferences use cases (read, change, confirm)."""
    notify: NotifyService = state["notify"]
    return notify.preferences_of


def provide_citizen_links(state: State) -> CitizenLinks:
    """Who a personal link speaks for."""
    links: CitizenLinks = state["citizen_links"]
    return links


CASE_DEPENDENCIES = {
    "case_messages": Provide(provide_case_messages, sync_to_thread=False),
    "preferences": Provide(provide_preferences, sync_to_thread=False),
}
CITIZEN_DEPENDENCIES = {
    "preferences": Provide(provide_preferences, sync_to_thread=False),
    "links": Provide(provide_citizen_links, sync_to_thread=False),
}
