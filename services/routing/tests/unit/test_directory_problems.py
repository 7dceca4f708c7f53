"""The directory validator finds what is wrong, in plain words; the schema refuses nonsense."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest
from pydantic import ValidationError
from routing_factories import DIRECTORY, directory, find, service, t

from voorportaal_routing.domain.directory import OpeningHours, problems


def test_the_sample_directory_is_valid() -> None:
    assert problems(directory()) == []


Edit = Callable[[dict[str, Any]], None]


def _svc(sid: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda d: find(d, "services", sid)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: _svc("uwv_ww")(d)["eligibility"].update(needs=["flying"]),
            "service uwv_ww: unknown need flying",
        ),
        (
            lambda d: d["services"].append(service("uwv_ww", "uwv", ["income_gap"])),
            "service id uwv_ww appears 2 times",
        ),
        (
            lambda d: d["organizations"].append(d["organizations"][0]),
            "organization uwv appears 2 times",
        ),
        (
            lambda d: _svc("uwv_ww")(d).update(organization="nobody"),
            "service uwv_ww: unknown organization nobody",
        ),
        (
            lambda d: d["organizations"].append(
                {"code": "cjib", "name": t("CJIB"), "web": "https://cjib.nl"}
            ),
            "organization cjib offers no service",
        ),
        (
            lambda d: _svc("wijkteam_utrecht")(d).update(service_areas=["GM0599"]),
            "service wijkteam_utrecht: municipality GM0599 is not in the municipality list",
        ),
        (
            lambda d: _svc("wijkteam_utrecht")(d).update(service_areas=["GM0344", "GM0344"]),
            "service wijkteam_utrecht: municipality GM0344 appears 2 times",
        ),
        (
            lambda d: _svc("wijkteam_utrecht")(d).update(service_areas=[]),
            'service wijkteam_utrecht: an empty service area (use "national" or list codes)',
        ),
        (
            lambda d: _svc("gemeente_bijstand")(d).update(urgent_response_norm_working_days=9),
            "service gemeente_bijstand: urgent norm (9) is longer than the normal norm (5)",
        ),
        (
            lambda d: _svc("uwv_ww")(d).update(reminder_lead_working_days=5),
            "service uwv_ww: reminder lead (5) does not fall after the day of issue (norm 5)",
        ),
        (
            lambda d: _svc("uwv_ww")(d).update(expiry_working_days=5),
            "service uwv_ww: expiry (5) is not after the norm (5)",
        ),
        (
            lambda d: _svc("wijkteam_utrecht")(d).update(variant_of="nothing"),
            "service wijkteam_utrecht: variant of unknown service nothing",
        ),
        (
            lambda d: _svc("wijkteam_utrecht")(d).update(variant_of="uwv_ww"),
            "service wijkteam_utrecht: variant of uwv_ww, which belongs to uwv",
        ),
        (
            lambda d: _svc("wijkteam_utrecht")(d).update(service_areas="national"),
            "service wijkteam_utrecht: a variant must be local (list its municipalities)",
        ),
        (
            lambda d: d["services"].append(
                service(
                    "wijkteam_utrecht_2",
                    "wijkteam",
                    ["care"],
                    service_areas=["GM0344"],
                    variant_of="wijkteam_hulp",
                )
            ),
            "services wijkteam_utrecht and wijkteam_utrecht_2 both stand in for "
            "wijkteam_hulp in GM0344",
        ),
        (
            lambda d: d["vocabulary"]["needs"].append("debts"),
            "need code debts appears 2 times",
        ),
    ],
)
def test_problems_are_found(edit: Edit, expected: str) -> None:
    assert expected in problems(directory(edit))


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: _svc("uwv_ww")(d).update(unknown_field=1),
        lambda d: _svc("uwv_ww")(d).update(service_areas=["0344"]),
        lambda d: _svc("uwv_ww")(d).update(service_areas="everywhere"),
        lambda d: _svc("uwv_ww")(d).update(contact=[{"kind": "web", "value": "http://x.nl"}]),
        lambda d: _svc("uwv_ww")(d).update(contact=[]),
        lambda d: _svc("uwv_ww")(d).update(response_norm_working_days=0),
        lambda d: _svc("uwv_ww")(d).update(id="UWV WW"),
        lambda d: _svc("uwv_ww")(d)["eligibility"].update(life_events=["winning_the_lottery"]),
        lambda d: d["organizations"][0].update(code="UWV"),
    ],
)
def test_the_schema_refuses_malformed_entries(edit: Edit) -> None:
    with pytest.raises(ValidationError):
        directory(edit)


def test_opening_hours_must_close_after_opening() -> None:
    with pytest.raises(ValidationError, match="closes"):
        OpeningHours(days=["mon"], opens=time(17), closes=time(9))


def test_a_local_variant_stands_in_only_in_its_own_municipality() -> None:
    d = directory()
    assert d.local_service("wijkteam_hulp", "GM0344").id == "wijkteam_utrecht"
    assert d.local_service("wijkteam_hulp", "GM0363").id == "wijkteam_hulp"
    assert d.local_service("wijkteam_hulp", None).id == "wijkteam_hulp"
    assert d.service("wijkteam_utrecht").serves("GM0344")
    assert not d.service("wijkteam_utrecht").serves(None)


def test_lookups_fail_loudly_for_unknown_ids() -> None:
    d = directory()
    with pytest.raises(KeyError):
        d.service("nope")
    with pytest.raises(KeyError):
        d.organization("nope")
    assert d.organization("uwv").code == "uwv"
    assert DIRECTORY["services"]  # the factory data itself is untouched by edits
