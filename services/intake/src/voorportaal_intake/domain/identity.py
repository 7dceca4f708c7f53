"""Who the citizen is: BSN 11-proof, Dutch postcodes, and the municipality a postcode lies in.

These details identify a person; they are checked here, stored in their own table, and leave
the intake service only on `citizen.identity` (read by the dossier and routing, nobody else).
"""

from __future__ import annotations

import re
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field, model_validator

_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")


def is_valid_bsn(value: str) -> bool:
    """Whether `value` is a burgerservicenummer: nine digits passing the 11-proof.

    The 11-proof weighs the first eight digits 9, 8, …, 2 and the last one minus 1; the sum must be
    a multiple of 11. An all-zero number passes the arithmetic but is never issued.
    """
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and any(digits)


def normalise_postcode(value: str) -> str | None:
    """`1234 ab` → `1234AB`; None when it is no Dutch postcode."""
    match = _POSTCODE.fullmatch(value.strip().upper())
    return f"{match[1]}{match[2]}" if match else None


class Municipality(BaseModel):
    """A municipality and the four-digit postcode ranges that lie in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^GM\d{4}$")
    name: str
    pc4: list[tuple[int, int]] = Field(min_length=1)

    @model_validator(mode="after")
    def _ranges(self) -> Municipality:
        for low, high in self.pc4:
            if not 1000 <= low <= high <= 9999:
                raise ValueError(f"{self.code}: bad PC4 range {low}-{high}")
        return self


class MunicipalityTable(BaseModel):
    """Postcode ranges to municipalities (approximate; see the content file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    municipality: list[Municipality]

    @model_validator(mode="after")
    def _no_overlap(self) -> MunicipalityTable:
        ranges = sorted((low, high, m.code) for m in self.municipality for low, high in m.pc4)
        for (_, high, code), (low, _, other) in pairwise(ranges):
            if low <= high:
                raise ValueError(f"PC4 ranges of {code} and {other} overlap at {low}")
        return self

    def lookup(self, postcode: str) -> Municipality | None:
        """The municipality of a (normalised) postcode, or None when the table does not know."""
        pc4 = int(postcode[:4])
        return next(
            (m for m in self.municipality for low, high in m.pc4 if low <= pc4 <= high), None
        )
