"""Shared records as FHIR R4: one resource per record, searchset Bundles both ways.

| Kind | Resource | Search |
|---|---|---|
| diagnosis | Condition (ICD-10-SE) | `Condition` |
| contact | Encounter | `Encounter` |
| medication | MedicationStatement (ATC) | `MedicationStatement` |
| alert | Flag | `Flag` |
| lab | Observation, category laboratory (NPU) | `Observation?category=laboratory` |
| functional | Observation, category survey (ADL) | `Observation?category=survey` |
| note | DocumentReference, text as attachment | `DocumentReference` |
| social_care | ServiceRequest, intent order | `ServiceRequest` |

Every resource names the patient (personnummer or samordningsnummer system), its unit
and care giver by HSA-id (extensions `source-unit`, `source-care-giver`), and the node
that produced it (`meta.source`). Units whose records the patient has blocked appear in
the Bundle as an OperationOutcome (search mode `outcome`, issue code `suppressed`), one
issue per unit HSA-id, never with content. Pure functions: no database, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from samvard.federation.schemas import SharedEntry
from samvard.fhir import systems
from samvard.fhir.elements import by_identifier, coding
from samvard.fhir.mapping import to_json
from samvard.fhir.record_kinds import BUILDERS, READERS, MissingElementError, as_date
from samvard.records.models import RecordKind
from samvard.records.schemas import DETAILS, KIND_LABELS

SEARCHES: Final[dict[RecordKind, tuple[str, str | None]]] = {
    RecordKind.DIAGNOSIS: ("Condition", None),
    RecordKind.CONTACT: ("Encounter", None),
    RecordKind.MEDICATION: ("MedicationStatement", None),
    RecordKind.ALERT: ("Flag", None),
    RecordKind.LAB: ("Observation", "laboratory"),
    RecordKind.FUNCTIONAL: ("Observation", "survey"),
    RecordKind.NOTE: ("DocumentReference", None),
    RecordKind.SOCIAL_CARE: ("ServiceRequest", None),
}
BLOCKED_TEXT: Final = "Det finns uppgifter hos enheten som patienten har spärrat."
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


class MalformedBundle(ValueError):  # noqa: N818 - the name other nodes' code uses
    """An answer that is not a valid searchset Bundle of the expected resources."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class ParsedBundle:
    """What a producer disclosed: its entries, and the units it holds blocked records for."""

    entries: tuple[SharedEntry, ...]
    blocked_units: tuple[str, ...]


def search_for(kind: RecordKind) -> tuple[str, str | None]:
    """The resource type (and Observation category) to search for records of `kind`."""
    return SEARCHES[kind]


def kind_for_search(resource_type: str, category: str | None) -> RecordKind | None:
    """The kind a search asks for; None for a search this API does not offer."""
    for kind, search in SEARCHES.items():
        if search == (resource_type, category):
            return kind
    return None


def record_resource(entry: SharedEntry, *, person_id: str, node_id: str) -> Resource:
    """The FHIR resource for one shared record (details must be valid for its kind)."""
    details = DETAILS[entry.kind].model_validate(entry.details).model_dump()
    resource_class, fields = BUILDERS[entry.kind](details, entry.occurred_on)
    extensions = [
        Extension(url=systems.EXT_TITLE, valueString=entry.title),
        Extension(
            url=systems.EXT_SOURCE_UNIT,
            valueReference=by_identifier(systems.HSA_ID, entry.unit_hsaid, entry.unit_name),
        ),
        Extension(
            url=systems.EXT_SOURCE_CARE_GIVER,
            valueReference=by_identifier(systems.HSA_ID, entry.care_giver_hsaid),
        ),
        *fields.pop("extension_more", []),
    ]
    patient_system = systems.infer_person_id_system(person_id)
    build: Any = resource_class
    resource: Resource = build(
        id=entry.source_id,
        meta=Meta(source=node_id, tag=[coding(systems.RECORD_KIND, entry.kind.value)]),
        extension=extensions,
        subject=by_identifier(patient_system, person_id),
        **{k: v for k, v in fields.items() if v is not None},
    )
    return resource


def bundle_for(
    entries: Iterable[SharedEntry],
    *,
    blocked_units: Sequence[str],
    person_id: str,
    node_id: str,
    base_url: str | None = None,
) -> dict[str, Any]:
    """A searchset Bundle (FHIR JSON) of `entries`, plus the blocked-unit marker."""
    resources = [record_resource(e, person_id=person_id, node_id=node_id) for e in entries]
    base = base_url.rstrip("/") if base_url else None
    items = [
        BundleEntry(
            fullUrl=f"{base}/{r.get_resource_type()}/{r.id}" if base else None,
            resource=r,
            search=BundleEntrySearch(mode="match"),
        )
        for r in resources
    ]
    if blocked_units:
        items.append(
            BundleEntry(
                resource=blocked_outcome(blocked_units), search=BundleEntrySearch(mode="outcome")
            )
        )
    bundle = Bundle(type="searchset", total=len(resources), entry=items or None)
    return to_json(bundle)


