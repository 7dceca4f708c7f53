"""The notify service's tables (its own database; no other service reads them).

Personal data lives in `contact_points` (addresses, a representative's name), in an open
`notices` row (the address a code or a "your details were changed" notice goes to, and the code)
and in `pending_updates.fields` (a staff member's name, a date). A tombstone on `contact.points`
or `CaseAnonymised` deletes or blanks all three; every other table holds ids, template ids,
statuses and times, so the delivery record and the contact-load meter survive an erasure.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, String, Table

from voorportaal_kit.db import AwareDateTime, new_metadata
from voorportaal_kit.tables import audit_table, case_access_table

metadata = new_metadata()

contact_points = Table(
    "contact_points",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("channels", JSON, nullable=False, comment="Preferred channels, in order"),
    Column("language", String(2), nullable=False),
    Column("email", String(320), nullable=True, comment="Personal data"),
    Column("phone", String(20), nullable=True, comment="Personal data (E.164)"),
    Column("quiet_from", String(5), nullable=True, comment="HH:MM local time"),
    Column("quiet_until", String(5), nullable=True),
    Column("representative", JSON, nullable=True, comment="Personal data: name, addresses"),
    Column("changed_by", String(64), nullable=False, comment="intake, staff id or citizen"),
    Column("updated_at", AwareDateTime(), nullable=False),
    Column(
        "verified",
        JSON,
        nullable=False,
        default=list,
        comment="Channels whose current address the citizen confirmed with a one-time code",
    ),
    Column(
        "held",
        Boolean,
        nullable=False,
        default=False,
        comment="The citizen's updates wait: an address was given, none is confirmed",
    ),
    comment="From contact.points (or changed here); a tombstone deletes the row",
)

pending_updates = Table(
    "pending_updates",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(96), nullable=False),
    Column("template_id", String(48), nullable=False),
    Column("fields", JSON, nullable=False, comment="Safe fields only: contact_name, date"),
    Column("priority", String(8), nullable=False),
    Column("ignore_quiet_hours", Boolean, nullable=False),
    Column("action_required", Boolean, nullable=False),
    Column("link_page", String(16), nullable=False),
    Column("copy_wanted", Boolean, nullable=False, comment="The rule allows a representative copy"),
    Column("message_id", String(64), nullable=True, comment="The citizen's message carrying it"),
    Column("copy_message_id", String(64), nullable=True, comment="The representative's copy"),
    Column("created_at", AwareDateTime(), nullable=False),
    Index("ix_pending_updates_case", "case_id"),
    Index("ix_pending_updates_open", "message_id"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("recipient", String(16), nullable=False, comment="citizen or representative"),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("update_ids", JSON, nullable=False),
    Column("template_id", String(48), nullable=False, comment="The update's, or bundle"),
    Column("updates", Integer, nullable=False),
    Column("action_required", Boolean, nullable=False),
    Column("link_page", String(16), nullable=False),
    Column("language", String(2), nullable=True, comment="The language rendered"),
    Column("status", String(16), nullable=False),
    Column("channel", String(8), nullable=True, comment="Channel being tried"),
    Column("channels_tried", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("retries_on_channel", Integer, nullable=False),
    Column("next_attempt_at", AwareDateTime(), nullable=True),
    Column("provider_message_id", String(128), nullable=True),
    Column("reason_code", String(64), nullable=True),
    Column("created_at", AwareDateTime(), nullable=False),
    Column("updated_at", AwareDateTime(), nullable=False),
    Column("sent_at", AwareDateTime(), nullable=True),
    Column(
        "holder",
        String(64),
        nullable=True,
        comment="A representative's copy: the mandate id its link acts under",
    ),
    Index("ix_messages_case", "case_id"),
    Index("ix_messages_due", "status", "next_attempt_at"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("channel", String(8), nullable=False),
    Column("outcome", String(16), nullable=False, comment="sending, sent, transient, …"),
    Column("reason_code", String(64), nullable=True),
    Column("provider_message_id", String(128), nullable=True),
    Column("started_at", AwareDateTime(), nullable=False),
    Column("finished_at", AwareDateTime(), nullable=True),
    Index("ix_delivery_attempts_message", "message_id"),
)

sent_log = Table(
    "sent_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False),
    Column("recipient", String(16), nullable=False),
    Column("message_id", String(64), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("updates", Integer, nullable=False),
    Column("action_required", Boolean, nullable=False),
    Column("sent_at", AwareDateTime(), nullable=False),
    Index("ix_sent_log_case", "case_id", "sent_at"),
    comment="What each household received: the contact-load meter and the rate limit",
)

case_access = case_access_table(metadata, "notify_case_access")
"""Who owns each case, its team, queue state and mandates (the kit's fold of case.events): who
may change contact details, and which mandate a representative's copy acts under."""

notices = Table(
    "notices",
    metadata,
    Column("id", String(64), primary_key=True, comment="The verification id, or our own"),
    Column("case_id", String(64), nullable=False),
    Column("kind", String(24), nullable=False, comment="verification_code or contact_changed"),
    Column("channel", String(8), nullable=False),
    Column("address", String(320), nullable=True, comment="Personal data; blanked when done"),
    Column("address_key", String(64), nullable=True, comment="Keyed hash of the address"),
    Column("code", String(6), nullable=True, comment="The one-time code; blanked when done"),
    Column("language", String(2), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason_code", String(64), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", AwareDateTime(), nullable=True),
    Column("expires_at", AwareDateTime(), nullable=True, comment="A code is useless after it"),
    Column("provider_message_id", String(128), nullable=True),
    Column("created_at", AwareDateTime(), nullable=False),
    Column("updated_at", AwareDateTime(), nullable=False),
    Column("sent_at", AwareDateTime(), nullable=True),
    Index("ix_notices_due", "status", "next_attempt_at"),
    Index("ix_notices_address", "address_key", "created_at"),
    Index("ix_notices_case", "case_id"),
    comment="Messages to one given address outside the bundling: one-time codes (rate-limited "
    "per address) and the notice to an old address that the contact details changed",
)

confirmations = Table(
    "confirmations",
    metadata,
    Column("id", String(64), primary_key=True, comment="The notice that carried the code"),
    Column("case_id", String(64), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("address_key", String(64), nullable=False, comment="Keyed hash of the new address"),
    Column("code_hash", String(64), nullable=False, comment="Keyed hash of the code"),
    Column("tries", Integer, nullable=False),
    Column("status", String(16), nullable=False, comment="open, confirmed, failed, superseded"),
    Column("expires_at", AwareDateTime(), nullable=False),
    Column("created_at", AwareDateTime(), nullable=False),
    Column("updated_at", AwareDateTime(), nullable=False),
    Index("ix_confirmations_case", "case_id", "channel"),
    comment="Codes notify sent itself to an address changed here, until typed back",
)

erased_cases = Table(
    "erased_cases",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("erased_at", AwareDateTime(), nullable=False),
    comment="Cases anonymised: contact points that arrive later are not kept",
)

audit_log = audit_table(metadata, "notify_audit_log")
"""Who changed (or tried to change) how a citizen is reached, why, and whether it was allowed."""

revoked_links = Table(
    "revoked_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False),
    Column("link_id", String(64), nullable=True),
    Column("holder", String(64), nullable=True),
    Column("revoked_at", AwareDateTime(), nullable=False),
    Index("ix_revoked_links_link", "link_id"),
    Index("ix_revoked_links_case_holder", "case_id", "holder"),
    comment="Citizen links revoked in the dossier (`CitizenLinkRevoked`): one link by its hashed "
    "id, or every link of a mandate (holder); the citizen routes refuse them",
)

checklist_reminders = Table(
    "checklist_reminders",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("intake_id", String(64), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("revision", Integer, nullable=False, comment="The checklist revision last applied"),
    Column("due_on", Date, nullable=True, comment="The item's deadline"),
    Column("remind_at", AwareDateTime(), nullable=True, comment="When the reminder is due"),
    Column("done", Boolean, nullable=False, comment="Ticked off"),
    Column("status", String(16), nullable=False, comment="scheduled, queued or dropped"),
    Column("reason", String(16), nullable=True, comment="Why dropped"),
    Column("update_id", String(64), nullable=True, comment="The queued update carrying it"),
    Column("updated_at", AwareDateTime(), nullable=False),
    Index("ix_checklist_reminders_due", "status", "remind_at"),
    comment="One reminder per checklist item with a deadline (ids and dates only, no texts); "
    "deleted when the case is erased",
)
