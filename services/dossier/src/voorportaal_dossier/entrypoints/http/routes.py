"""HTTP: every controller of the dossier API, one module per resource: the work queue, case
page and buddy system (`cases`), case work (`case_work`), sharing (`sharing`), documents
(`documents`), the supervisor's figures and audit log (`supervision`) and the citizen's pages
(`citizen`). Translation only: rules live in the domain and the service layer; the caller and
the use cases come by dependency injection (`dependencies`)."""

from __future__ import annotations

from voorportaal_dossier.entrypoints.http.case_search import CaseSearchController
from voorportaal_dossier.entrypoints.http.case_work import CaseWorkController
from voorportaal_dossier.entrypoints.http.cases import CaseController, QueueController
from voorportaal_dossier.entrypoints.http.citizen import CitizenController, printable
from voorportaal_dossier.entrypoints.http.documents import DocumentController
from voorportaal_dossier.entrypoints.http.sharing import SharingController
from voorportaal_dossier.entrypoints.http.staff_notices import (
    StaffNoticeController,
    StaffNoticeSettingsController,
)
from voorportaal_dossier.entrypoints.http.supervision import AuditController, SupervisorController

__all__ = ["ROUTE_HANDLERS", "printable"]

ROUTE_HANDLERS = [
    QueueController,
    CaseSearchController,
    CaseController,
    CaseWorkController,
    SharingController,
    DocumentController,
    SupervisorController,
    AuditController,
    CitizenController,
    StaffNoticeController,
    StaffNoticeSettingsController,
]
"""Every controller of the dossier API."""
