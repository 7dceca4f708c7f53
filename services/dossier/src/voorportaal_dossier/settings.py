"""Settings of the dossier service (environment prefix `VOORPORTAAL_DOSSIER_`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from voorportaal_dossier.domain.citizen_link import MIN_KEY_BYTES
from voorportaal_dossier.domain.documents import DEFAULT_MAX_BYTES
from voorportaal_kit.settings import DEV_AUDIT_ANCHOR_KEY, AuditedServiceSettings

__all__ = ["DEV_AUDIT_ANCHOR_KEY", "DEV_CITIZEN_LINK_KEY", "DossierSettings", "get_settings"]

DEV_CITIZEN_LINK_KEY = "voorportaal-dev-citizen-link-key-not-for-production"
"""The key `voorportaal up` signs citizen links with on a developer's machine."""


class DossierSettings(AuditedServiceSettings):
    """The dossier service's settings."""

    model_config = SettingsConfigDict(env_prefix="VOORPORTAAL_DOSSIER_", env_nested_delimiter="__")

    service_name: str = "dossier"
    http_port: int = 8003
    documents_dir: Path | None = None
    """Folder for uploaded documents (content-addressed); empty means `<data_dir>/documents`."""
    max_upload_bytes: int = Field(default=DEFAULT_MAX_BYTES, gt=0, le=50 * 1024 * 1024)
    """Largest document accepted."""
    citizen_link_key: SecretStr = SecretStr(DEV_CITIZEN_LINK_KEY)
    """HMAC key of the citizen's signed link (at least 32 bytes; the dev key is refused in
    production)."""
    citizen_link_ttl_s: int = Field(default=14 * 24 * 3600, gt=0, le=90 * 24 * 3600)
    """How long a citizen link stays valid."""
    retention_days: int = Field(default=365 * 2, gt=0)
    """How long a closed case keeps its personal data before it is anonymised."""
    teams: dict[str, str] = Field(default_factory=dict)
    """Team of each staff member by subject id, when the token carries no `team` claim
    (`VOORPORTAAL_DOSSIER_TEAMS='{"cm-anna": "team-noord"}'`)."""
    promise_interval_s: float = Field(default=60.0, gt=0)
    """How often the promise ledger looks for promises falling due or broken."""
    retention_interval_s: float = Field(default=3600.0, gt=0)
    """How often the retention job looks for closed cases past their period."""
    clock_offset_s: float = Field(default=0.0, ge=-366 * 24 * 3600, le=366 * 24 * 3600)
    """Development and test only: shift the dossier's clock by this many seconds, read at
    start (the console's browser tests restart the dossier with it to see a promise broken).
    Refused in production."""
    projection_members: int = Field(default=1, ge=1, le=6)
    """Consumers of `intake.events` and of `case.events` in this process (six partitions
    each), so that one folds a batch while another waits on the database. One by default: on
    the 2-core development machine two were slower (bench/dossier.py, 4 of 4 runs each way)."""
    contact_phone: str | None = Field(default=None, max_length=32)
    """The front counter's number the citizen's view gives when the case has no buddy (or
    none of the numbers below is known): "call … on working days"."""
    team_phones: dict[str, str] = Field(default_factory=dict)
    """The number of each buddy team (`VOORPORTAAL_DOSSIER_TEAM_PHONES='{"team-noord":
    "030 123 45 67"}'`), given to the citizens whose buddy is in it."""
    staff_phones: dict[str, str] = Field(default_factory=dict)
    """A casemanager's own work number by subject id, given to their citizens before the
    team's."""
    consumer_group_prefix: str = Field(default="dossier", pattern=r"^[a-z][a-z0-9_.-]{0,40}$")
    """Prefix of the consumer groups (a second projection, e.g. a rebuild, uses another)."""
    search_per_minute: int = Field(default=30, ge=1, le=600)
    """Case searches one staff member may do per minute (`GET /cases/search`; 429 beyond)."""

    def development_defaults(self) -> dict[str, bool]:
        """The kit's (with the audit anchor key), the development link key, and a shifted
        clock."""
        return {
            **super().development_defaults(),
            "citizen_link_key": self.citizen_link_key.get_secret_value() == DEV_CITIZEN_LINK_KEY,
            "clock_offset_s": bool(self.clock_offset_s),
        }

    @model_validator(mode="after")
    def _keys_are_long_enough(self) -> DossierSettings:
        if len(self.citizen_link_key.get_secret_value().encode()) < MIN_KEY_BYTES:
            raise ValueError(f"citizen_link_key: at least {MIN_KEY_BYTES} bytes")
        return self

    @property
    def effective_documents_dir(self) -> Path:
        """Where documents are stored."""
        return self.documents_dir or self.data_dir / "documents"

    @property
    def effective_audit_anchor_file(self) -> Path:
        """Where the audit chain's checkpoints are appended (the dossier's file name is older
        than the other services' logs)."""
        return self.audit_anchor_file or self.data_dir / "audit-anchors.jsonl"

    @property
    def link_key(self) -> bytes:
        """The citizen-link key as bytes."""
        return self.citizen_link_key.get_secret_value().encode()


@lru_cache
def get_settings() -> DossierSettings:
    """The settings, read once from the environment."""
    return DossierSettings()