def blocked_outcome(units: Sequence[str]) -> OperationOutcome:
    """The marker that blocked records exist: one `suppressed` issue per unit, no content."""
    return OperationOutcome(
        issue=[
            OperationOutcomeIssue(
                severity="information",
                code="suppressed",
                details=CodeableConcept(coding=[coding(systems.HSA_ID, unit)], text=BLOCKED_TEXT),
            )
            for unit in dict.fromkeys(units)
        ]
    )


def parse_bundle(data: Any, *, kind: RecordKind) -> ParsedBundle:
    """Read a producer's answer; anything but a valid searchset of `kind` is malformed.

    A resource that appears twice (same id) is kept once, so a producer answering twice
    shows once.
    """
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise MalformedBundle("Svaret är inte en FHIR-Bundle.")
    try:
        bundle = Bundle.model_validate(data)
    except (ValidationError, ValueError, TypeError) as exc:
        raise MalformedBundle(f"Ogiltig FHIR-Bundle ({type(exc).__name__}).") from None
    if bundle.type != "searchset":
        raise MalformedBundle("Bundlen är inte ett sökresultat (searchset).")
    entries: dict[str, SharedEntry] = {}
    blocked: dict[str, None] = {}
    for item in bundle.entry or []:
        resource = item.resource
        if resource is None:
            raise MalformedBundle("En post i svaret saknar resurs.")
        if resource.get_resource_type() == "OperationOutcome":
            blocked.update(dict.fromkeys(_blocked_units(resource)))
            continue
        entry = shared_entry(resource, kind=kind)
        entries.setdefault(entry.source_id, entry)
    return ParsedBundle(entries=tuple(entries.values()), blocked_units=tuple(blocked))


def _blocked_units(outcome: Any) -> list[str]:
    units = []
    for issue in outcome.issue or []:
        if issue.code != "suppressed" or issue.details is None:
            continue
        units += [c.code for c in issue.details.coding or [] if c.system == systems.HSA_ID]
    return [u for u in units if u]


def shared_entry(resource: Any, *, kind: RecordKind) -> SharedEntry:
    """One resource read back into a SharedEntry (raises MalformedBundle)."""
    expected_type, category = SEARCHES[kind]
    if resource.get_resource_type() != expected_type:
        raise MalformedBundle(
            f"Svaret innehåller {resource.get_resource_type()}, inte {expected_type}."
        )
    if category is not None and category not in _codes(resource.category):
        raise MalformedBundle(f"Observationen har inte kategorin {category}.")
    if not isinstance(resource.id, str) or not _FHIR_ID.match(resource.id):
        raise MalformedBundle("En resurs saknar giltigt id.")
    try:
        raw, occurred = READERS[kind](resource)
        details = DETAILS[kind].model_validate(raw).model_dump(mode="json")
        unit = _reference(resource, systems.EXT_SOURCE_UNIT)
        care_giver = _reference(resource, systems.EXT_SOURCE_CARE_GIVER)
    except (
        MissingElementError,
        ValidationError,
        AttributeError,
        TypeError,
        ValueError,
        IndexError,
    ):
        raise MalformedBundle(
            f"Resursen {resource.id} saknar uppgifter eller har fel format."
        ) from None
    title = _extension(resource, systems.EXT_TITLE)
    return SharedEntry(
        source_id=resource.id,
        kind=kind,
        title=title.valueString if title and title.valueString else KIND_LABELS[kind],
        occurred_on=as_date(occurred),
        care_giver_hsaid=care_giver.identifier.value,
        unit_hsaid=unit.identifier.value,
        unit_name=unit.display or "",
        details=details,
    )


def _codes(concepts: Any) -> set[str]:
    return {c.code for item in concepts or [] for c in item.coding or [] if c.code}


def _extension(resource: Any, url: str) -> Any:
    return next((e for e in resource.extension or [] if e.url == url), None)


def _reference(resource: Any, url: str) -> Any:
    found = _extension(resource, url)
    reference = found.valueReference if found is not None else None
    if reference is None or reference.identifier is None or not reference.identifier.value:
        raise MissingElementError(f"extension {url}")
    return reference
