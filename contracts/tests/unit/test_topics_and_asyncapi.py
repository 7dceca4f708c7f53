"""Topic names and the committed AsyncAPI document."""

from __future__ import annotations

import pytest

from voorportaal_contracts import asyncapi
from voorportaal_contracts.consent import sharing_agencies
from voorportaal_contracts.registry import registry
from voorportaal_contracts.topics import (
    MUNICIPAL_AGENCIES,
    TOPICS,
    dlq_topic,
    is_dlq,
    municipal_agency,
    municipal_agency_code,
    referral_topic,
)


def test_committed_asyncapi_document_is_current() -> None:
    committed = asyncapi.DOCUMENT_PATH.read_text(encoding="utf-8")
    assert committed == asyncapi.render(), "run `voorportaal asyncapi` and commit the result"


def test_asyncapi_documents_every_event_and_topic() -> None:
    doc = asyncapi.build_document()
    assert doc["asyncapi"] == "3.0.0"
    documented = {m["name"] for m in doc["components"]["messages"].values()}
    assert {m.event_type for m in registry} <= documented
    addresses = {c["address"] for c in doc["channels"].values()}
    assert {t.name for t in TOPICS} <= addresses
    assert "referrals.{agency}" in addresses and "{topic}.dlq" in addresses
    for channel_id, channel in doc["channels"].items():
        for ref in channel["messages"].values():
            name = ref["$ref"].rsplit("/", 1)[-1]
            assert name in doc["components"]["messages"], (channel_id, name)


def test_asyncapi_schema_refs_all_resolve() -> None:
    doc = asyncapi.build_document()
    schemas = doc["components"]["schemas"]
    text = asyncapi.render()
    import re

    for ref in set(re.findall(r'"#/components/schemas/([^"]+)"', text)):
        assert ref in schemas, ref


@pytest.mark.parametrize("code", ["uwv", "gemeente-gm0344", "cak"])
def test_referral_topic_per_agency(code: str) -> None:
    assert referral_topic(code) == f"referrals.{code}"


@pytest.mark.parametrize("code", ["", "U", "UWV", "a", "uwv.evil", "-x", "x" * 40, "a b"])
def test_referral_topic_refuses_bad_agency_codes(code: str) -> None:
    with pytest.raises(ValueError, match="agency code"):
        referral_topic(code)


def test_dlq_topic_names() -> None:
    assert dlq_topic("case.events") == "case.events.dlq"
    assert is_dlq("case.events.dlq") and not is_dlq("case.events")
    with pytest.raises(ValueError, match="already a dead-letter topic"):
        dlq_topic("case.events.dlq")


def test_a_municipalitys_agency_is_named_after_its_cbs_code_in_lower_case() -> None:
    assert municipal_agency_code("gemeente", "GM0363") == "gemeente-gm0363"
    assert referral_topic(municipal_agency_code("wijkteam", "GM0599")) == (
        "referrals.wijkteam-gm0599"
    )
    assert municipal_agency("schuldhulp-gm0344") == ("schuldhulp", "GM0344")
    assert municipal_agency("uwv") is None
    assert municipal_agency("juridisch-loket") is None
    with pytest.raises(ValueError, match="municipality code"):
        municipal_agency_code("gemeente", "0363")
    with pytest.raises(ValueError, match="per-municipality"):
        municipal_agency_code("uwv", "GM0363")


@pytest.mark.parametrize("kind", MUNICIPAL_AGENCIES)
def test_no_topic_is_shared_by_all_municipalities(kind: str) -> None:
    with pytest.raises(ValueError, match="one agency per municipality"):
        referral_topic(kind)


def test_sharing_with_my_gemeente_names_the_citizens_own_municipality() -> None:
    assert sharing_agencies(["uwv", "gemeente", "wijkteam"], "GM0363") == [
        "gemeente-gm0363",
        "uwv",
        "wijkteam-gm0363",
    ]
    # Without a municipality "my gemeente" names no agency: never consent for all of them.
    assert sharing_agencies(["uwv", "gemeente", "schuldhulp"], None) == ["uwv"]


def test_the_asyncapi_document_explains_the_municipal_topic_names() -> None:
    doc = asyncapi.build_document()
    (referrals,) = [c for c in doc["channels"].values() if c["address"] == "referrals.{agency}"]
    assert "referrals.gemeente-gm0363" in referrals["description"]
    assert "gemeente-gm0363" in referrals["parameters"]["agency"]["description"]
    page = asyncapi.agency_document("gemeente-gm0363")
    assert page["channels"]["referrals"]["address"] == "referrals.gemeente-gm0363"
