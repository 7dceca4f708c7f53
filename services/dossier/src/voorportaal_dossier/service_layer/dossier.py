"""The dossier's use cases wired together: one object for the composition root (`app.py`),
whose parts the entrypoints call. Each part is a module of this package, mirroring `domain/`:
the consumed facts (`projection`), the work queue and figures (`queue`), the case page
(`case_page`), the buddy system (`ownership`), contact moments and messages (`contacts`), the
promise ledger (`promises`), sharing and mandates (`sharing`), doorbraak (`doorbraak`),
documents (`documents`), closing and retention (`retention`), the citizen's links
(`citizen_links`) and pages (`citizen_view`), and the access log (`audit`). Every one reads
and changes a case through `CaseAccess` (one transaction, decided and audited)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_dossier.adapters.filestore import DocumentStore
from voorportaal_dossier.service_layer.audit import Audit
from voorportaal_dossier.service_layer.case_access import CaseAccess
from voorportaal_dossier.service_layer.case_page import CasePageReader
from voorportaal_dossier.service_layer.case_search import CaseSearch
from voorportaal_dossier.service_layer.citizen_links import CitizenLinks
from voorportaal_dossier.service_layer.citizen_view import CitizenPages, Phones
from voorportaal_dossier.service_layer.citizen_work import CitizenWork
from voorportaal_dossier.service_layer.contacts import Contacts
from voorportaal_dossier.service_layer.documents import Documents
from voorportaal_dossier.service_layer.doorbraak import Doorbraak
from voorportaal_dossier.service_layer.ownership import Ownership
from voorportaal_dossier.service_layer.projection import Projection
from voorportaal_dossier.service_layer.promises import Promises
from voorportaal_dossier.service_layer.queue import Queue
from voorportaal_dossier.service_layer.retention import Retention
from voorportaal_dossier.service_layer.sharing import Sharing
from voorportaal_dossier.service_layer.staff_notices import StaffNotices
from voorportaal_dossier.service_layer.supervision import Supervision
from voorportaal_kit.audit_log import AnchorStore
from voorportaal_kit.clock import Clock


class DossierService:
    """The dossier's use cases over its own database, file store and outbox."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        source: str,
        *,
        documents: DocumentStore,
        link_key: bytes,
        link_ttl: timedelta,
        retention: timedelta,
        max_upload_bytes: int,
        teams: dict[str, str] | None = None,
        anchors: AnchorStore | None = None,
        anchor_key: bytes | None = None,
        phones: Phones | None = None,
        search_per_minute: int = 30,
    ) -> None:
        self.cases = CaseAccess(sessions, clock, source, teams)
        self.projection = Projection(clock, source)
        self.queue = Queue(self.cases)
        self.supervision = Supervision(self.cases)
        self.case_page = CasePageReader(self.cases)
        self.ownership = Ownership(self.cases)
        self.contacts = Contacts(self.cases)
        self.promises = Promises(self.cases)
        self.sharing = Sharing(self.cases)
        self.doorbraak = Doorbraak(self.cases)
        self.citizen_links = CitizenLinks(self.cases, link_key=link_key, link_ttl=link_ttl)
        self.documents = Documents(
            self.cases, self.citizen_links, files=documents, max_upload_bytes=max_upload_bytes
        )
        self.retention = Retention(self.cases, self.documents, period=retention)
        self.citizen_view = CitizenPages(self.cases, self.citizen_links, phones)
        self.citizen_work = CitizenWork(self.cases)
        self.audit = Audit(self.cases, anchors=anchors, anchor_key=anchor_key)
        # The search term's audit hash is keyed by a key derived from the link key (its own
        # purpose label), so no new secret has to be configured and rotated.
        term_key = hmac.new(link_key, b"voorportaal case-search term", hashlib.sha256).digest()
        self.case_search = CaseSearch(self.cases, term_key=term_key, per_minute=search_per_minute)
        self.staff_notices = StaffNotices(self.cases)
