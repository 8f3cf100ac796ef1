"""Records as FHIR: every kind survives the trip to a Bundle and back; bad answers are refused."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

from samvard.demo import personas
from samvard.federation.schemas import SharedEntry
from samvard.fhir import systems
from samvard.fhir.records import (
    MalformedBundle,
    bundle_for,
    kind_for_search,
    parse_bundle,
    record_resource,
    search_for,
)
from samvard.records.models import RecordKind
from samvard.records.schemas import (
    DETAILS,
    AdlActivity,
    AlertKind,
    ContactType,
    TargetGroup,
)

PATIENT = personas.ELDER.person_id
UNIT = personas.VARDCENTRAL_UNIT
BLOCKED_UNIT = personas.EMERGENCY_UNIT
CARE_GIVER = personas.STOCKHOLM_REGION

text = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
optional_text = st.one_of(st.just(""), text)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
optional_day = st.one_of(st.none(), days)
lab_value = st.one_of(
    st.sampled_from(["134", "5.4", "5.40", "<0.5", "positiv", "-3", "0", "1e5", "007"]),
    st.decimals(min_value=-1000, max_value=100000, places=2).map(str),
)

DETAIL_STRATEGIES: dict[RecordKind, st.SearchStrategy[dict[str, Any]]] = {
    RecordKind.NOTE: st.fixed_dictionaries({"profession": text, "text": text}),
    RecordKind.DIAGNOSIS: st.fixed_dictionaries(
        {
            "code": st.from_regex(r"\A[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?\Z"),
            "text": text,
            "main": st.booleans(),
        }
    ),
    RecordKind.CONTACT: st.fixed_dictionaries(
        {"contact_type": st.sampled_from(ContactType), "reason": text, "ended_on": optional_day}
    ),
    RecordKind.MEDICATION: st.fixed_dictionaries(
        {
            "name": text,
            "atc": st.one_of(st.none(), st.from_regex(r"\A[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}\Z")),
            "dosage": text,
            "started_on": days,
            "ended_on": optional_day,
        }
    ),
    RecordKind.ALERT: st.fixed_dictionaries(
        {"alert_kind": st.sampled_from(AlertKind), "text": text, "severe": st.booleans()}
    ),
    RecordKind.LAB: st.fixed_dictionaries(
        {
            "analysis": text,
            "npu_code": st.one_of(st.none(), st.from_regex(r"\ANPU[0-9]{5}\Z")),
            "value": lab_value,
            "unit": st.sampled_from(["", "g/L", "mmol/L"]),
            "reference_range": st.sampled_from(["", "117-153"]),
            "abnormal": st.booleans(),
        }
    ),
    RecordKind.FUNCTIONAL: st.fixed_dictionaries(
        {
            "activity": st.sampled_from(AdlActivity),
            "level": st.sampled_from(["sjalvstandig", "delvis_beroende", "helt_beroende"]),
            "comment": optional_text,
        }
    ),
    RecordKind.SOCIAL_CARE: st.fixed_dictionaries(
        {
            "intervention": text,
            "law": st.sampled_from(["SoL", "LSS"]),
            "target_group": st.sampled_from(TargetGroup),
            "decided_on": days,
            "ended_on": optional_day,
            "scope": optional_text,
        }
    ),
}


@st.composite
def entries(draw: st.DrawFn, kind: RecordKind) -> SharedEntry:
    raw = draw(DETAIL_STRATEGIES[kind])
    details = DETAILS[kind].model_validate(raw).model_dump(mode="json")
    return SharedEntry(
        source_id=draw(st.from_regex(r"\A[a-z]{1,8}-[0-9]{1,6}\Z")),
        kind=kind,
        title=draw(text),
        occurred_on=draw(days),
        care_giver_hsaid=CARE_GIVER,
        unit_hsaid=UNIT,
        unit_name=draw(text),
        details=details,
    )


def _wire(bundle: dict[str, Any]) -> dict[str, Any]:
    # What actually travels: JSON text, read back.
    data: dict[str, Any] = json.loads(json.dumps(bundle))
    return data


@pytest.mark.parametrize("kind", list(RecordKind))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_kind_round_trips(kind: RecordKind, data: st.DataObject) -> None:
    found = data.draw(st.lists(entries(kind), max_size=4, unique_by=lambda e: e.source_id))
    blocked = data.draw(st.lists(st.sampled_from([BLOCKED_UNIT, UNIT]), max_size=2))
    bundle = _wire(bundle_for(found, blocked_units=blocked, person_id=PATIENT, node_id="region"))
    Bundle.model_validate(bundle)
    parsed = parse_bundle(bundle, kind=kind)
    assert parsed.entries == tuple(found)
    assert parsed.blocked_units == tuple(dict.fromkeys(blocked))


@pytest.mark.parametrize("kind", list(RecordKind))
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_duplicates_are_dropped(kind: RecordKind, data: st.DataObject) -> None:
    entry = data.draw(entries(kind))
    bundle = bundle_for([entry, entry], blocked_units=[], person_id=PATIENT, node_id="region")
    assert parse_bundle(_wire(bundle), kind=kind).entries == (entry,)


def _entry(kind: RecordKind, details: dict[str, Any]) -> SharedEntry:
    return SharedEntry(
        source_id="region-1",
        kind=kind,
        title="Anteckning",
        occurred_on=date(2026, 3, 1),
        care_giver_hsaid=CARE_GIVER,
        unit_hsaid=UNIT,
        unit_name="Vårdcentralen Stockholm Centrum",
        details=DETAILS[kind].model_validate(details).model_dump(mode="json"),
    )


MEDICATION = _entry(
    RecordKind.MEDICATION,
    {"name": "Enalapril", "atc": "C09AA02", "dosage": "1 x 1", "started_on": "2026-01-01"},
)


def test_resources_carry_patient_source_and_codes() -> None:
    resource = json.loads(
        record_resource(MEDICATION, person_id=PATIENT, node_id="region").model_dump_json()
    )
    assert resource["resourceType"] == "MedicationStatement"
    assert resource["subject"]["identifier"] == {
        "use": "official",
        "system": systems.PERSONNUMMER,
        "value": PATIENT,
    }
    assert resource["meta"]["source"] == "region"
    assert resource["medicationCodeableConcept"]["coding"][0]["system"] == systems.ATC
    urls = {e["url"]: e for e in resource["extension"]}
    unit = urls[systems.EXT_SOURCE_UNIT]["valueReference"]["identifier"]
    assert unit == {"use": "official", "system": systems.HSA_ID, "value": UNIT}
    care_giver = urls[systems.EXT_SOURCE_CARE_GIVER]["valueReference"]["identifier"]
    assert care_giver["value"] == CARE_GIVER
    coordination = record_resource(
        MEDICATION, person_id=personas.COORDINATION_NUMBER_HOLDER.person_id, node_id="region"
    )
    assert coordination.subject.identifier.system == systems.SAMORDNINGSNUMMER  # type: ignore[attr-defined]


def test_a_diagnosis_is_coded_in_icd10_se() -> None:
    entry = _entry(RecordKind.DIAGNOSIS, {"code": "I10", "text": "Essentiell hypertoni"})
    condition = record_resource(entry, person_id=PATIENT, node_id="region")
    assert condition.code.coding[0].system == "urn:oid:1.2.752.116.1.1.1"  # type: ignore[attr-defined]


def test_blocked_units_are_an_outcome_without_content() -> None:
    bundle = bundle_for([], blocked_units=[BLOCKED_UNIT], person_id=PATIENT, node_id="region")
    assert bundle["total"] == 0
    [marker] = bundle["entry"]
    assert marker["search"]["mode"] == "outcome"
    [issue] = marker["resource"]["issue"]
    assert issue["code"] == "suppressed"
    assert issue["details"]["coding"] == [{"system": systems.HSA_ID, "code": BLOCKED_UNIT}]
    assert PATIENT not in json.dumps(bundle)


def test_searches_name_their_kind() -> None:
    for kind in RecordKind:
        assert kind_for_search(*search_for(kind)) is kind
    assert kind_for_search("Observation", None) is None
    assert kind_for_search("Patient", None) is None


def _medication_bundle() -> dict[str, Any]:
    return _wire(
        bundle_for(
            [MEDICATION],
            blocked_units=[],
            person_id=PATIENT,
            node_id="region",
            base_url="https://region.example/federation/v1/fhir",
        )
    )


def _broken(change: str) -> Any:
    bundle = _medication_bundle()
    resource = bundle["entry"][0]["resource"]
    if change == "not a dict":
        return ["Bundle"]
    if change == "not a bundle":
        return resource
    if change == "collection":
        bundle["type"] = "collection"
    elif change == "invalid element":
        resource["status"] = {"nested": True}
    elif change == "wrong type":
        bundle["entry"][0]["resource"] = {
            "resourceType": "Flag",
            "status": "active",
            "code": {"text": "x"},
            "subject": {"display": "x"},
        }
    elif change == "no id":
        del resource["id"]
    elif change == "no source unit":
        resource["extension"] = resource["extension"][:1]
    elif change == "bad details":
        resource["medicationCodeableConcept"]["coding"][0]["code"] = "not-atc"
    elif change == "no dosage":
        del resource["dosage"]
    elif change == "empty entry":
        bundle["entry"][0] = {"search": {"mode": "match"}}
    return bundle


@pytest.mark.parametrize(
    "change",
    [
        "not a dict",
        "not a bundle",
        "collection",
        "invalid element",
        "wrong type",
        "no id",
        "no source unit",
        "bad details",
        "no dosage",
        "empty entry",
    ],
)
def test_malformed_answers_are_refused(change: str) -> None:
    with pytest.raises(MalformedBundle):
        parse_bundle(_broken(change), kind=RecordKind.MEDICATION)


def test_an_observation_of_the_other_category_is_refused() -> None:
    lab = _entry(RecordKind.LAB, {"analysis": "Hb", "value": "134", "unit": "g/L"})
    bundle = _wire(bundle_for([lab], blocked_units=[], person_id=PATIENT, node_id="region"))
    assert parse_bundle(bundle, kind=RecordKind.LAB).entries == (lab,)
    with pytest.raises(MalformedBundle):
        parse_bundle(bundle, kind=RecordKind.FUNCTIONAL)


def test_an_empty_searchset_is_no_data() -> None:
    parsed = parse_bundle({"resourceType": "Bundle", "type": "searchset"}, kind=RecordKind.NOTE)
    assert parsed.entries == () and parsed.blocked_units == ()
