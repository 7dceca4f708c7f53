"""The intake's use cases wired together: the one object the composition root (`app.py`) keeps.

Each use case lives in its own module, one transaction each:

| module | use cases |
| --- | --- |
| `starting` | start (rate-limited for citizens) |
| `answering` | get, answer one question, go back |
| `contact` | contact details, who the citizen is (published once submitted) |
| `confirmation` | a one-time code typed in, a new code, staff taking the intake in |
| `submitting` | submit (and hold until confirmed) |
| `amending` | amend a submitted intake |
| `checklist` | tick an item off, apply marks made elsewhere, the overdue sweep |
| `person` | "I want to talk to a person" |
| `erasure` | purge an anonymised case (consumed from `case.events`) |
| `housekeeping` | the periodic jobs |

They share an `IntakeContext` (sessions, clock, limits, topics, the audited load); the
questionnaire, the assessment, the sharing grants and the codes are helpers they call.
"""

from __future__ import annotations

from voorportaal_intake.domain.rate_limits import Limit
from voorportaal_intake.service_layer.amending import Amending
from voorportaal_intake.service_layer.answering import Answering
from voorportaal_intake.service_layer.checklist import Checklist
from voorportaal_intake.service_layer.confirmation import Confirming
from voorportaal_intake.service_layer.contact import PersonalDetails
from voorportaal_intake.service_layer.context import IntakeContext
from voorportaal_intake.service_layer.erasure import ErasureService
from voorportaal_intake.service_layer.housekeeping import Housekeeping
from voorportaal_intake.service_layer.person import PersonRequests
from voorportaal_intake.service_layer.starting import Starting
from voorportaal_intake.service_layer.submitting import Submitting
from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.case_access import CaseAccessStore


class IntakeService:
    """Every intake use case on one context; the methods are the use cases' own."""

    def __init__(self, ctx: IntakeContext, person_limits: tuple[Limit, ...] = ()) -> None:
        self.context = ctx
        self.access: CaseAccessStore = ctx.access
        self.audit: AuditTrail = ctx.audit
        self.starting = Starting(ctx)
        self.answering = Answering(ctx)
        self.personal_details = PersonalDetails(ctx)
        self.confirming = Confirming(ctx)
        self.submitting = Submitting(ctx)
        self.amending = Amending(ctx)
        self.checklist = Checklist(ctx)
        self.person_requests = PersonRequests(
            ctx, person_limits or (Limit("person", 3600, 5), Limit("person", 86400, 20))
        )
        self.erasure = ErasureService(ctx.clock, ctx.topics)
        self.housekeeping = Housekeeping(ctx)
        # The use cases by their old names, for scripts and tests that drive the service.
        self.start = self.starting.start
        self.get = self.answering.get
        self.answer = self.answering.answer
        self.back = self.answering.back
        self.submit = self.submitting.submit
        self.amend = self.amending.amend
        self.forget_sent_codes = self.housekeeping.forget_sent_codes
        self.forget_expired_limits = self.housekeeping.forget_expired_limits
